/**
 * Resetting a site's statistics and purging them before a day, over HTTP, the same on
 * every runtime: the admin API (bearer token) and the owner's dashboard routes, each asking
 * for the domain typed again. A reset deletes today's visits too and keeps the site, its
 * settings, tokens, viewers and annotations; the site counts anew right after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTarget, NORWAY, NORWAY_2, type StartTarget, sendEvent, SWEDEN } from './target.ts';
import { sessionCookieName, sessionCookieOf } from './dashboard-api.suite.ts';

const ADMIN_TOKEN = 'reset-suite-admin-token-0123456789abcdef';
const OWNER = { email: 'owner@reset.example', password: 'correct horse battery' };

export function describeSiteReset(runtime: string, start: StartTarget): void {
  describe(`Site reset and purge over HTTP on ${runtime}`, () => {
    let target: ApiTarget;
    let cookie: string;
    let resetId: number;
    let keptId: number;

    const pageview = (domain: string, path = '/') => ({ n: 'pageview', u: `https://${domain}${path}`, d: domain });
    const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });
    const admin = (path: string, token = ADMIN_TOKEN) =>
      target.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' }).then(json);
    const dashboard = (path: string, body: unknown, origin = target.origin) =>
      target
        .request(path, {
          method: 'POST',
          headers: { origin, cookie: `${sessionCookieName(target.origin)}=${cookie}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
        .then(json);
    const today = async (domain: string) => {
      const res = await target.request('/api/v2/query', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ site_id: domain, metrics: ['visitors', 'pageviews'], date_range: 'day' }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { results: Array<{ metrics: number[] }> }).results[0]!.metrics;
    };
    const count = async (table: string, siteId: number) => (await target.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?`, [siteId]))[0]!.n;

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
      resetId = await target.addSite('reset.example', 'Europe/Oslo');
      keptId = await target.addSite('kept.example');
      for (const [path, visitor] of [['/', NORWAY], ['/pricing', SWEDEN]] as const) {
        expect((await sendEvent(target, pageview('reset.example', path), visitor)).status).toBe(202);
      }
      expect((await sendEvent(target, { ...pageview('reset.example'), n: 'Signup', p: { plan: 'pro' } }, NORWAY)).status).toBe(202);
      expect((await sendEvent(target, pageview('kept.example'), NORWAY)).status).toBe(202);
      await target.execute("UPDATE sites SET excluded_paths = '[\"/admin/*\"]' WHERE id = ?", [resetId]);
      await target.execute("INSERT INTO annotations (site_id, day, text, created_at) VALUES (?, '2026-01-01', 'Launch', 0)", [resetId]);
      await target.execute("INSERT INTO tokens (token_hash, site_id, created_at, prefix) VALUES ('reset-suite-hash', ?, 0, 'tlr_x')", [resetId]);

      const setupCode = ((await target.request('/api/v1/setup-code', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.json())) as { code: string }).code;
      const setup = await target.request('/api/dashboard/setup', {
        method: 'POST',
        headers: { origin: target.origin, 'content-type': 'application/json' },
        body: JSON.stringify({ ...OWNER, password2: OWNER.password, code: setupCode }),
      });
      expect(setup.status).toBe(200);
      cookie = sessionCookieOf(setup.headers)!;
    });
    afterAll(() => target?.close());

    it('the admin API resets all of a site\'s statistics, today\'s included, and keeps the site', async () => {
      expect(await today('reset.example')).toEqual([2, 2]);
      expect((await admin('/api/v1/sites/reset.example/reset', 'tlr_not-a-token')).status).toBe(401);
      expect((await admin('/api/v1/sites/nope.example/reset')).status).toBe(404);
      expect(await count('events', resetId)).toBe(3);

      const answer = await admin('/api/v1/sites/reset.example/reset');
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toMatchObject({ domain: 'reset.example', deleted: { events: 3, visits: 2 } });
      expect(answer.body.counts_from).toMatch(/^\d{4}-\d{2}-\d{2}$/);

      expect(await today('reset.example')).toEqual([0, 0]);
      for (const table of ['events', 'visits', 'event_props', 'rollup_state', 'drop_notes']) expect(await count(table, resetId), table).toBe(0);
      // The site, its settings and the rows that are not statistics stay; so does every other site.
      expect(await target.query("SELECT domain, timezone, excluded_paths FROM sites WHERE id = ?", [resetId])).toEqual([
        { domain: 'reset.example', timezone: 'Europe/Oslo', excluded_paths: '["/admin/*"]' },
      ]);
      expect(await count('annotations', resetId)).toBe(1);
      expect(await count('tokens', resetId)).toBe(1);
      expect(await today('kept.example')).toEqual([1, 1]);

      // It counts anew at once.
      expect((await sendEvent(target, pageview('reset.example', '/after'), NORWAY_2)).status).toBe(202);
      expect(await today('reset.example')).toEqual([1, 1]);
    });

    it('the owner resets from the dashboard only with the domain typed again, from the same origin', async () => {
      expect((await dashboard('/api/dashboard/sites/reset.example/reset', { confirm: 'kept.example' })).status).toBe(400);
      const missing = await dashboard('/api/dashboard/sites/reset.example/reset', {});
      expect(missing.status).toBe(400);
      expect(missing.body.error).toContain('type the domain (reset.example)');
      expect((await dashboard('/api/dashboard/sites/reset.example/reset', { confirm: 'reset.example' }, 'https://evil.example')).status).toBe(403);
      expect(await today('reset.example')).toEqual([1, 1]);

      const answer = await dashboard('/api/dashboard/sites/reset.example/reset', { confirm: ' Reset.Example ' });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toMatchObject({ domain: 'reset.example', deleted: { events: 1, visits: 1 } });
      expect(await today('reset.example')).toEqual([0, 0]);
      expect(await today('kept.example')).toEqual([1, 1]);
    });

    it('the owner purges before a day from the dashboard; a day after today points to reset', async () => {
      const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      const late = await dashboard('/api/dashboard/sites/kept.example/purge', { confirm: 'kept.example', before: tomorrow });
      expect(late.status).toBe(400);
      expect(late.body.error).toContain('Reset statistics');
      expect((await dashboard('/api/dashboard/sites/kept.example/purge', { confirm: 'reset.example', before: '2020-01-01' })).status).toBe(400);
      expect((await dashboard('/api/dashboard/sites/kept.example/purge', { confirm: 'kept.example', before: 'soon' })).status).toBe(400);

      const answer = await dashboard('/api/dashboard/sites/kept.example/purge', { confirm: 'kept.example', before: '2020-01-01' });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toEqual({ purged_before: '2020-01-01', raw_rows_deleted: 0, done: true });
      expect(await today('kept.example')).toEqual([1, 1]);
      expect(await target.query('SELECT purged_before FROM sites WHERE id = ?', [keptId])).toEqual([{ purged_before: '2020-01-01' }]);
    });
  });
}
