/**
 * What the site view reads besides the Stats API: annotations (anyone who may read the
 * site; written by the owner), custom events' property keys and the recent-visits log
 * (sessions, and shared links that allow it). The last two read through the reader in the
 * credential's turns, like its Stats API queries.
 * @module
 */
import { Hono } from 'hono';
import { addAnnotation, AnnotationError, annotationDay, deleteAnnotation, listAnnotations } from '../dashboard-api/annotations.ts';
import { propertyKeys } from '../dashboard-api/property-keys.ts';
import { recentVisits } from '../dashboard-api/visits-log.ts';
import { QueryError } from '../query/errors.ts';
import { dashboardAccess, fail, jsonBody, ownedSite, readableSite } from './dashboard-access.ts';
import { inTurn, type ReaderDeps } from './reader-turns.ts';
import { statsStart } from './stats-api.ts';

export function dashboardSiteData(deps: ReaderDeps): Hono {
  const app = new Hono();

  app.get('/api/dashboard/sites/:domain/annotations', async (c) => {
    const access = await dashboardAccess(deps, c);
    if ('response' in access) return access.response;
    const site = await readableSite(deps, c, access.ok);
    if ('response' in site) return site.response;
    try {
      // Without a bound the list is open at that end (days compare as text).
      const from = c.req.query('from');
      const to = c.req.query('to');
      const first = from === undefined ? '0000-00-00' : annotationDay(from, 'from');
      const last = to === undefined ? '9999-99-99' : annotationDay(to, 'to');
      return c.json({ annotations: await listAnnotations(deps.db, site.ok.id, first, last) });
    } catch (e) {
      if (e instanceof AnnotationError) return fail(c, 400, e.message).response;
      throw e;
    }
  });

  app.post('/api/dashboard/sites/:domain/annotations', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    try {
      return c.json({ annotation: await addAnnotation(deps.db, site.ok.id, { day: body.ok.day, text: body.ok.text }, deps.clock()) });
    } catch (e) {
      if (e instanceof AnnotationError) return fail(c, 400, e.message).response;
      throw e;
    }
  });

  app.delete('/api/dashboard/sites/:domain/annotations/:id', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const id = c.req.param('id');
    if (!/^\d{1,15}$/.test(id) || !(await deleteAnnotation(deps.db, site.ok.id, Number(id)))) return fail(c, 404, 'unknown annotation').response;
    return c.json({ deleted: true });
  });

  app.get('/api/dashboard/sites/:domain/properties', async (c) => {
    const access = await dashboardAccess(deps, c);
    if ('response' in access) return access.response;
    const site = await readableSite(deps, c, access.ok);
    if ('response' in site) return site.response;
    const event = c.req.query('event');
    if (event !== undefined && (event === '' || event.length > 120)) return fail(c, 400, 'event: a custom event name is expected').response;
    const keys = await inTurn(deps, c, access.ok, ({ db }) => propertyKeys(db, site.ok.id, event));
    return 'response' in keys ? keys.response : c.json({ keys: keys.ok });
  });

  app.get('/api/dashboard/sites/:domain/visits', async (c) => {
    const access = await dashboardAccess(deps, c);
    if ('response' in access) return access.response;
    const site = await readableSite(deps, c, access.ok);
    if ('response' in site) return site.response;
    if (access.ok.via === 'share' && !access.ok.link.showVisits) return fail(c, 403, 'this shared link does not show the recent visits').response;
    const q = (name: string) => c.req.query(name);
    try {
      const dateRange = q('date_range');
      // Reads raw visits and events over the range: on the reader thread where there is one.
      const page = await inTurn(deps, c, access.ok, async ({ db }) => {
        const start = dateRange !== undefined && dateRange.includes('"all"') ? await statsStart(db, site.ok) : null;
        return recentVisits(db, site.ok, { dateRange, filters: q('filters'), page: q('page'), limit: q('limit') }, deps.clock(), start);
      });
      return 'response' in page ? page.response : c.json(page.ok);
    } catch (e) {
      if (e instanceof QueryError) return fail(c, 400, e.message).response;
      throw e;
    }
  });

  return app;
}
