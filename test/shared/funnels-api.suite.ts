/**
 * Funnels over HTTP, the same on every runtime: defining them (steps by goal id or display
 * name, 2 to 8, each goal once), who may read and change them, a goal that is a step
 * refusing deletion, and the funnel query: hand-made visits for each rule of
 * docs/goals.md#funnels, and random event streams against a brute-force count.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGoal, type Goal, parseGoal } from '../../server/core/goals/goals.ts';
import { createToken } from '../../server/core/tokens.ts';
import { dayStart } from '../../server/core/time.ts';
import { apiFilters, filterArb, GOALS, referenceCounts, type RefEvent, type RefVisit, storeVisits, toVisits, visitArb } from './funnel-reference.ts';
import type { ApiTarget, StartTarget } from './target.ts';

const ADMIN_TOKEN = 'funnels-suite-admin-token-0123456789abcdef';
const DOMAIN = 'funnel.example';
const TIME_ZONE = 'Europe/Oslo';
const DAY = 86_400;
/** The period queried: three local days. */
const FIRST_DAY = '2024-03-01';
const LAST_DAY = '2024-03-03';
const START = dayStart(TIME_ZONE, FIRST_DAY);
const END = dayStart(TIME_ZONE, '2024-03-04');


export interface FunnelSuiteOptions {
  /** Random streams tried by the property test (D1 answers more slowly). */
  runs: number;
}

export function describeFunnelsApi(runtime: string, start: StartTarget, options: FunnelSuiteOptions): void {
  describe(`funnels on ${runtime}`, () => {
    let target: ApiTarget;
    let siteId: number;
    let siteToken: string;
    let otherToken: string;
    const goals: Record<string, Goal> = {};

    const call = async (method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const res = await target.request(path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const funnels = `/api/v1/sites/${DOMAIN}/funnels`;
    const put = (body: unknown, token?: string) => call('PUT', funnels, body, token);
    const query = (id: number, body: unknown, token?: string) => call('POST', `${funnels}/${id}/query`, body, token);

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
      siteId = await target.addSite(DOMAIN, TIME_ZONE);
      const other = await target.addSite('other-funnel.example');
      for (const [key, definition] of Object.entries(GOALS)) goals[key] = (await addGoal(target.db, siteId, definition, Date.now())).goal;
      siteToken = await createToken(target.db, { siteId }, Date.now());
      otherToken = await createToken(target.db, { siteId: other }, Date.now());
    });
    afterAll(() => target?.close());

    it('saves a funnel by name with steps by goal id or display name, lists, shows, updates and deletes it', async () => {
      const created = await put({ name: ' Checkout ', steps: [goals.pricing!.id, 'Signup', 'Pro purchase'] });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        name: 'Checkout',
        steps: [
          expect.objectContaining({ id: goals.pricing!.id, goal_type: 'page', page_path: '/pricing', display_name: 'Visit /pricing' }),
          expect.objectContaining({ id: goals.signup!.id, goal_type: 'event', event_name: 'Signup' }),
          expect.objectContaining({ id: goals.pro!.id, custom_props: { plan: 'pro' } }),
        ],
      });
      const id = created.body.id as number;
      const again = await put({ name: 'Checkout', steps: [goals.home!.id, goals.signup!.id] });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(id);
      expect(again.body.steps.map((s: { id: number }) => s.id)).toEqual([goals.home!.id, goals.signup!.id]);

      const listed = await call('GET', funnels);
      expect(listed.status).toBe(200);
      expect(listed.body.funnels.map((f: { name: string }) => f.name)).toEqual(['Checkout']);
      expect((await call('GET', `${funnels}/${id}`)).body).toEqual(again.body);

      const renamed = await call('PUT', `${funnels}/${id}`, { name: 'Sign-up', steps: ['Visit /blog/**', 'Signup'] });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id, name: 'Sign-up', steps: [{ id: goals.blog!.id }, { id: goals.signup!.id }] });

      expect(await call('DELETE', `${funnels}/${id}`)).toEqual({ status: 200, body: { deleted: true } });
      expect((await call('GET', `${funnels}/${id}`)).status).toBe(404);
      expect((await call('DELETE', `${funnels}/${id}`)).status).toBe(404);
      expect((await call('PUT', `${funnels}/${id}`, { name: 'X', steps: ['Signup', 'Visit /'] })).status).toBe(404);
    });

    it('refuses a bad funnel with a 400 naming the field', async () => {
      const bad = async (body: unknown, field: string) => {
        const answer = await put(body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body.error).toMatch(new RegExp(`^${field}\\b|^The body`));
      };
      await bad({ steps: ['Signup', 'Visit /'] }, 'name');
      await bad({ name: '  ', steps: ['Signup', 'Visit /'] }, 'name');
      await bad({ name: 'x'.repeat(121), steps: ['Signup', 'Visit /'] }, 'name');
      await bad({ name: 'One', steps: ['Signup'] }, 'steps');
      await bad({ name: 'Nine', steps: Array.from({ length: 9 }, () => 'Signup') }, 'steps');
      await bad({ name: 'Twice', steps: ['Signup', goals.signup!.id] }, 'steps');
      await bad({ name: 'Unknown', steps: ['Signup', 'No such goal'] }, 'steps');
      await bad({ name: 'Null', steps: ['Signup', null] }, 'steps');
      await bad([1, 2], 'body');
      expect((await put('{not json')).status).toBe(400);
      expect((await call('PUT', `${funnels}/abc`, { name: 'x', steps: [1, 2] })).status).toBe(400);
      // A goal of another site is no goal of this one.
      const foreign = await call('PUT', `/api/v1/sites/other-funnel.example/funnels`, { name: 'Theirs', steps: [goals.signup!.id, goals.home!.id] });
      expect(foreign.status).toBe(400);
      expect(foreign.body.error).toMatch(/^steps: step 1 \(\d+\) is not a goal of this site$/);
      const names = (await call('PUT', funnels, { name: 'A', steps: ['Signup', 'Visit /'] })).body.id as number;
      await put({ name: 'B', steps: ['Signup', 'Visit /'] });
      expect((await call('PUT', `${funnels}/${names}`, { name: 'B', steps: ['Signup', 'Visit /'] })).body.error).toBe('name: another funnel of this site is called "B"');
    });

    it('lets the site token and admin tokens read and change, and no one else', async () => {
      const mine = await put({ name: 'Token made', steps: ['Visit /', 'Signup'] }, siteToken);
      expect(mine.status).toBe(201);
      expect((await call('GET', funnels, undefined, siteToken)).status).toBe(200);
      expect((await query(mine.body.id, { date_range: [FIRST_DAY, LAST_DAY] }, siteToken)).status).toBe(200);
      for (const token of [otherToken, 'tlr_not-a-token', null]) {
        expect((await call('GET', funnels, undefined, token)).status).toBe(401);
        expect((await put({ name: 'Nope', steps: ['Visit /', 'Signup'] }, token as string)).status).toBe(401);
        expect((await query(mine.body.id, { date_range: [FIRST_DAY, LAST_DAY] }, token as string)).status).toBe(401);
        expect((await call('DELETE', `${funnels}/${mine.body.id}`, undefined, token)).status).toBe(401);
      }
      // An unknown site reads as one the token may not see.
      expect((await call('GET', '/api/v1/sites/unknown.example/funnels')).status).toBe(401);
    });

    it('refuses to delete a goal that is a step of a funnel, naming the funnel', async () => {
      const goal = (await addGoal(target.db, siteId, parseGoal({ kind: 'event', eventName: 'Download' }), Date.now())).goal;
      const funnel = await put({ name: 'Brochure', steps: ['Visit /', 'Download'] });
      const refused = await call('DELETE', `/api/v1/sites/goals/${goal.id}`, { site_id: DOMAIN });
      expect(refused).toEqual({ status: 409, body: { error: `goal ${goal.id} is a step of the funnel "Brochure"; remove it or change its steps first` } });
      expect((await call('DELETE', `${funnels}/${funnel.body.id}`)).status).toBe(200);
      expect(await call('DELETE', `/api/v1/sites/goals/${goal.id}`, { site_id: DOMAIN })).toEqual({ status: 200, body: { deleted: true } });
    });

    let sites = 0;
    /**
     * Stores `visits` for a new site with the suite's goals, saves the funnel of `steps` (goal
     * display names) and queries it over the suite's period; also returns the site's goals.
     * A new site each time: the server's own maintenance may copy a site's closed days to
     * the columnar copy at any moment, after which they must not change.
     */
    async function counted(visits: RefVisit[], steps: string[], filters: unknown[] = []): Promise<Record<string, any> & { goals: Record<string, Goal>; domain: string }> {
      sites += 1;
      const domain = `counted${sites}.example`;
      const id = await target.addSite(domain, TIME_ZONE);
      const own: Record<string, Goal> = {};
      for (const [key, definition] of Object.entries(GOALS)) own[key] = (await addGoal(target.db, id, definition, Date.now())).goal;
      await storeVisits(target.db, id, visits);
      const path = `/api/v1/sites/${domain}/funnels`;
      const saved = await call('PUT', path, { name: 'Counted', steps });
      expect(saved.status, JSON.stringify(saved.body)).toBeLessThan(300);
      const answer = await call('POST', `${path}/${saved.body.id}/query`, { date_range: [FIRST_DAY, LAST_DAY], filters });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return { ...answer.body, goals: own, domain };
    }

    let nextId = 1;
    const visit = (visitor: number, at: number, events: Array<[name: string, path: string, props?: Array<[string, string]>]>, country = 'NO'): RefVisit => ({
      id: nextId++,
      visitor,
      startedAt: at,
      country,
      events: events.map(([name, path, props = []], i): RefEvent => ({ id: nextId++, ts: at + i * 60, name, path, props })),
    });
    const pv = (path: string): [string, string] => ['pageview', path];
    const noon = START + DAY / 2;

    it('counts each step as the docs say: in order, in one visit, repeats and pages between allowed, a skipped step ends the visit', async () => {
      const visits = [
        visit(1, noon, [pv('/'), pv('/pricing'), ['Signup', '/pricing']]),
        // Pages between steps and a repeated first step.
        visit(2, noon, [pv('/'), pv('/about'), pv('/'), pv('/blog/a'), pv('/pricing'), ['Signup', '/x']]),
        // Out of order: Signup before pricing counts for step 2 only after pricing.
        visit(3, noon, [pv('/'), ['Signup', '/'], pv('/pricing')]),
        // Skips pricing: stops at step 1 though it signs up.
        visit(4, noon, [pv('/'), ['Signup', '/']]),
        // The steps spread over two visits of one visitor do not make one journey.
        visit(5, noon, [pv('/')]),
        visit(5, noon + 3600, [pv('/pricing'), ['Signup', '/']]),
        // Never enters: no step 1.
        visit(6, noon, [pv('/pricing'), ['Signup', '/']], 'SE'),
        // Two visits of one visitor on one day: one visitor, two visits.
        visit(7, noon, [pv('/'), pv('/pricing')]),
        visit(7, noon + 7200, [pv('/'), pv('/pricing'), ['Signup', '/']]),
        // Before the period, and after it: not read.
        visit(8, START - 3600, [pv('/'), pv('/pricing'), ['Signup', '/']]),
        visit(9, END + 60, [pv('/'), pv('/pricing'), ['Signup', '/']]),
      ];
      const answer = await counted(visits, ['Visit /', 'Visit /pricing', 'Signup']);
      expect(answer.funnel).toEqual({ id: expect.any(Number), name: 'Counted' });
      expect(answer.date_range).toEqual(['2024-03-01T00:00:00+01:00', '2024-03-03T23:59:59+01:00']);
      expect(answer.steps).toEqual([
        { step: 1, goal_id: answer.goals.home!.id, name: 'Visit /', visitors: 6, visits: 7, conversion_rate: 100, conversion_rate_step: 100, dropoff: 0, dropoff_rate: 0 },
        { step: 2, goal_id: answer.goals.pricing!.id, name: 'Visit /pricing', visitors: 4, visits: 5, conversion_rate: 66.67, conversion_rate_step: 66.67, dropoff: 2, dropoff_rate: 33.33 },
        { step: 3, goal_id: answer.goals.signup!.id, name: 'Signup', visitors: 3, visits: 3, conversion_rate: 50, conversion_rate_step: 75, dropoff: 1, dropoff_rate: 25 },
      ]);
      expect(answer.meta).toEqual({});

      const sweden = await call('POST', `/api/v1/sites/${answer.domain}/funnels/${answer.funnel.id}/query`, { date_range: [FIRST_DAY, LAST_DAY], filters: [['is', 'visit:country', ['SE']]] });
      expect(sweden.body.steps.map((s: { visitors: number }) => s.visitors)).toEqual([0, 0, 0]);
      expect(sweden.body.steps[1]).toMatchObject({ conversion_rate: 0, conversion_rate_step: 0, dropoff: 0, dropoff_rate: 0 });
    });

    it('counts the visits that completed a goal under an event:goal filter, as the Stats API selects them', async () => {
      const visits = [
        visit(1, noon, [pv('/'), pv('/pricing'), ['Signup', '/pricing']]),
        visit(2, noon, [pv('/'), ['Signup', '/'], pv('/pricing')]),
        visit(3, noon, [pv('/'), ['Signup', '/']]),
        // No Signup: left out by the filter though it passes both steps.
        visit(4, noon, [pv('/'), pv('/pricing')]),
        visit(5, noon, [pv('/pricing'), ['Signup', '/']]),
      ];
      const answer = await counted(visits, ['Visit /', 'Visit /pricing'], [['is', 'event:goal', ['Signup']]]);
      expect(answer.steps.map((s: { visitors: number; visits: number }) => [s.visitors, s.visits])).toEqual([
        [3, 3],
        [2, 2],
      ]);
      const unknown = await call('POST', `/api/v1/sites/${answer.domain}/funnels/${answer.funnel.id}/query`, { date_range: [FIRST_DAY, LAST_DAY], filters: [['is', 'event:goal', ['Nope']]] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toContain('The goal `Nope` is not configured for this site.');
    });

    it('never counts one event as two steps, and reads a property goal', async () => {
      const visits = [
        // /blog/thanks completes both page goals, but one pageview is one step.
        visit(1, noon, [pv('/blog/thanks')]),
        visit(2, noon, [pv('/blog/thanks'), pv('/blog/thanks'), ['Purchase', '/blog/y', [['plan', 'free']]]]),
        visit(3, noon, [pv('/blog/x'), pv('/en/thanks'), ['Purchase', '/blog/y', [['plan', 'pro']]]]),
      ];
      const answer = await counted(visits, ['Visit /blog/**', 'Visit /*/thanks', 'Pro purchase']);
      expect(answer.steps.map((s: { visits: number }) => s.visits)).toEqual([3, 2, 1]);
    });

    it('answers a bad query with a 400 naming the field, and refuses days whose raw events retention deleted', async () => {
      const id = (await put({ name: 'Counted', steps: ['Visit /', 'Signup'] })).body.id as number;
      const bad = async (body: unknown, field: string) => {
        const answer = await query(id, body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body.error.toLowerCase()).toContain(field);
      };
      await bad({}, 'date_range');
      await bad({ date_range: 'fortnight' }, 'date_range');
      await bad({ date_range: '7d', filters: [['is', 'visit:nothing', ['x']]] }, 'dimension');
      await bad({ date_range: '7d', filters: 'country' }, 'filters');
      await bad({ date_range: '7d', metrics: ['visitors'] }, 'metrics');
      await bad(['7d'], 'json object');
      expect((await query(999_999, { date_range: '7d' })).status).toBe(404);
      expect((await call('POST', `${funnels}/${id}/query`, '{')).status).toBe(400);
      // As retention leaves it: raw events kept from 2024-03-02 on (the server's maintenance may have made the row).
      const before = await target.query<{ raw_kept_from: string | null }>('SELECT raw_kept_from FROM rollup_state WHERE site_id = ?', [siteId]);
      await target.execute(
        `INSERT INTO rollup_state (site_id, timezone, days_through, months_through, raw_kept_from) VALUES (?, ?, '2024-03-01', NULL, '2024-03-02')
         ON CONFLICT (site_id) DO UPDATE SET raw_kept_from = excluded.raw_kept_from`,
        [siteId, TIME_ZONE],
      );
      try {
        await bad({ date_range: [FIRST_DAY, LAST_DAY] }, 'date_range');
        expect((await query(id, { date_range: ['2024-03-02', LAST_DAY] })).status).toBe(200);
      } finally {
        if (before.length === 0) await target.execute('DELETE FROM rollup_state WHERE site_id = ?', [siteId]);
        else await target.execute('UPDATE rollup_state SET raw_kept_from = ? WHERE site_id = ?', [before[0]!.raw_kept_from, siteId]);
      }
    });

    it('equals a brute-force count over random event streams', async () => {
      const names = Object.keys(GOALS);
      await fc.assert(
        fc.asyncProperty(
          fc.array(visitArb, { minLength: 0, maxLength: 12 }),
          fc.shuffledSubarray(names, { minLength: 2, maxLength: 4 }),
          filterArb,
          async (drawn, stepKeys, filter) => {
            const visits = toVisits(drawn, START, 1_000_000 + sites * 100);
            const steps = stepKeys.map((k) => goals[k]!);
            const answer = await counted(visits, steps.map((g) => g.displayName), apiFilters(filter));
            const expected = referenceCounts(visits, steps, filter, START, END, TIME_ZONE);
            expect(answer.steps.map((s: { visitors: number; visits: number }) => ({ visitors: s.visitors, visits: s.visits }))).toEqual(expected.steps);
          },
        ),
        { numRuns: options.runs },
      );
    }, 180_000);
  });
}
