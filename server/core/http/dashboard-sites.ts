/**
 * The dashboard's site routes: the list (with sparklines), adding a site, the first-event
 * check, settings and removal.
 * @module
 */
import { Hono } from 'hono';
import { requestOrigin } from '../auth/request-origin.ts';
import type { SiteCreated } from '../dashboard/contract.ts';
import { parseSettingsPatch, SettingsError, settingsJson } from '../dashboard/settings.ts';
import { siteSummary } from '../dashboard/site-summary.ts';
import { createSite, listSites, removeSite, SiteError, updateSite } from '../sites.ts';
import { mayRead } from '../tokens.ts';
import type { ApiDeps } from './api-auth.ts';
import { fail, jsonBody, ownedSite, ownerAccess, readableSite, sessionAccess } from './dashboard-access.ts';

export function snippetFor(origin: string, domain: string): string {
  return `<script defer data-domain="${domain}" src="${origin}/script.js"></script>`;
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
    return c.json({ received: summary !== null });
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
      const updated = await updateSite(deps.db, site.ok.domain, parseSettingsPatch(body.ok));
      return c.json(settingsJson(updated, deps.config.ipStorage));
    } catch (e) {
      if (e instanceof SettingsError) return fail(c, 400, e.message).response;
      if (e instanceof SiteError) return fail(c, 400, e.message).response;
      throw e;
    }
  });

  app.delete('/api/dashboard/sites/:domain', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const confirm = typeof body.ok.confirm === 'string' ? body.ok.confirm.trim().toLowerCase() : '';
    if (confirm !== site.ok.domain) return fail(c, 400, `confirm: type the domain (${site.ok.domain}) to delete the site and all of its data`).response;
    await removeSite(deps.db, site.ok.domain);
    return c.json({ deleted: true });
  });

  return app;
}
