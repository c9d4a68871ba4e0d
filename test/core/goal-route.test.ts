/**
 * The planner's route for goal queries: a breakdown whose goals are all plain event names is
 * read as `event:name` from the rollups of closed days; a page or property goal needs each
 * event's path or properties, so it reads raw rows (the columnar copy on Node). Shown by
 * deleting the raw rows of the rolled-up days: only the rollup route still answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addGoal, listGoals, parseGoal } from '../../server/core/goals/goals.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import type { Site } from '../../server/core/sites.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './query/store.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = at('2024-05-20T12:00:00Z');
let store: TestStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

async function seeded(goals: Parameters<typeof parseGoal>[0][]): Promise<{ site: Site; ask: (body: object) => Promise<unknown> }> {
  store = openTestStore();
  const { db } = store;
  const site = await addSite(db, 'route.example');
  insertVisitWithEvents(db, site.id, { visitor: 1, channel: 'Direct' }, [
    { ts: at('2024-05-10T10:00:00Z'), path: '/blog/a' },
    { ts: at('2024-05-10T10:01:00Z'), name: 'Signup', path: '/blog/a' },
  ]);
  insertVisitWithEvents(db, site.id, { visitor: 2, channel: 'Direct' }, [
    { ts: at('2024-05-11T09:00:00Z'), path: '/' },
    { ts: at('2024-05-11T09:02:00Z'), name: 'Purchase', path: '/checkout' },
    { ts: at('2024-05-11T09:03:00Z'), name: 'Purchase', path: '/checkout' },
  ]);
  for (const g of goals) await addGoal(db, site.id, parseGoal(g), NOW * 1000);
  await runMaintenance(db, NOW * 1000, { maxDaysPerSite: 100 });
  const ask = async (body: object) => {
    const query = parseQuery({ site_id: site.domain, date_range: ['2024-05-01', '2024-05-19'], ...body }, site, NOW, null, await listGoals(db, site.id));
    return (await runQuery(db, query)).results;
  };
  return { site, ask };
}

function dropRawRows(site: Site): void {
  store!.db.raw.prepare('DELETE FROM events WHERE site_id = ?').run(site.id);
  store!.db.raw.prepare('DELETE FROM visits WHERE site_id = ?').run(site.id);
}

describe('goal queries on the planner', () => {
  it('reads a breakdown of event-name goals from rollups', async () => {
    const { site, ask } = await seeded([{ kind: 'event', eventName: 'Signup' }, { kind: 'event', eventName: 'Purchase', displayName: 'Bought' }]);
    const body = { metrics: ['visitors', 'events'], dimensions: ['event:goal'] };
    const before = await ask(body);
    expect(before).toEqual([
      { dimensions: ['Bought'], metrics: [1, 2] },
      { dimensions: ['Signup'], metrics: [1, 1] },
    ]);
    dropRawRows(site);
    expect(await ask(body)).toEqual(before);
    expect(await ask({ metrics: ['events'], dimensions: ['event:goal', 'time:day'], filters: [['is', 'event:goal', ['Bought']]] })).toEqual([
      { dimensions: ['Bought', '2024-05-11'], metrics: [2] },
    ]);
  });

  it('reads page goals from raw rows until their goal rollups are built, and from those after', async () => {
    const { site, ask } = await seeded([{ kind: 'event', eventName: 'Signup' }, { kind: 'page', pagePath: '/blog/**' }]);
    const body = { metrics: ['visitors'], dimensions: ['event:goal'] };
    const expected = [
      { dimensions: ['Signup'], metrics: [1] },
      { dimensions: ['Visit /blog/**'], metrics: [1] },
    ];
    expect(await ask(body)).toEqual(expected);
    // Without goal rollups (as right after a goal is added) the answer is the raw rows'.
    const goalRollups = ['goal_rollup_visits', 'goal_rollup_events', 'goal_rollup_pending', 'goal_rollup_state'];
    for (const table of goalRollups) store!.db.raw.prepare(`DELETE FROM ${table} WHERE site_id = ?`).run(site.id);
    expect(await ask(body)).toEqual(expected);
    await runMaintenance(store!.db, NOW * 1000, { maxDaysPerSite: 100 });
    dropRawRows(site);
    expect(await ask(body)).toEqual(expected);
  });
});
