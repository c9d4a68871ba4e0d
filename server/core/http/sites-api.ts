/**
 * The Sites API, with Plausible's request and response shapes where they overlap:
 * create (JSON or URL-encoded form), list, show, update and delete sites, and reset a site's statistics. Teller adds one field,
 * `location_precision` (`country`, `region` or `city`: how precisely visitors' location is stored),
 * shown with every site and accepted on create and update, and a site's first-party proxy secret
 * (made, replaced and revoked here; `proxy_secret` says whether it has one). Admin tokens: the operator's
 * TELLER_ADMIN_TOKEN or a token made with `teller token create --admin`; a site token with the
 * `proxy` scope may make and revoke its own site's proxy secret (site-scopes.ts).
 * @module
 */
import { Hono } from 'hono';
import { parseSiteSettings, type SettingNames, SettingsError, SETTING_LABELS, type SiteSettings } from '../site-settings.ts';
import { resetSite, type ResetResult } from '../site-reset.ts';
import { createSite, findSite, listSites, removeSite, SiteError, type Site, updateSite } from '../sites.ts';
import { badRequest, type ApiDeps } from './api-auth.ts';
import { siteRouteGuard } from './site-scopes.ts';
import { readFields } from './body.ts';
import { goalsApi } from './goals-api.ts';
import { createProxySecret, proxySecretCreatedAt, revokeProxySecret } from '../proxy-secret.ts';

const MAX_LIMIT = 100;
const NOT_FOUND = 'Site could not be found';

/** What a reset deleted, as the admin API and the dashboard answer it. */
export function resetJson(site: Site, result: ResetResult): { domain: string; deleted: { events: number; visits: number }; counts_from: string } {
  return { domain: site.domain, deleted: { events: result.events, visits: result.visits }, counts_from: result.countsFrom };
}

function siteJson(site: Site): { domain: string; timezone: string; location_precision: string } {
  return { domain: site.domain, timezone: site.timezone, location_precision: site.locationPrecision };
}

/** The settings as this API names them. */
const API_NAMES: SettingNames = { ...SETTING_LABELS, locationPrecision: 'location_precision' };

/** The settings a create or update body sets besides domain and timezone, checked; a SettingsError names a bad one. */
function apiSettings(fields: Record<string, unknown>): SiteSettings {
  return fields.location_precision === undefined ? {} : parseSiteSettings({ locationPrecision: fields.location_precision }, API_NAMES);
}

/** A site's domain and timezone fit in far less. */
const MAX_BODY_BYTES = 16 * 1024;

export function sitesApi(deps: ApiDeps): Hono {
  const app = new Hono();

  // Hono's `/api/v1/sites/*` matches `/api/v1/sites` too. Admin credentials, and site tokens
  // on the few routes their scopes open (site-scopes.ts), for their own site only.
  app.use('/api/v1/sites/*', siteRouteGuard(deps));
  // Before the `:domain` routes, which would take `goals` for a domain.
  app.route('/', goalsApi(deps));

  app.post('/api/v1/sites', async (c) => {
    const fields = await readFields(c, MAX_BODY_BYTES);
    if (!fields) return badRequest(c, 'The body must be a JSON object or a form with domain and timezone.');
    if (typeof fields.domain !== 'string' || fields.domain === '') return badRequest(c, 'domain: can\'t be blank');
    if (fields.timezone !== undefined && typeof fields.timezone !== 'string') return badRequest(c, 'timezone: must be a string');
    try {
      // Checked before the site exists, so a bad value creates nothing.
      const settings = apiSettings(fields);
      const site = await createSite(deps.db, { domain: fields.domain, timezone: fields.timezone || undefined }, deps.clock());
      return c.json(siteJson(Object.keys(settings).length === 0 ? site : await updateSite(deps.db, site.domain, settings)));
    } catch (e) {
      if (e instanceof SiteError || e instanceof SettingsError) return badRequest(c, e.message);
      throw e;
    }
  });

  // Plausible's update route; of a site's fields only location_precision can change here.
  app.put('/api/v1/sites/:domain', async (c) => {
    const fields = await readFields(c, MAX_BODY_BYTES);
    if (!fields) return badRequest(c, 'The body must be a JSON object or a form with location_precision.');
    const other = Object.keys(fields).find((k) => k !== 'location_precision');
    if (other !== undefined) return badRequest(c, `${other.slice(0, 60)}: cannot be changed here; location_precision can`);
    const site = await findSite(deps.db, c.req.param('domain'));
    if (!site) return c.json({ error: NOT_FOUND }, 404);
    try {
      return c.json(siteJson(await updateSite(deps.db, site.domain, apiSettings(fields))));
    } catch (e) {
      if (e instanceof SiteError || e instanceof SettingsError) return badRequest(c, e.message);
      throw e;
    }
  });

  app.get('/api/v1/sites', async (c) => {
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? MAX_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return badRequest(c, `limit: an integer from 1 to ${MAX_LIMIT}`);
    const after = c.req.query('after');
    const all = (await listSites(deps.db)).filter((s) => after === undefined || s.domain > after);
    const page = all.slice(0, limit);
    return c.json({
      sites: page.map(siteJson),
      meta: { after: all.length > limit ? page.at(-1)!.domain : null, before: null, limit },
    });
  });

  app.get('/api/v1/sites/:domain', async (c) => {
    const site = await findSite(deps.db, c.req.param('domain'));
    if (!site) return c.json({ error: NOT_FOUND }, 404);
    const keys = await deps.db.all<{ key: string }>('SELECT DISTINCT key FROM event_props WHERE site_id = ? ORDER BY key', [site.id]);
    // Whether the site has a first-party proxy secret; the secret itself is shown only when made.
    const proxySecret = (await proxySecretCreatedAt(deps.db, site.id)) !== null;
    return c.json({ ...siteJson(site), custom_properties: keys.map((k) => k.key), proxy_secret: proxySecret });
  });

  app.post('/api/v1/sites/:domain/reset', async (c) => {
    const site = await findSite(deps.db, c.req.param('domain'));
    if (!site) return c.json({ error: NOT_FOUND }, 404);
    const result = await resetSite(deps.db, site, Math.floor(deps.clock() / 1000));
    return c.json(resetJson(site, result));
  });

  // The first-party proxy's secret (proxy-secret.ts): made or replaced here, shown in this answer only.
  app.post('/api/v1/sites/:domain/proxy-secret', async (c) => {
    const site = await findSite(deps.db, c.req.param('domain'));
    if (!site) return c.json({ error: NOT_FOUND }, 404);
    const secret = await createProxySecret(deps.db, site.id, deps.clock());
    // `secret` is the same value under the name the WordPress plugin reads.
    return c.json({ domain: site.domain, proxy_secret: secret, secret }, 201, { 'cache-control': 'no-store' });
  });

  app.delete('/api/v1/sites/:domain/proxy-secret', async (c) => {
    const site = await findSite(deps.db, c.req.param('domain'));
    if (!site) return c.json({ error: NOT_FOUND }, 404);
    if (!(await revokeProxySecret(deps.db, site.id))) return c.json({ error: `${site.domain} has no proxy secret` }, 404);
    return c.json({ domain: site.domain, revoked: true });
  });

  app.delete('/api/v1/sites/:domain', async (c) => {
    if (!(await removeSite(deps.db, c.req.param('domain')))) return c.json({ error: NOT_FOUND }, 404);
    return c.json({ deleted: true });
  });

  return app;
}
