/**
 * The first-party proxy (issue 22), over HTTP, the same on every runtime: a site's own
 * origin forwards events with the site's proxy secret in X-Teller-Proxy and names the
 * visitor's address in X-Teller-Visitor-IP. Only then is that address believed; it is then
 * truncated, hashed and located as any other. Without the secret, with a wrong one or with
 * another site's, the connection's address counts and the event is accepted as usual.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHash } from '../../server/core/tokens.ts';
import { type ApiTarget, GERMANY, NORWAY, type StartTarget, sendEvent, SWEDEN } from './target.ts';

const ADMIN_TOKEN = 'proxy-suite-admin-token-0123456789abcdef';

export interface ProxySuiteOptions {
  /**
   * The country a proxied Norwegian address is stored with: `NO` where Teller looks up
   * addresses (Node), null where the edge's location of the connection is all there is
   * (Workers: request.cf locates the proxy, so it is not used for a proxied event).
   */
  proxiedCountry: string | null;
}

export function describeProxySecret(runtime: string, start: StartTarget, options: ProxySuiteOptions): void {
  describe(`First-party proxy secret on ${runtime}`, () => {
    let target: ApiTarget;

    const pageview = (domain: string) => ({ n: 'pageview', u: `https://${domain}/`, d: domain });
    const admin = (method: string, path: string, token = ADMIN_TOKEN) => target.request(path, { method, headers: { authorization: `Bearer ${token}` } });
    const newSecret = async (domain: string): Promise<string> => {
      const res = await admin('POST', `/api/v1/sites/${domain}/proxy-secret`);
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as { domain: string; proxy_secret: string };
      expect(body.domain).toBe(domain);
      return body.proxy_secret;
    };
    /** The site's visits' country, stored (truncated) address and pageviews, oldest first. */
    const visits = (siteId: number) =>
      target.query<{ country: string | null; ip: string | null; pageviews: number }>('SELECT country, ip, pageviews FROM visits WHERE site_id = ? ORDER BY id', [siteId]);
    /** An event forwarded by the site's proxy, its connection from the proxy's own server (GERMANY). */
    const proxied = (domain: string, headers: Record<string, string>) => sendEvent(target, pageview(domain), GERMANY, headers);

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
    });

    afterAll(async () => {
      await target?.close();
    });

    it('takes the visitor’s address from X-Teller-Visitor-IP with the site’s secret, then truncates and locates it', async () => {
      const id = await target.addSite('proxied.example');
      const secret = await newSecret('proxied.example');
      expect(secret).toMatch(/^tlp_[A-Za-z0-9_-]{43}$/);
      const res = await proxied('proxied.example', { 'x-teller-proxy': secret, 'x-teller-visitor-ip': NORWAY.ip });
      expect(res.status).toBe(202);
      expect(await res.text()).not.toContain(secret);
      expect([...res.headers.values()].join('\n')).not.toContain(secret);
      expect(await visits(id)).toEqual([{ country: options.proxiedCountry, ip: '84.208.20.0', pageviews: 1 }]);
    });

    it('keeps only the secret’s SHA-256, with its creation time', async () => {
      const id = await target.addSite('hashed.example');
      const secret = await newSecret('hashed.example');
      const rows = await target.query<{ secret_hash: string; created_at: number }>('SELECT secret_hash, created_at FROM proxy_secrets WHERE site_id = ?', [id]);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.secret_hash).toBe(await tokenHash(secret));
      expect(rows[0]!.created_at).toBeGreaterThan(0);
    });

    it('ignores a visitor address (and X-Forwarded-For) a browser sends without the secret', async () => {
      const id = await target.addSite('forged.example');
      await newSecret('forged.example');
      const res = await proxied('forged.example', { 'x-teller-visitor-ip': NORWAY.ip, 'x-forwarded-for': NORWAY.ip });
      expect(res.status).toBe(202);
      expect(await visits(id)).toEqual([{ country: 'DE', ip: '91.64.0.0', pageviews: 1 }]);
    });

    it('accepts an event with a wrong secret as usual, with the connection’s address', async () => {
      const id = await target.addSite('wrong.example');
      const secret = await newSecret('wrong.example');
      const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
      const res = await proxied('wrong.example', { 'x-teller-proxy': wrong, 'x-teller-visitor-ip': NORWAY.ip });
      expect(res.status).toBe(202);
      expect(await res.text()).not.toContain(wrong);
      expect(await visits(id)).toEqual([{ country: 'DE', ip: '91.64.0.0', pageviews: 1 }]);
    });

    it('does not let one site’s secret name visitors of another site', async () => {
      const a = await target.addSite('site-a.example');
      const b = await target.addSite('site-b.example');
      const secretA = await newSecret('site-a.example');
      await newSecret('site-b.example');
      expect((await proxied('site-b.example', { 'x-teller-proxy': secretA, 'x-teller-visitor-ip': NORWAY.ip })).status).toBe(202);
      // An event naming both sites is one site's proxy speaking for the other too: refused as well.
      const both = await sendEvent(target, { ...pageview('site-a.example'), d: 'site-a.example,site-b.example' }, GERMANY, {
        'x-teller-proxy': secretA,
        'x-teller-visitor-ip': SWEDEN.ip,
      });
      expect(both.status).toBe(202);
      // Both events are one visitor's, the proxy server's: one visit of two pageviews.
      expect(await visits(b)).toEqual([{ country: 'DE', ip: '91.64.0.0', pageviews: 2 }]);
      expect(await visits(a)).toEqual([{ country: 'DE', ip: '91.64.0.0', pageviews: 1 }]);
    });

    it('stops believing a rotated secret at once, and any secret once revoked', async () => {
      const id = await target.addSite('rotate.example');
      const old = await newSecret('rotate.example');
      const current = await newSecret('rotate.example');
      expect(current).not.toBe(old);
      await proxied('rotate.example', { 'x-teller-proxy': old, 'x-teller-visitor-ip': NORWAY.ip });
      await proxied('rotate.example', { 'x-teller-proxy': current, 'x-teller-visitor-ip': SWEDEN.ip });
      const revoked = await admin('DELETE', '/api/v1/sites/rotate.example/proxy-secret');
      expect(revoked.status).toBe(200);
      expect(await revoked.json()).toEqual({ domain: 'rotate.example', revoked: true });
      await proxied('rotate.example', { 'x-teller-proxy': current, 'x-teller-visitor-ip': NORWAY.ip });
      // The old secret's and the revoked one's events are the proxy server's own visit.
      expect((await visits(id)).map((v) => [v.ip, v.pageviews])).toEqual([['91.64.0.0', 2], ['85.226.0.0', 1]]);
      expect((await admin('DELETE', '/api/v1/sites/rotate.example/proxy-secret')).status).toBe(404);
      const shown = (await (await admin('GET', '/api/v1/sites/rotate.example')).json()) as Record<string, unknown>;
      expect(shown.proxy_secret).toBe(false);
      await newSecret('rotate.example');
      const again = await (await admin('GET', '/api/v1/sites/rotate.example')).text();
      expect(JSON.parse(again)).toMatchObject({ domain: 'rotate.example', proxy_secret: true });
      expect(again).not.toMatch(/tlp_/);
    });

    it('answers an authenticated proxy that names no valid address with a 400 saying so', async () => {
      await target.addSite('bad-visitor.example');
      const secret = await newSecret('bad-visitor.example');
      const cases: Record<string, string>[] = [{ 'x-teller-proxy': secret }, { 'x-teller-proxy': secret, 'x-teller-visitor-ip': '84.208.20.110, 1.2.3.4' }];
      for (const headers of cases) {
        const res = await proxied('bad-visitor.example', headers);
        expect(res.status).toBe(400);
        const body = (await res.json()) as { error: string };
        expect(body.error).toContain('X-Teller-Visitor-IP');
        expect(JSON.stringify(body)).not.toContain(secret);
      }
    });

    it('makes and revokes secrets for admin tokens only, for sites that exist', async () => {
      await target.addSite('guarded.example');
      expect((await admin('POST', '/api/v1/sites/guarded.example/proxy-secret', 'not-the-admin-token')).status).toBe(401);
      expect((await target.request('/api/v1/sites/guarded.example/proxy-secret', { method: 'POST' })).status).toBe(401);
      expect((await admin('DELETE', '/api/v1/sites/guarded.example/proxy-secret', 'not-the-admin-token')).status).toBe(401);
      expect((await admin('POST', '/api/v1/sites/nowhere.example/proxy-secret')).status).toBe(404);
      expect((await target.query('SELECT count(*) AS n FROM proxy_secrets WHERE site_id = (SELECT id FROM sites WHERE domain = ?)', ['guarded.example']))[0]).toEqual({ n: 0 });
    });

    it('never answers a 5xx, whatever the proxy headers hold', async () => {
      await target.addSite('fuzz-proxy.example');
      const secret = await newSecret('fuzz-proxy.example');
      // Header values a fetch may carry: visible ASCII and spaces, no line breaks.
      const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });
      const address = fc.oneof(headerText, fc.ipV4(), fc.ipV6(), fc.constant(NORWAY.ip), fc.constant(''));
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            secret: fc.option(fc.oneof(fc.constant(secret), headerText), { nil: undefined }),
            visitor: fc.option(address, { nil: undefined }),
            forwarded: fc.option(fc.oneof(address, headerText), { nil: undefined }),
          }),
          async ({ secret: sent, visitor, forwarded }) => {
            const headers: Record<string, string> = {};
            if (sent !== undefined) headers['x-teller-proxy'] = sent;
            if (visitor !== undefined) headers['x-teller-visitor-ip'] = visitor;
            if (forwarded !== undefined) headers['x-forwarded-for'] = forwarded;
            const res = await proxied('fuzz-proxy.example', headers);
            const text = await res.text();
            expect(res.status).toBeLessThan(500);
            expect(text).not.toContain(secret);
          },
        ),
        { numRuns: 60 },
      );
    });
  });
}
