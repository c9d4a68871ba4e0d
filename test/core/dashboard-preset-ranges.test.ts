/**
 * The dashboard asks for its "last N days" as days ending today (server/core/dashboard-api/view-queries/dates.ts);
 * maintenance keeps their closed days summed as ready ranges, so the planner reads one range
 * plus today's raw rows, as fast as the Stats API's own presets.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dateRange } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { defaultState } from '../../server/core/dashboard-api/view-queries/state.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { resolveDateRange } from '../../server/core/query/date-range.ts';
import { planSegments } from '../../server/core/query/plan.ts';
import { readRollupState } from '../../server/core/query/rollup-state.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './query/store.ts';

let store: TestStore;
beforeEach(() => {
  store = openTestStore();
});
afterEach(() => store.close());

describe("the dashboard's ranges that end today", () => {
  it('read their closed days from one ready range and today from the raw tables', async () => {
    const site = await addSite(store.db, 'example.com');
    insertVisitWithEvents(store.db, site.id, { visitor: 1 }, [{ ts: Date.parse('2024-02-20T10:00:00Z') / 1000 }]);
    const now = Date.parse('2024-03-05T12:00:00Z');
    await runMaintenance(store.db, now);
    const state = await readRollupState(store.db, site.id);
    for (const period of ['7d', '28d', '30d', '91d'] as const) {
      const range = dateRange({ ...defaultState(), period }, '2024-03-05');
      const plan = planSegments(resolveDateRange(range, 'Etc/UTC', now / 1000, null), 'Etc/UTC', state, { months: true, ranges: true });
      expect(plan.map((s) => s.kind), period).toEqual(['range', 'raw']);
    }
  });
});
