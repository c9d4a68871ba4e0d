/**
 * The query planner before and after, alternated in one process: a baseline revision's
 * `server/` (exported with `git archive` into bench/.cache/, default main's e837bb6) and this
 * checkout's, over the same 1 M-event database (the query bench's) and the same columnar
 * copy (each build opens a file copy of it, rebuilt by its own code if its format differs).
 * Each round runs the view (the query bench's 16 queries, one after another) with the
 * two- and three-filter mixes, 30 days and 12 months, with the kept sets kept from round to
 * round (a view's later requests) and dropped (its first request under new filters),
 * old/new then new/old in turn; every answer of every round is checked equal. Prints each
 * round's wall and CPU time (the process's, DuckDB's threads included) with the load average,
 * then a table of medians. On this shared machine only figures from one such run compare.
 * Usage: `npx tsx bench/run.ts query-ab` or `npx tsx bench/query-ab.ts [revision]`;
 * BENCH_AB_ROUNDS (default 5) rounds.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ColumnarReader, Db } from '../server/core/ports.ts';
import type { runQuery } from '../server/core/query/execute.ts';
import type { parseQuery } from '../server/core/query/parse.ts';
import type { syncColumnarCopy } from '../server/core/columnar/sync.ts';
import type { openDuckStore } from '../server/node/columnar/duckdb-store.ts';
import { columnarPath } from '../server/node/columnar/options.ts';
import { DOMAIN, NOW, dashboardView, goalsPanel, openDataset } from './query.ts';

export const BASELINE = 'e837bb6';
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 5);
const CACHE = fileURLToPath(new URL('./.cache/', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));

type Body = Record<string, unknown>;
/** A build's entry points, as this checkout types them. */
interface Planner {
  runQuery: typeof runQuery;
  parseQuery: typeof parseQuery;
  openDuckStore: typeof openDuckStore;
  syncColumnarCopy: typeof syncColumnarCopy;
}

interface Build {
  label: string;
  planner: Planner;
  store: Awaited<ReturnType<typeof openDuckStore>>;
}

const SOURCE = ['is', 'visit:source', ['Google']];
const MIXES: Array<[string, unknown[][]]> = [
  ['channel + page contains', [['is', 'visit:channel', ['Organic Search']], ['contains', 'event:page', ['blog']]]],
  ['page + source + device', [['is', 'event:page', ['/']], SOURCE, ['is', 'visit:device', ['Desktop']]]],
  ['country + source', [['is', 'visit:country', ['US']], SOURCE]],
];
const RANGES = ['30d', '12mo'];
const SETS = ['kept', 'dropped'] as const;

interface Config {
  mix: string;
  range: string;
  sets: (typeof SETS)[number];
  view: Body[];
  /** Per build label: wall and CPU ms of each round. */
  wall: Map<string, number[]>;
  cpu: Map<string, number[]>;
  load: number[];
}

/** A revision's tree under bench/.cache/, exported once. */
function exportRevision(rev: string): string {
  const sha = execFileSync('git', ['rev-parse', '--short', `${rev}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const tree = `${CACHE}ab-${sha}/`;
  if (!existsSync(`${tree}server`)) {
    mkdirSync(tree, { recursive: true });
    execFileSync('sh', ['-c', `git archive "${sha}" server | tar -x -C "${tree}"`], { cwd: ROOT });
  }
  return tree;
}

/** The planner's entry points from a tree (its `server/`). */
async function plannerOf(tree: string): Promise<Planner> {
  const [execute, parse, store, sync] = await Promise.all([
    import(`${tree}server/core/query/execute.ts`),
    import(`${tree}server/core/query/parse.ts`),
    import(`${tree}server/node/columnar/duckdb-store.ts`),
    import(`${tree}server/core/columnar/sync.ts`),
  ]);
  return { runQuery: execute.runQuery, parseQuery: parse.parseQuery, openDuckStore: store.openDuckStore, syncColumnarCopy: sync.syncColumnarCopy } as Planner;
}

/** The copy at `path`, brought up to date by the build's own code (all of it again when its format differs). */
async function openCopy(planner: Planner, db: Db, path: string): Promise<Build['store']> {
  const store = await planner.openDuckStore({ path, memoryLimit: '256MB', threads: availableParallelism() });
  for (;;) if (!(await planner.syncColumnarCopy(db, store, 4, Math.floor(NOW / 1000))).behind) break;
  return store;
}

/** The reader as a view's first request finds it: each round's sets are its own (their statements differ by a comment). */
function withFreshSets(store: ColumnarReader, round: string): ColumnarReader {
  return {
    coverage: (siteId, timeZone) => store.coverage(siteId, timeZone),
    all: (sql, params, sets = []) => store.all(sql, params, sets.map((s) => ({ ...s, sql: `${s.sql} /* ${round} */` }))),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const least = (xs: number[]) => Math.min(...xs);
const f0 = (x: number) => x.toFixed(0);

export async function runQueryAbBench(baseline = BASELINE): Promise<string> {
  const data = await openDataset(1_000_000);
  const { db, site, goals } = data;
  const copy = columnarPath(`${CACHE}queries-1000000-v4.db`);
  const tree = exportRevision(baseline);
  const oldPath = `${tree}copy.columns.duckdb`;
  // The dataset's copy, closed by openDataset's store below before the file is read.
  data.columns.close();
  if (!existsSync(oldPath)) copyFileSync(copy, oldPath);
  const builds: Build[] = [];
  for (const [label, planner, path] of [
    [`old (${baseline})`, await plannerOf(tree), oldPath],
    ['new', await plannerOf(ROOT), copy],
  ] as const) {
    console.log(`   opening ${label}'s copy (rebuilt if its format differs)`);
    builds.push({ label, planner, store: await openCopy(planner, db, path) });
  }
  const configs: Config[] = [];
  for (const sets of SETS)
    for (const [mix, filters] of MIXES)
      for (const range of RANGES)
        configs.push({
          mix,
          range,
          sets,
          view: [...dashboardView(range, filters), goalsPanel(filters)].map(([, b]) => ({ ...b, site_id: DOMAIN, date_range: range })),
          wall: new Map(builds.map((b) => [b.label, []])),
          cpu: new Map(builds.map((b) => [b.label, []])),
          load: [],
        });
  const now = Math.floor(NOW / 1000);
  const runView = async (b: Build, view: Body[], reader: ColumnarReader): Promise<string[]> => {
    const answers: string[] = [];
    for (const body of view) {
      const query = b.planner.parseQuery(body, site, now, '2025-01-01', goals);
      const answer = await b.planner.runQuery(db, query, { useRollups: true, columnar: reader });
      answers.push(JSON.stringify(answer));
    }
    return answers;
  };
  try {
    // A mix's rounds in a row, so that its kept sets are still kept (16 at most) from one round to the next.
    for (const c of configs) {
      // Untimed: every statement prepared, the files' pages cached, the code through the JIT.
      for (const b of builds) await runView(b, c.view, b.store);
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? builds : [...builds].reverse();
        const answers: string[][] = [];
        c.load.push(loadavg()[0]!);
        const line: string[] = [];
        for (const b of order) {
          const reader = c.sets === 'dropped' ? withFreshSets(b.store, `round ${round}`) : b.store;
          const t = performance.now();
          const cpu = process.cpuUsage();
          answers.push(await runView(b, c.view, reader));
          const used = process.cpuUsage(cpu);
          const wall = performance.now() - t;
          c.wall.get(b.label)!.push(wall);
          c.cpu.get(b.label)!.push((used.user + used.system) / 1000);
          line.push(`${b.label} ${f0(wall)} ms wall, ${f0((used.user + used.system) / 1000)} ms CPU`);
        }
        const differs = answers[0]!.findIndex((a, i) => a !== answers[1]![i]);
        if (differs >= 0) throw new Error(`${c.mix}, ${c.range}, sets ${c.sets}: query ${differs} answers differ\nold: ${answers[0]![differs]}\nnew: ${answers[1]![differs]}`);
        console.log(`   round ${round + 1}, ${c.mix}, ${c.range}, sets ${c.sets}: ${line.join('; ')}; load ${loadavg()[0]!.toFixed(1)}`);
      }
    }
  } finally {
    for (const b of builds) b.store.close();
    db.close();
  }
  const [old, neu] = builds.map((b) => b.label) as [string, string];
  const row = (c: Config) => {
    const w = (l: string) => `${f0(least(c.wall.get(l)!))} / ${f0(median(c.wall.get(l)!))}`;
    const p = (l: string) => `${f0(least(c.cpu.get(l)!))} / ${f0(median(c.cpu.get(l)!))}`;
    const ratio = (median(c.wall.get(neu)!) / median(c.wall.get(old)!)).toFixed(2);
    return `| ${c.range} | ${c.mix} | ${c.sets} | ${w(old)} | ${w(neu)} | ${ratio} | ${p(old)} | ${p(neu)} | ${least(c.load).toFixed(1)}–${Math.max(...c.load).toFixed(1)} |`;
  };
  const text = [
    `1 M events, ${ROUNDS} rounds, ${old} and this checkout alternated in one process (every answer checked equal), the view's 16 queries one after another; wall fastest / median, CPU least / median (ms; the process's CPU, DuckDB's threads included); load average at the start of each round.`,
    '',
    `| range | filters | sets | wall ${old} | wall new | new / old (wall medians) | CPU ${old} | CPU new | load average |`,
    '|---|---|---|---:|---:|---:|---:|---:|---|',
    ...configs.map(row),
  ].join('\n');
  console.log(text);
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) await runQueryAbBench(process.argv[2]);
