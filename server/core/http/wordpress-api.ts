/**
 * What the WordPress plugin asks of Teller besides the Stats API: whether its token works
 * and for which site (`GET /api/v1/connection`), and the site's embeddable shared link for
 * wp-admin (`POST /api/v1/sites/:domain/shared-link`, the `share` scope; its guard is
 * sitesApi's, site-scopes.ts). docs/wordpress.md shows both.
 * @module
 */
import { Hono } from 'hono';
import { requestOrigin } from '../auth/request-origin.ts';
import { createSharedLink, siteLinks } from '../auth/shared-links.ts';
import { findSite } from '../sites.ts';
import { bearerToken, SCOPES, verifyToken } from '../tokens.ts';
import { TELLER_VERSION } from '../version.ts';
import type { ApiDeps } from './api-auth.ts';

/** The name of the shared link the plugin frames; the owner sees it in the site's settings. */
export const WORDPRESS_LINK_NAME = 'WordPress';

export function wordpressApi(deps: ApiDeps): Hono {
  const app = new Hono();

  // Bearer tokens only: the plugin's "test connection" compares domain and clock with its own.
  app.get('/api/v1/connection', async (c) => {
    const token = bearerToken(c.req.header('authorization'));
    const grant = token === null ? null : await verifyToken(deps.db, deps.config, token, deps.clock());
    if (!grant || !(grant.admin || 'siteId' in grant)) return c.json({ error: 'unknown or revoked token', code: 'invalid-token' }, 401);
    const site = 'siteId' in grant ? await deps.db.first<{ domain: string }>('SELECT domain FROM sites WHERE id = ?', [grant.siteId]) : null;
    return c.json({
      domain: site?.domain ?? null,
      scopes: grant.admin ? [...SCOPES] : grant.scopes,
      admin: grant.admin,
      server_time: Math.floor(deps.clock() / 1000),
      version: TELLER_VERSION,
    });
  });

  // The same link on every call (201 the first time), so the plugin needs to keep nothing.
  app.post('/api/v1/sites/:domain/shared-link', async (c) => {
    const site = await findSite(deps.db, c.req.param('domain'));
    if (!site) return c.json({ error: 'Site could not be found' }, 404);
    const existing = (await siteLinks(deps.db, site.id)).find((l) => l.name === WORDPRESS_LINK_NAME && l.embeddable && l.passwordHash === null && l.token !== null);
    const token = existing?.token ?? (await createSharedLink(deps.db, site.id, { name: WORDPRESS_LINK_NAME, embeddable: true }, deps.clock())).token;
    return c.json({ url: `${requestOrigin(deps, c)}/share/${token}` }, existing ? 200 : 201);
  });

  return app;
}
