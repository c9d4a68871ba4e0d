/**
 * Goal rollups (migration 0022) on every runtime: random event streams over closed days
 * crossing midnight, rolled up by the maintenance pass through the runtime's store (D1 in
 * workerd on Workers), then one-goal filtered reads and the Goals panel answered from the
 * goal rollups must equal the raw tables' answers and a brute-force count.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGoal, listGoals } from '../../server/core/goals/goals.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { findSite } from '../../server/core/sites.ts';
import { clearRollupStatements } from '../../server/core/store/site-days.ts';
import { dayStart } from '../../server/core/time.ts';
import { GOALS, referenceCounts, storeVisits, toVisits, visitArb } from './funnel-reference.ts';
import type { ApiTarget, StartTarget } from './target.ts';

const TIME_ZONE = 'Europe/Oslo';
const FIRST_DAY = '2024-03-02';
const LAST_DAY = '2024-03-04';
const START = dayStart(TIME_ZONE, FIRST_DAY);
const END = dayStart(TIME_ZONE, '2024-03-05');
const NOW_SEC = Date.parse('2024-03-10T12:00:00Z') / 1000;

export function describeGoalRollups(runtime: string, start: StartTarget, options: { runs: number }): void {
  describe(`Goal rollups on ${runtime}`, () => {
    let target: ApiTarget;
    let siteId = 0;
    let runs = 0;
    const domain = 'goal-rollups.example';
    beforeAll(async () => {
      target = await start();
      siteId = await target.addSite(domain, TIME_ZONE);
      for (const k of Object.keys(GOALS)) await addGoal(target.db, siteId, GOALS[k]!, NOW_SEC * 1000);
    });
    afterAll(() => target.close());

    it('answer one-goal filters and the Goals panel as the raw tables and a brute-force count do', async () => {
      const keys = Object.keys(GOALS);
      await fc.assert(
        fc.asyncProperty(fc.array(visitArb, { minLength: 0, maxLength: 12 }), async (drawn) => {
          runs += 1;
          // The site's raw rows are replaced (storeVisits) and its rollups built again from them.
          const visits = toVisits(drawn, START, 1_000_000 + runs * 100);
          await target.db.batch(clearRollupStatements(siteId));
          await storeVisits(target.db, siteId, visits);
          await runMaintenance(target.db, NOW_SEC * 1000, { maxDaysPerSite: 100 });
          const built = await target.query<{ n: number }>('SELECT count(*) AS n FROM goal_rollup_state WHERE site_id = ? AND backfilled = 1', [siteId]);
          expect(built[0]!.n).toBe(keys.length);
          const site = (await findSite(target.db, domain))!;
          const goals = await listGoals(target.db, siteId);
          const answer = async (body: Record<string, unknown>, useRollups: boolean) =>
            runQuery(target.db, parseQuery({ site_id: domain, date_range: [FIRST_DAY, LAST_DAY], ...body }, site, NOW_SEC, FIRST_DAY, goals), { useRollups });
          for (const goal of goals) {
            const filters = [['is', 'event:goal', [goal.displayName]]];
            for (const dimensions of [[], ['time:day'], ['visit:country'], ['event:goal']]) {
              const body = { metrics: ['visitors', 'visits', 'events', 'conversion_rate'], dimensions, filters };
              expect(await answer(body, true)).toEqual(await answer(body, false));
            }
            const kpi = await answer({ metrics: ['visitors', 'visits'], dimensions: [], filters }, true);
            const expected = referenceCounts(visits, [goal], null, START, END, TIME_ZONE).steps[0]!;
            expect(kpi.results[0]?.metrics ?? [0, 0]).toEqual([expected.visitors, expected.visits]);
          }
          const panel = { metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:goal'], filters: [] };
          expect(await answer(panel, true)).toEqual(await answer(panel, false));
        }),
        { numRuns: options.runs },
      );
    }, 600_000);
  });
}
