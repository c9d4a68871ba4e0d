/**
 * Site tokens with scopes (issue 22), over HTTP, the same on every runtime: each scope
 * opens exactly its routes for its own site; another site, a route outside the scopes and a
 * revoked token are 401; tokens made before scopes read statistics only; admin tokens do
 * everything as before. Also GET /api/v1/connection and the idempotent WordPress shared link.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, type Scope, SCOPES, tokenHash } from '../../server/core/tokens.ts';
import { TELLER_VERSION } from '../../server/core/version.ts';
import type { ApiTarget, StartTarget } from './target.ts';

const ADMIN_TOKEN = 'site-scopes-suite-admin-token-0123456789abcdef';
const DUMP = new Uint8Array(readFileSync(resolve(import.meta.dirname, '../fixtures/wp-statistics/mysqldump/wp_statistics.sql')));

/** One call a scope opens, and what it answers when let through. */
interface Call {
  scope: Scope;
  method: string;
  path: (domain: string) => string;
  body?: BodyInit;
  allowed: number;
}

const CALLS: Call[] = [
  { scope: 'stats', method: 'POST', path: () => '/api/v2/query', allowed: 200 },
  { scope: 'stats', method: 'GET', path: (d) => `/api/v1/stats/realtime/visitors?site_id=${d}`, allowed: 200 },
  { scope: 'privacy', method: 'GET', path: (d) => `/api/v1/sites/${d}/privacy-text?lang=nb&format=html`, allowed: 200 },
  { scope: 'share', method: 'POST', path: (d) => `/api/v1/sites/${d}/shared-link`, allowed: 201 },
  { scope: 'proxy', method: 'POST', path: (d) => `/api/v1/sites/${d}/proxy-secret`, allowed: 201 },
  { scope: 'proxy', method: 'DELETE', path: (d) => `/api/v1/sites/${d}/proxy-secret`, allowed: 200 },
  { scope: 'import', method: 'GET', path: (d) => `/api/v1/sites/${d}/imports`, allowed: 200 },
  { scope: 'import', method: 'POST', path: (d) => `/api/v1/sites/${d}/imports/wp-statistics?file_name=wp_statistics.sql`, body: DUMP, allowed: 201 },
  { scope: 'import', method: 'DELETE', path: (d) => `/api/v1/sites/${d}/imports/99999`, allowed: 404 },
];

/** Routes no site token reaches, whatever its scopes. */
const ADMIN_ONLY: Array<[string, (domain: string) => string]> = [
  ['GET', () => '/api/v1/sites'],
  ['GET', (d) => `/api/v1/sites/${d}`],
  ['POST', (d) => `/api/v1/sites/${d}/reset`],
  ['PUT', (d) => `/api/v1/sites/${d}/operator`],
  ['GET', (d) => `/api/v1/sites/${d}/privacy-props`],
  ['POST', (d) => `/api/v1/sites/${d}/purge`],
  ['GET', (d) => `/api/v1/sites/${d}/export`],
  ['POST', (d) => `/api/v1/sites/${d}/imports/plausible`],
  ['GET', (d) => `/api/v1/sites/goals?site_id=${d}`],
  ['DELETE', (d) => `/api/v1/sites/${d}`],
];

export function describeSiteScopes(runtime: string, start: StartTarget): void {
  describe(`Site tokens with scopes on ${runtime}`, () => {
    let target: ApiTarget;
    let sites = 0;

    const call = (token: string, c: Call, domain: string) =>
      target.request(c.path(domain), {
        method: c.method,
        headers: { authorization: `Bearer ${token}`, 'content-type': c.method === 'POST' && c.path(domain) === '/api/v2/query' ? 'application/json' : 'application/octet-stream' },
        body: c.path(domain) === '/api/v2/query' ? JSON.stringify({ site_id: domain, metrics: ['visitors'], date_range: '7d' }) : c.body,
      });
    const bearer = (token: string, method: string, path: string) => target.request(path, { method, headers: { authorization: `Bearer ${token}` } });
    /** A new site (with a proxy secret, so DELETE proxy-secret has one to revoke) and a token for it. */
    const siteWith = async (scopes: readonly Scope[] | null): Promise<{ domain: string; id: number; token: string }> => {
      sites += 1;
      const domain = `scopes-${sites}.example`;
      const id = await target.addSite(domain);
      await bearer(ADMIN_TOKEN, 'POST', `/api/v1/sites/${domain}/proxy-secret`);
      const token = await createToken(target.db, scopes === null ? { siteId: id } : { siteId: id, scopes }, Date.now());
      return { domain, id, token };
    };

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
    });
    afterAll(async () => {
      await target?.close();
    });

    for (const scope of SCOPES) {
      it(`a token with only "${scope}" calls its routes on its site and nothing else`, async () => {
        const { domain, token } = await siteWith([scope]);
        for (const c of CALLS) {
          const res = await call(token, c, domain);
          expect({ route: `${c.method} ${c.path(domain)}`, status: res.status }).toEqual({ route: `${c.method} ${c.path(domain)}`, status: c.scope === scope ? c.allowed : 401 });
          if (c.scope !== scope) expect(await res.json()).toHaveProperty('error');
        }
      });
    }

    it('a token with every scope reaches no other site, existing or not, and no admin-only route', async () => {
      const own = await siteWith(SCOPES);
      const other = await siteWith(null);
      for (const domain of [other.domain, 'no-such-site.example']) {
        for (const c of CALLS) expect({ route: `${c.method} ${c.path(domain)}`, status: (await call(own.token, c, domain)).status }).toEqual({ route: `${c.method} ${c.path(domain)}`, status: 401 });
      }
      for (const [method, path] of ADMIN_ONLY) {
        expect({ route: `${method} ${path(own.domain)}`, status: (await bearer(own.token, method, path(own.domain))).status }).toEqual({ route: `${method} ${path(own.domain)}`, status: 401 });
      }
      expect(await target.query('SELECT id FROM sites WHERE domain = ?', [own.domain])).toHaveLength(1);
    });

    it('a token made before scopes existed reads statistics only', async () => {
      const id = await target.addSite('old-token.example');
      const token = 'tlr_made-before-scopes-0123456789abcdefghijklmnop';
      await target.execute('INSERT INTO tokens (token_hash, prefix, site_id, created_at) VALUES (?, ?, ?, ?)', [await tokenHash(token), token.slice(0, 12), id, 1_700_000_000]);
      for (const c of CALLS) expect((await call(token, c, 'old-token.example')).status).toBe(c.scope === 'stats' ? c.allowed : 401);
    });

    it('the admin token still calls every route of every site', async () => {
      const { domain } = await siteWith(null);
      for (const c of CALLS) expect({ route: `${c.method} ${c.path(domain)}`, status: (await call(ADMIN_TOKEN, c, domain)).status }).toEqual({ route: `${c.method} ${c.path(domain)}`, status: c.allowed });
      expect((await bearer(ADMIN_TOKEN, 'GET', `/api/v1/sites/${domain}`)).status).toBe(200);
      expect((await bearer(ADMIN_TOKEN, 'POST', '/api/v1/sites/no-such-site.example/shared-link')).status).toBe(404);
    });

    it('a revoked token is refused at once', async () => {
      const { domain, token } = await siteWith(SCOPES);
      expect((await bearer(token, 'GET', `/api/v1/sites/${domain}/imports`)).status).toBe(200);
      await target.execute('DELETE FROM tokens WHERE token_hash = ?', [await tokenHash(token)]);
      for (const c of CALLS) expect((await call(token, c, domain)).status).toBe(401);
    });

    it('GET /api/v1/connection names the token’s site, scopes, the server’s clock and version', async () => {
      const { domain, token } = await siteWith(['stats', 'privacy', 'share', 'proxy']);
      const before = Math.floor(Date.now() / 1000);
      const res = await bearer(token, 'GET', '/api/v1/connection');
      expect(res.status).toBe(200);
      const body = (await res.json()) as { server_time: number };
      expect(body).toEqual({ domain, scopes: ['stats', 'privacy', 'share', 'proxy'], admin: false, server_time: body.server_time, version: TELLER_VERSION });
      expect(Math.abs(body.server_time - before)).toBeLessThan(3600);

      const admin = (await (await bearer(ADMIN_TOKEN, 'GET', '/api/v1/connection')).json()) as Record<string, unknown>;
      expect(admin).toMatchObject({ domain: null, scopes: [...SCOPES], admin: true });

      for (const headers of [{ authorization: 'Bearer tlr_not-a-token' }, {}, { authorization: 'Basic eDp5' }] as Array<Record<string, string>>) {
        const refused = await target.request('/api/v1/connection', { headers });
        expect(refused.status).toBe(401);
        expect(await refused.json()).toEqual({ error: 'unknown or revoked token', code: 'invalid-token' });
      }
    });

    it('POST shared-link answers the same embeddable link named WordPress until it is revoked', async () => {
      const { domain, id, token } = await siteWith(['share']);
      const first = await bearer(token, 'POST', `/api/v1/sites/${domain}/shared-link`);
      expect(first.status).toBe(201);
      const { url } = (await first.json()) as { url: string };
      expect(url).toMatch(new RegExp(`^${target.origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/share/[A-Za-z0-9_-]{43}$`));
      const again = await bearer(token, 'POST', `/api/v1/sites/${domain}/shared-link`);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ url });
      expect(await target.query('SELECT name, embeddable, show_visits, password_hash FROM shared_links WHERE site_id = ?', [id])).toEqual([{ name: 'WordPress', embeddable: 1, show_visits: 0, password_hash: null }]);

      // The page may be framed by any site (wp-admin), with the embed parameters.
      const page = await target.request(`${new URL(url).pathname}?embed=1&lang=nb&theme=dark`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain('frame-ancestors *');
      expect(await page.text()).toContain('&quot;state&quot;:&quot;shared&quot;');

      await target.execute('UPDATE shared_links SET revoked_at = 1, token = NULL WHERE site_id = ?', [id]);
      const fresh = await bearer(token, 'POST', `/api/v1/sites/${domain}/shared-link`);
      expect(fresh.status).toBe(201);
      expect(((await fresh.json()) as { url: string }).url).not.toBe(url);
    });

    it('the proxy scope answers the secret under `secret` too, as the plugin reads it', async () => {
      const { domain, token } = await siteWith(['proxy']);
      const body = (await (await bearer(token, 'POST', `/api/v1/sites/${domain}/proxy-secret`)).json()) as { secret: string; proxy_secret: string };
      expect(body.secret).toMatch(/^tlp_/);
      expect(body.secret).toBe(body.proxy_secret);
    });
  });
}
