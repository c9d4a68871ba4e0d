/**
 * Goal rollups benchmark: the dashboard's view with a goal filter (and its Goals panel) and
 * the Goals panel alone, each query run alternately by an older planner (a checkout of its
 * `server/` tree, given as TELLER_BENCH_OLD, e.g. `git archive main server | tar -x -C dir`)
 * and by this one, in one process over the same database and columnar copy, every answer
 * checked equal. Reports, per configuration, the sum over the view's queries of each
 * query's fastest run and of its median. `TELLER_BENCH_EVENTS` picks the dataset (1 M by
 * default: bench/query.ts' cached one), `TELLER_BENCH_RUNS` the runs (5).
 * Run with `npx tsx bench/goal-rollups.ts`.
 */
import { isDeepStrictEqual } from 'node:util';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { runMaintenance } from '../server/core/maintenance.ts';
import { runQuery } from '../server/core/query/execute.ts';
import { parseQuery } from '../server/core/query/parse.ts';
import { dashboardView, DOMAIN, EVENT_GOAL, goalsPanel, NOW, openDataset, PAGE_GOAL } from './query.ts';

type Body = Record<string, unknown>;
type Run = typeof runQuery;

const events = Number(process.env.TELLER_BENCH_EVENTS ?? 1_000_000);
const runs = Number(process.env.TELLER_BENCH_RUNS ?? 5);
const oldTree = process.env.TELLER_BENCH_OLD;
if (!oldTree) throw new Error('TELLER_BENCH_OLD: the directory holding the older planner\'s server/ tree');

const old = (await import(join(resolve(oldTree), 'server/core/query/execute.ts'))) as { runQuery: Run };
const oldParse = (await import(join(resolve(oldTree), 'server/core/query/parse.ts'))) as { parseQuery: typeof parseQuery };
const data = await openDataset(events);
let t = performance.now();
let passes = 0;
// Goal rollups are built by maintenance passes, a bounded number of goal-days each, as the server does.
for (;;) {
  const before = (data.db.raw.prepare('SELECT count(*) AS n FROM goal_rollup_state WHERE backfilled = 1').get() as { n: number }).n;
  if (before === data.goals.length) break;
  await runMaintenance(data.db, NOW, { maxDaysPerSite: 31 });
  passes += 1;
}
if (passes > 0) console.log(`goal rollups built for ${data.goals.length} goals in ${passes} passes of 31 goal-days, ${((performance.now() - t) / 1000).toFixed(1)} s`);
const rows = (data.db.raw.prepare('SELECT (SELECT count(*) FROM goal_rollup_visits) + (SELECT count(*) FROM goal_rollup_events) AS n').get() as { n: number }).n;
const pending = (data.db.raw.prepare('SELECT count(*) AS n FROM goal_rollup_pending').get() as { n: number }).n;
console.log(`goal rollup rows: ${rows.toLocaleString('en')}, pending visits: ${pending.toLocaleString('en')}`);

const now = Math.floor(NOW / 1000);
const view = (range: string, filters: unknown[][] | null, panelOnly = false): Array<[string, Body]> =>
  (panelOnly ? [goalsPanel(filters)] : [...dashboardView(range, filters), goalsPanel(filters)]).map(([n, b]) => [n, { ...b, site_id: DOMAIN, date_range: range }]);
const configs: Array<[string, Array<[string, Body]>]> = [
  ['page goal (whole view + Goals panel), 30 days', view('30d', [PAGE_GOAL])],
  ['page goal (whole view + Goals panel), 12 months', view('12mo', [PAGE_GOAL])],
  ['event goal (whole view + Goals panel), 30 days', view('30d', [EVENT_GOAL])],
  ['event goal (whole view + Goals panel), 12 months', view('12mo', [EVENT_GOAL])],
  ['Goals panel alone, no filter, 30 days', view('30d', null, true)],
  ['Goals panel alone, no filter, 12 months', view('12mo', null, true)],
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const lines: string[] = [];
for (const [label, queries] of configs) {
  const times = { old: queries.map(() => [] as number[]), new: queries.map(() => [] as number[]) };
  for (let r = 0; r < runs + 1; r++) {
    for (const [i, [name, body]] of queries.entries()) {
      let a = performance.now();
      const before = await old.runQuery(data.db, oldParse.parseQuery(body, data.site, now, '2025-01-01', data.goals), { useRollups: true, columnar: data.columns });
      const oldMs = performance.now() - a;
      a = performance.now();
      const after = await runQuery(data.db, parseQuery(body, data.site, now, '2025-01-01', data.goals), { useRollups: true, columnar: data.columns });
      const newMs = performance.now() - a;
      if (!isDeepStrictEqual(before, after)) throw new Error(`${label}, ${name}: answers differ\n${JSON.stringify(before)}\n${JSON.stringify(after)}`);
      // The first round warms caches and the JIT: not counted.
      if (r > 0) {
        times.old[i]!.push(oldMs);
        times.new[i]!.push(newMs);
      }
    }
  }
  const sum = (per: number[][], f: (xs: number[]) => number) => per.reduce((n, xs) => n + f(xs), 0).toFixed(0);
  const line = `| ${events.toLocaleString('en')} | ${label} | ${sum(times.old, (xs) => Math.min(...xs))} → **${sum(times.new, (xs) => Math.min(...xs))}** | ${sum(times.old, median)} → ${sum(times.new, median)} |`;
  console.log(line);
  lines.push(line);
}
console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${runs} runs each`);
data.columns.close();
data.db.close();
