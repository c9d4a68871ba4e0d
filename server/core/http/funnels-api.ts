/**
 * Funnels over HTTP (docs/goals.md#funnels), for a site named by its domain:
 * `GET /api/v1/sites/:domain/funnels` lists them, `GET …/funnels/:id` shows one,
 * `PUT …/funnels` saves one by name (created, or its steps replaced), `PUT …/funnels/:id`
 * renames and re-steps one, `DELETE …/funnels/:id` deletes one, and
 * `POST …/funnels/:id/query` with `{ date_range, filters }` (the Stats API v2's) counts it.
 * Reading takes any credential that may read the site (its token, an admin token, a
 * session, its shared link); changing takes a bearer token (admin or the site's) or the
 * owner's session. Mounted before the Sites API, whose routes are for admin tokens only.
 * @module
 */
import { Hono, type Context } from 'hono';
import { type Funnel, FunnelError, FUNNEL_API_NAMES, findFunnel, listFunnels, parseFunnel, removeFunnel, saveFunnel, updateFunnel } from '../funnels/funnels.ts';
import { parseFunnelQuery, runFunnel } from '../funnels/run.ts';
import { QueryError } from '../query/errors.ts';
import { findSite, type Site } from '../sites.ts';
import { mayRead } from '../tokens.ts';
import { type Access, badRequest, crossOrigin, requestAccess, unauthorized } from './api-auth.ts';
import { readBody } from './body.ts';
import { OWNER_ONLY } from './dashboard-access.ts';
import { goalsForQuery } from '../goals/goals.ts';
import { goalJson } from './goals-api.ts';
import { inTurn, type ReaderDeps } from './reader-turns.ts';
import { statsStart } from './stats-api.ts';

/** A funnel's name and eight steps, or a query body, fit in far less. */
const MAX_BODY_BYTES = 16 * 1024;
const NOT_FOUND = 'Funnel could not be found';

export function funnelJson(funnel: Funnel) {
  return { id: funnel.id, name: funnel.name, steps: funnel.steps.map(goalJson) };
}

type Found = { access: Access; site: Site } | { response: Response };

/** The credential and the site it may read, or the answer refusing it (401 alike for an unknown site). */
async function siteAccess(deps: ReaderDeps, c: Context): Promise<Found> {
  const access = await requestAccess(deps, c);
  if (!access) return { response: unauthorized(c) };
  if (!('grant' in access)) return { response: crossOrigin(c) };
  const site = await findSite(deps.db, c.req.param('domain')!);
  if (!site || !mayRead(access.grant, site.id)) return { response: unauthorized(c) };
  return { access, site };
}

/** Funnels are the site's settings: a shared link only reads them, a viewer too. */
function mayChange(c: Context, access: Access): Response | null {
  if (access.via === 'token') return null;
  if (access.via === 'session') return access.user.role === 'owner' ? null : c.json({ error: OWNER_ONLY }, 403);
  return unauthorized(c);
}

/** The JSON body, or the 4xx saying why not. */
async function jsonBody(c: Context): Promise<{ body: unknown } | { response: Response }> {
  const read = await readBody(c, MAX_BODY_BYTES);
  if ('tooLarge' in read) return { response: c.json({ error: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.` }, 413) };
  try {
    return { body: JSON.parse(read.text) };
  } catch {
    return { response: badRequest(c, 'The body must be JSON.') };
  }
}

function funnelId(c: Context): number | null {
  const text = c.req.param('id')!;
  return /^\d{1,15}$/.test(text) ? Number(text) : null;
}

const badId = (c: Context) => badRequest(c, "id: a funnel's id, a whole number (GET /api/v1/sites/:domain/funnels lists them)");

export function funnelsApi(deps: ReaderDeps): Hono {
  const app = new Hono();
  const base = '/api/v1/sites/:domain/funnels';

  app.get(base, async (c) => {
    const found = await siteAccess(deps, c);
    if ('response' in found) return found.response;
    return c.json({ funnels: (await listFunnels(deps.db, found.site.id)).map(funnelJson) });
  });

  app.get(`${base}/:id`, async (c) => {
    const found = await siteAccess(deps, c);
    if ('response' in found) return found.response;
    const id = funnelId(c);
    if (id === null) return badId(c);
    const funnel = await findFunnel(deps.db, found.site.id, id);
    return funnel ? c.json(funnelJson(funnel)) : c.json({ error: NOT_FOUND }, 404);
  });

  /** PUT on the list saves by name; on a funnel, replaces that one's name and steps. */
  const put = async (c: Context, id: number | null) => {
    const found = await siteAccess(deps, c);
    if ('response' in found) return found.response;
    const refused = mayChange(c, found.access);
    if (refused) return refused;
    const read = await jsonBody(c);
    if ('response' in read) return read.response;
    const body = read.body;
    try {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FunnelError('The body must be a JSON object: { "name": "…", "steps": [goal id or display name, …] }.');
      const input = parseFunnel(body as Record<string, unknown>, FUNNEL_API_NAMES);
      if (id === null) {
        const { funnel, created } = await saveFunnel(deps.db, found.site.id, input, deps.clock());
        return c.json(funnelJson(funnel), created ? 201 : 200);
      }
      const funnel = await updateFunnel(deps.db, found.site.id, id, input);
      return funnel ? c.json(funnelJson(funnel)) : c.json({ error: NOT_FOUND }, 404);
    } catch (e) {
      if (e instanceof FunnelError) return badRequest(c, e.message);
      throw e;
    }
  };
  app.put(base, (c) => put(c, null));
  app.put(`${base}/:id`, (c) => {
    const id = funnelId(c);
    return id === null ? badId(c) : put(c, id);
  });

  app.delete(`${base}/:id`, async (c) => {
    const found = await siteAccess(deps, c);
    if ('response' in found) return found.response;
    const refused = mayChange(c, found.access);
    if (refused) return refused;
    const id = funnelId(c);
    if (id === null) return badId(c);
    return (await removeFunnel(deps.db, found.site.id, id)) ? c.json({ deleted: true }) : c.json({ error: NOT_FOUND }, 404);
  });

  app.post(`${base}/:id/query`, async (c) => {
    const found = await siteAccess(deps, c);
    if ('response' in found) return found.response;
    const id = funnelId(c);
    if (id === null) return badId(c);
    const read = await jsonBody(c);
    if ('response' in read) return read.response;
    const { site, access } = found;
    const funnel = await findFunnel(deps.db, site.id, id);
    if (!funnel) return c.json({ error: NOT_FOUND }, 404);
    try {
      // A funnel over months reads many events: on Node it runs on the reader thread, in the credential's turn.
      const answer = await inTurn(deps, c, access, async ({ db, columnar }) => {
        const body = read.body as Record<string, unknown> | null;
        const start = body?.date_range === 'all' ? await statsStart(db, site) : null;
        const goals = await goalsForQuery(db, site.id, body?.filters ?? null);
        return runFunnel(db, site, funnel, parseFunnelQuery(body, site, Math.floor(deps.clock() / 1000), start, goals), columnar);
      });
      return 'response' in answer ? answer.response : c.json(answer.ok);
    } catch (e) {
      if (e instanceof QueryError) return badRequest(c, e.message);
      throw e;
    }
  });

  return app;
}
