/**
 * Why events were not counted, the same on every runtime: a test visit dropped for the
 * site's allowed hostnames, a localhost page without data-local and an excluded path are
 * noted (reason, page host, minute) and answered by the add-site check's first-event route;
 * a bot is not (the bound on writes is tested in test/core/drop-notes.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTarget, NORWAY, type StartTarget, sendEvent } from './target.ts';
import { sessionCookieName, sessionCookieOf } from './dashboard-api.suite.ts';

const ADMIN_TOKEN = 'drop-notes-suite-admin-token-0123456789ab';
const OWNER = { email: 'owner@drops.example', password: 'correct horse battery' };

export function describeDropNotes(runtime: string, start: StartTarget): void {
  describe(`Drop notes on ${runtime}`, () => {
    let target: ApiTarget;
    let cookie: string;

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
      const siteId = await target.addSite('drops.example');
      await target.execute(`UPDATE sites SET allowed_hostnames = '["drops.example"]', excluded_paths = '["/admin/*"]' WHERE id = ?`, [siteId]);
      const { code } = (await target.request('/api/v1/setup-code', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.json())) as { code: string };
      const setup = await target.request('/api/dashboard/setup', {
        method: 'POST',
        headers: { origin: target.origin, 'content-type': 'application/json' },
        body: JSON.stringify({ ...OWNER, password2: OWNER.password, code }),
      });
      expect(setup.status).toBe(200);
      cookie = sessionCookieOf(setup.headers)!;
    });
    afterAll(() => target?.close());

    it('notes the reason, the page host and the minute, and the first-event check answers them', async () => {
      const sends: Array<[unknown, string]> = [
        [{ n: 'pageview', u: 'http://127.0.0.1:8080/', d: 'drops.example', l: 1 }, 'hostname-not-allowed'],
        [{ n: 'pageview', u: 'http://127.0.0.1:8080/again', d: 'drops.example', l: 1 }, 'hostname-not-allowed'],
        [{ n: 'pageview', u: 'http://localhost:3000/', d: 'drops.example' }, 'localhost'],
        [{ n: 'pageview', u: 'https://drops.example/admin/x', d: 'drops.example' }, 'excluded-path'],
      ];
      for (const [body, reason] of sends) {
        const res = await sendEvent(target, body, NORWAY);
        expect(res.status).toBe(202);
        expect(res.headers.get('x-teller-dropped')).toBe(reason);
      }
      expect((await sendEvent(target, { n: 'pageview', u: 'https://drops.example/', d: 'drops.example' }, NORWAY, { 'user-agent': 'Googlebot/2.1' })).status).toBe(202);

      const rows = await target.query<{ reason: string; hostname: string; seen_at: number }>('SELECT reason, hostname, seen_at FROM drop_notes ORDER BY reason');
      expect(rows.map((r) => [r.reason, r.hostname])).toEqual([
        ['excluded-path', 'drops.example'],
        ['hostname-not-allowed', '127.0.0.1'],
        ['localhost', 'localhost'],
      ]);
      for (const row of rows) expect(row.seen_at % 60).toBe(0);

      const res = await target.request('/api/dashboard/sites/drops.example/first-event', { headers: { cookie: `${sessionCookieName(target.origin)}=${cookie}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { received: boolean; drops: Array<{ reason: string; hostname: string }> };
      expect(body.received).toBe(false);
      expect(body.drops.map((d) => d.reason).sort()).toEqual(['excluded-path', 'hostname-not-allowed', 'localhost']);
    });
  });
}
