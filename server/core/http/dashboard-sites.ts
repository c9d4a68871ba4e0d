/**
 * The dashboard's site routes: the list (with sparklines), adding a site, the first-event
 * check, settings, removal, and deleting its statistics (reset, or purge before a day).
 * @module
 */
import { Hono, type Context } from 'hono';
import { requestOrigin } from '../auth/request-origin.ts';
import type { FirstEvent, SiteCreated } from '../dashboard-api/contract.ts';
import { recentDropNotes } from '../ingest/drop-notes.ts';
import { settingsJson } from '../dashboard-api/settings-json.ts';
import { siteSummary } from '../dashboard-api/site-summary.ts';
import { purgeDayProblem, purgeSite } from '../privacy/purge.ts';
import { resetSite } from '../site-reset.ts';
import { parseSiteSettings, SettingsError } from '../site-settings.ts';
import { createSite, listSites, removeSite, SiteError, updateSite, type Site } from '../sites.ts';
import { mayRead } from '../tokens.ts';
import type { ApiDeps } from './api-auth.ts';
import { fail, jsonBody, ownedSite, ownerAccess, readableSite, sessionAccess, type Outcome } from './dashboard-access.ts';
import { PURGE_STATEMENTS_PER_REQUEST } from './privacy-routes.ts';
import { resetJson } from './sites-api.ts';

export function snippetFor(origin: string, domain: string): string {
  return `<script defer data-domain="${domain}" src="${origin}/script.js"></script>`;
}

/**
 * The owner's site and the request's body, when the body's `confirm` is the site's domain
 * typed again (as removal asks); otherwise a 400 saying what to type and what it does.
 */
async function confirmedSite(deps: ApiDeps, c: Context, what: string): Promise<Outcome<{ site: Site; body: Record<string, unknown> }>> {
  const site = await ownedSite(deps, c);
  if ('response' in site) return site;
  const body = await jsonBody(c);
  if ('response' in body) return body;
  const confirm = typeof body.ok.confirm === 'string' ? body.ok.confirm.trim().toLowerCase() : '';
  if (confirm !== site.ok.domain) return fail(c, 400, `confirm: type the domain (${site.ok.domain}) ${what}`);
  return { ok: { site: site.ok, body: body.ok } };
}

export function dashboardSites(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/api/dashboard/sites', async (c) => {
    const access = await sessionAccess(deps, c);
    if ('response' in access) return access.response;
    const sites = (await listSites(deps.db)).filter((s) => mayRead(access.ok.grant, s.id));
    const now = deps.clock();
    const summaries = [];
    // Each summary is a Stats API query: on the reader thread where there is one.
    for (const site of sites) summaries.push(await siteSummary(deps.readDb ?? deps.db, site, now));
    return c.json({ sites: summaries });
  });

  app.post('/api/dashboard/sites', async (c) => {
    const owner = await ownerAccess(deps, c);
    if ('response' in owner) return owner.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const { domain, timezone } = body.ok;
    if (typeof domain !== 'string' || domain.trim() === '') return fail(c, 400, 'domain: a domain such as example.com is required').response;
    if (timezone !== undefined && typeof timezone !== 'string') return fail(c, 400, 'timezone: an IANA timezone such as Europe/Oslo is expected').response;
    try {
      const site = await createSite(deps.db, { domain: domain.slice(0, 300), timezone: timezone || undefined }, deps.clock());
      const created: SiteCreated = { domain: site.domain, timezone: site.timezone, snippet: snippetFor(requestOrigin(deps, c), site.domain) };
      return c.json(created);
    } catch (e) {
      if (!(e instanceof SiteError)) throw e;
      return fail(c, 400, `${e.message.includes('timezone') ? 'timezone' : 'domain'}: ${e.message}`).response;
    }
  });

  app.get('/api/dashboard/sites/:domain/first-event', async (c) => {
    const access = await sessionAccess(deps, c);
    if ('response' in access) return access.response;
    const site = await readableSite(deps, c, access.ok);
    if ('response' in site) return site.response;
    const summary = await deps.db.first('SELECT 1 AS one FROM visits WHERE site_id = ? LIMIT 1', [site.ok.id]);
    const answer: FirstEvent = { received: summary !== null, drops: await recentDropNotes(deps.db, site.ok.id, Math.floor(deps.clock() / 1000)) };
    return c.json(answer);
  });

  app.get('/api/dashboard/sites/:domain/settings', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    return c.json(settingsJson(site.ok, deps.config.ipStorage));
  });

  app.patch('/api/dashboard/sites/:domain/settings', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    try {
      const updated = await updateSite(deps.db, site.ok.domain, parseSiteSettings(body.ok));
      return c.json(settingsJson(updated, deps.config.ipStorage));
    } catch (e) {
      // The API's name of the field beside the owner's words, for a client to place the message.
      if (e instanceof SettingsError) return c.json({ error: e.message, field: e.field }, 400);
      if (e instanceof SiteError) return fail(c, 400, e.message).response;
      throw e;
    }
  });

  app.delete('/api/dashboard/sites/:domain', async (c) => {
    const confirmed = await confirmedSite(deps, c, 'to delete the site and all of its data');
    if ('response' in confirmed) return confirmed.response;
    await removeSite(deps.db, confirmed.ok.site.domain);
    return c.json({ deleted: true });
  });

  app.post('/api/dashboard/sites/:domain/reset', async (c) => {
    const confirmed = await confirmedSite(deps, c, 'to delete all of its statistics');
    if ('response' in confirmed) return confirmed.response;
    const site = confirmed.ok.site;
    return c.json(resetJson(site, await resetSite(deps.db, site, Math.floor(deps.clock() / 1000))));
  });

  // As the admin API's purge, a bounded number of statements per request: the page asks again while `done` is false.
  app.post('/api/dashboard/sites/:domain/purge', async (c) => {
    const confirmed = await confirmedSite(deps, c, 'to delete its data before that day');
    if ('response' in confirmed) return confirmed.response;
    const { site, body } = confirmed.ok;
    if (typeof body.before !== 'string') return fail(c, 400, 'Delete data before: a date is required').response;
    const problem = purgeDayProblem(body.before, site, Math.floor(deps.clock() / 1000));
    if (problem) return fail(c, 400, problem).response;
    const result = await purgeSite(deps.db, site, body.before, { maxStatements: PURGE_STATEMENTS_PER_REQUEST });
    return c.json({ purged_before: result.purgedBefore, raw_rows_deleted: result.rawRowsDeleted, done: result.done });
  });

  return app;
}
