/**
 * The Sites API's goal routes over HTTP, the same on every runtime: Plausible's request and
 * response shapes (find-or-create, list, delete with site_id), its error messages, and the
 * admin token. Reset keeps a site's goals; removing the site deletes them.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTarget, NORWAY, sendEvent, type StartTarget } from './target.ts';

const ADMIN_TOKEN = 'goals-suite-admin-token-0123456789abcdef';

export function describeGoalsApi(runtime: string, start: StartTarget): void {
  describe(`Sites API goal routes on ${runtime}`, () => {
    let target: ApiTarget;

    const call = async (method: string, path: string, body?: unknown, token = ADMIN_TOKEN, form = false) => {
      const res = await target.request(path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
        },
        body: body === undefined ? undefined : form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const put = (body: unknown, token?: string) => call('PUT', '/api/v1/sites/goals', body, token);
    const list = (domain: string, query = '') => call('GET', `/api/v1/sites/goals?site_id=${domain}${query}`);

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
      await target.addSite('goals.example');
      await target.addSite('other.example');
    });
    afterAll(() => target?.close());

    it('finds or creates event and page goals in Plausible\'s shape', async () => {
      const signup = await put({ site_id: 'goals.example', goal_type: 'event', event_name: 'Signup' });
      expect(signup).toEqual({
        status: 200,
        body: { domain: 'goals.example', id: expect.any(Number), goal_type: 'event', display_name: 'Signup', event_name: 'Signup', page_path: null, custom_props: {}, currency: null },
      });
      const again = await put({ site_id: 'goals.example', goal_type: 'event', event_name: 'Signup', display_name: 'Ignored' });
      expect(again.body).toEqual(signup.body);

      const page = await call('PUT', '/api/v1/sites/goals', { site_id: 'www.goals.example', goal_type: 'page', page_path: '/blog/**' }, ADMIN_TOKEN, true);
      expect(page.body).toMatchObject({ goal_type: 'page', page_path: '/blog/**', display_name: 'Visit /blog/**', event_name: null, domain: 'goals.example' });

      const pro = await put({ site_id: 'goals.example', goal_type: 'event', event_name: 'Purchase', custom_props: { plan: 'pro' }, currency: 'eur', display_name: 'Pro purchase' });
      expect(pro.body).toMatchObject({ goal_type: 'event', event_name: 'Purchase', custom_props: { plan: 'pro' }, currency: 'EUR', display_name: 'Pro purchase' });
      const formProp = await call('PUT', '/api/v1/sites/goals', { site_id: 'goals.example', goal_type: 'event', event_name: 'Purchase', 'custom_props[plan]': 'pro' }, ADMIN_TOKEN, true);
      expect(formProp.body.id).toBe(pro.body.id);

      const listed = await list('goals.example');
      expect(listed.status).toBe(200);
      expect((listed.body.goals as Array<{ display_name: string }>).map((g) => g.display_name)).toEqual(['Signup', 'Visit /blog/**', 'Pro purchase']);
      expect(listed.body.meta).toEqual({ after: null, before: null, limit: 100 });
      expect((await list('other.example')).body.goals).toEqual([]);
    });

    it('pages the list with limit and after', async () => {
      const first = await list('goals.example', '&limit=2');
      expect((first.body.goals as unknown[]).length).toBe(2);
      const after = (first.body.meta as { after: string }).after;
      expect(after).toEqual(expect.any(String));
      const second = await list('goals.example', `&limit=2&after=${after}`);
      expect((second.body.goals as Array<{ display_name: string }>).map((g) => g.display_name)).toEqual(['Pro purchase']);
      expect(second.body.meta).toEqual({ after: null, before: null, limit: 2 });
      expect((await list('goals.example', '&limit=0')).status).toBe(400);
      expect((await list('goals.example', '&after=999999')).status).toBe(400);
    });

    it('answers Plausible\'s errors, and 400s naming the field', async () => {
      expect(await put({ goal_type: 'event', event_name: 'Signup' })).toEqual({ status: 400, body: { error: 'Parameter `site_id` is required to create a goal' } });
      expect(await put({ site_id: 'goals.example', event_name: 'Signup' })).toEqual({ status: 400, body: { error: 'Parameter `goal_type` is required to create a goal' } });
      expect(await put({ site_id: 'bad.example', goal_type: 'event', event_name: 'Signup' })).toEqual({ status: 404, body: { error: 'Site could not be found' } });
      expect(await put({ site_id: 'goals.example', goal_type: 'event' })).toEqual({ status: 400, body: { error: 'Parameter `event_name` is required to create a goal' } });
      expect(await put({ site_id: 'goals.example', goal_type: 'page' })).toEqual({ status: 400, body: { error: 'Parameter `page_path` is required to create a goal' } });
      const bad = async (body: Record<string, unknown>, message: string) => {
        const answer = await put({ site_id: 'goals.example', ...body });
        expect(answer.status, JSON.stringify(answer.body)).toBe(400);
        expect(answer.body.error).toContain(message);
      };
      await bad({ goal_type: 'scroll', page_path: '/' }, 'goal_type: must be page or event');
      await bad({ goal_type: 'event', event_name: 'S', currency: 'EURO' }, 'currency: an ISO 4217');
      await bad({ goal_type: 'event', event_name: 'S', custom_props: { a: 'b', c: 'd' } }, 'custom_props: at most one property');
      await bad({ goal_type: 'page', page_path: '/x', currency: 'EUR' }, 'currency: only for an event goal');
      await bad({ goal_type: 'page', page_path: '/x', display_name: 'Signup' }, 'display_name: another goal');
      expect((await call('PUT', '/api/v1/sites/goals', 'not json')).status).toBe(400);
      expect((await list('')).body).toEqual({ error: 'Parameter `site_id` is required to list goals' });
      expect((await list('bad.example')).status).toBe(404);
    });

    it('answers any body with 200, 400 or 404, never a 5xx', async () => {
      const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('event', 'page', 'goals.example', '/a*', 'Signup', 'EUR', ''));
      const body = fc.record(
        { site_id: value, goal_type: value, event_name: value, page_path: value, custom_props: value, currency: value, display_name: value },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          const answer = await put(b);
          expect([200, 400, 404], JSON.stringify([b, answer.body])).toContain(answer.status);
          if (answer.status !== 200) expect(answer.body.error).toEqual(expect.any(String));
        }),
        { numRuns: 60 },
      );
    });

    it('asks for the admin token', async () => {
      expect((await put({ site_id: 'goals.example', goal_type: 'event', event_name: 'X' }, 'tlr_not-a-token')).status).toBe(401);
      expect((await call('GET', '/api/v1/sites/goals?site_id=goals.example', undefined, 'tlr_not-a-token')).status).toBe(401);
      expect((await call('DELETE', '/api/v1/sites/goals/1', { site_id: 'goals.example' }, 'tlr_not-a-token')).status).toBe(401);
    });

    it('deletes a goal of the site named, by its id', async () => {
      const goal = await put({ site_id: 'goals.example', goal_type: 'event', event_name: 'Doomed' });
      const id = goal.body.id as number;
      expect(await call('DELETE', `/api/v1/sites/goals/${id}`, { site_id: 'other.example' })).toEqual({ status: 404, body: { error: 'Goal could not be found' } });
      expect(await call('DELETE', `/api/v1/sites/goals/${id}`, {})).toEqual({ status: 400, body: { error: 'Parameter `site_id` is required to delete a goal' } });
      expect(await call('DELETE', `/api/v1/sites/goals/${id}`, { site_id: 'bad.example' })).toEqual({ status: 404, body: { error: 'Site could not be found' } });
      expect((await call('DELETE', '/api/v1/sites/goals/abc', { site_id: 'goals.example' })).status).toBe(400);
      expect(await call('DELETE', `/api/v1/sites/goals/${id}`, { site_id: 'goals.example' })).toEqual({ status: 200, body: { deleted: true } });
      expect(await call('DELETE', `/api/v1/sites/goals/${id}?site_id=goals.example`)).toEqual({ status: 404, body: { error: 'Goal could not be found' } });
      expect((await list('goals.example')).body.goals).not.toContainEqual(expect.objectContaining({ id }));
    });

    it('keeps goals through a reset and deletes them with the site', async () => {
      const id = await target.addSite('gone.example');
      expect((await sendEvent(target, { n: 'Signup', u: 'https://gone.example/', d: 'gone.example' }, NORWAY)).status).toBe(202);
      expect((await put({ site_id: 'gone.example', goal_type: 'event', event_name: 'Signup' })).status).toBe(200);
      expect((await call('POST', '/api/v1/sites/gone.example/reset', {})).status).toBe(200);
      expect((await list('gone.example')).body.goals).toHaveLength(1);
      expect((await call('DELETE', '/api/v1/sites/gone.example')).status).toBe(200);
      expect(await target.query('SELECT id FROM goals WHERE site_id = ?', [id])).toEqual([]);
    });
  });
}
