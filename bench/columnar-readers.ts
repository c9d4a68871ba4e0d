/**
 * The columnar copy's read connections against its threads on this machine: the statements a
 * filtered dashboard view sends to the copy (recorded from the planner over the 1 M-event
 * bench database), replayed as the server reads them (each query's statements in order, the
 * view's queries all at once) on a DuckDB store opened with N connections × T threads, the
 * settings alternated in rounds so the machine's other work falls on each alike. Run alone:
 * `npx tsx bench/columnar-readers.ts` (VARIANTS=1x2,2x1 to choose; connections x threads).
 */
import { loadavg } from 'node:os';
import type { SqlValue, Stmt } from '../server/core/ports.ts';
import { runQuery } from '../server/core/query/execute.ts';
import { parseQuery } from '../server/core/query/parse.ts';
import { openDuckStore } from '../server/node/columnar/duckdb-store.ts';
import { columnarPath } from '../server/node/columnar/options.ts';
import { NOW, dashboardView, openDataset } from './query.ts';

const ROUNDS = 3;
const RUNS = 7;
const FILTER = [['is', 'visit:country', ['US']]];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

type Statement = readonly [string, readonly SqlValue[], (readonly Stmt[])?];

const data = await openDataset(1_000_000);
const views: Array<[string, Statement[][]]> = [];
for (const [name, range] of [['30 days, filtered', '30d'], ['12 months, filtered', '12mo']] as const) {
  const perQuery: Statement[][] = [];
  for (const [, body] of dashboardView(range, FILTER)) {
    const statements: Statement[] = [];
    const columnar = {
      coverage: (siteId: number, timeZone: string) => data.columns.coverage(siteId, timeZone),
      all: (sql: string, params: readonly SqlValue[], sets?: readonly Stmt[]) => {
        statements.push([sql, params, sets]);
        return data.columns.all(sql, params, sets);
      },
    };
    await runQuery(data.db, parseQuery(body, data.site, Math.floor(NOW / 1000), null, data.goals), { useRollups: true, columnar });
    if (statements.length > 0) perQuery.push(statements);
  }
  views.push([name, perQuery]);
  console.log(`${name}: ${perQuery.length} queries read the copy, ${perQuery.flat().length} statements`);
}
const path = columnarPath(data.db.raw.name);
data.columns.close();
data.db.close();

const variants = (process.env.VARIANTS ?? '1x2,2x1,2x2,1x1').split(',').map((v) => v.split('x').map(Number) as [number, number]);
const times = new Map<string, number[]>();
const loads: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const [readers, threads] of variants) {
    const store = await openDuckStore({ path, memoryLimit: '256MB', threads, readers });
    for (const [name, perQuery] of views) {
      const run = async () => {
        const started = performance.now();
        await Promise.all(perQuery.map(async (statements) => {
          for (const [sql, params, sets] of statements) await store.all(sql, params, sets);
        }));
        return performance.now() - started;
      };
      await run();
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await run());
      const key = `| ${name} | ${readers} × ${threads} |`;
      times.set(key, [...(times.get(key) ?? []), median(runs)]);
    }
    store.close();
    loads.push(loadavg()[0] ?? 0);
  }
}
console.log(`\nload average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}; median of ${RUNS} replays per round\n`);
console.log('| view | connections × threads | rounds (ms) | median (ms) |\n|---|---|---:|---:|');
for (const [key, xs] of times) console.log(`${key} ${xs.map((x) => x.toFixed(0)).join(' / ')} | **${median(xs).toFixed(0)}** |`);
