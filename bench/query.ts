/**
 * Query benchmark: the full set of Stats API queries the dashboard makes for one view
 * (KPIs with comparison, time series, every panel), for 30 days and 12 months, without
 * filters, with one and with two, over 1 M synthetic events (and 10 M with
 * TELLER_BENCH_10M=1). Filtered views are timed reading SQLite alone and with the columnar
 * copy of closed days (DuckDB), as the server plans them. Databases and their copies are
 * generated once and cached under bench/.cache/. Run alone with `npm run bench -- query`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { syncColumnarCopy } from '../server/core/columnar/sync.ts';
import { runMaintenance } from '../server/core/maintenance.ts';
import type { ColumnarReader } from '../server/core/ports.ts';
import { openDuckStore, type DuckStore } from '../server/node/columnar/duckdb-store.ts';
import { columnarPath } from '../server/node/columnar/options.ts';
import { availableParallelism } from 'node:os';
import { runQuery } from '../server/core/query/execute.ts';
import { parseQuery } from '../server/core/query/parse.ts';
import { createSite, findSite, type Site } from '../server/core/sites.ts';
import { addGoal, type Goal, listGoals, parseGoal } from '../server/core/goals/goals.ts';
import { migrate } from '../server/node/migrate.ts';
import { openSqlite, type SqliteDb } from '../server/node/sqlite-db.ts';
import { generateTraffic } from './generate.ts';

const CACHE = fileURLToPath(new URL('./.cache/', import.meta.url));
/** Bump when the generator or schema changes, so stale caches are rebuilt. */
const DATASET_VERSION = 4;
/** The instant the benchmark "is": fixed, so cached data and relative ranges line up. */
export const NOW = Date.parse('2026-01-15T14:00:00Z');
export const DOMAIN = 'bench.example';

export interface Dataset {
  db: SqliteDb;
  site: Site;
  /** The site's goals (BENCH_GOALS): what the Goals panel and goal filters read. */
  goals: Goal[];
  notes: string[];
  /** The columnar copy of the dataset's closed days. */
  columns: DuckStore;
}

const MIB = 2 ** 20;

/** A DuckDB file and its WAL, in bytes. */
function duckSize(path: string): number {
  return [path, `${path}.wal`].filter(existsSync).reduce((n, f) => n + statSync(f).size, 0);
}

/**
 * Opens the dataset's columnar copy and brings it up to date as the server's backfill does:
 * all of it when missing, or again when its format changed (the copy drops itself then).
 */
async function openColumns(db: SqliteDb, path: string, notes: string[]): Promise<DuckStore> {
  const copyPath = columnarPath(path);
  const madeNotes = `${copyPath}.json`;
  const columns = await openDuckStore({ path: copyPath, memoryLimit: '256MB', threads: availableParallelism() });
  const t = performance.now();
  let days = 0;
  for (;;) {
    const r = await syncColumnarCopy(db, columns, 4, Math.floor(NOW / 1000));
    days += r.daysWritten;
    if (!r.behind) break;
  }
  if (days > 0) {
    const elapsed = performance.now() - t;
    writeFileSync(madeNotes, JSON.stringify([`columnar copy backfilled: ${days} days in ${seconds(elapsed)} (${(elapsed / days).toFixed(0)} ms a day, 4 days a step as the server does)`]));
  }
  if (existsSync(madeNotes)) notes.push(...(JSON.parse(readFileSync(madeNotes, 'utf8')) as string[]));
  notes.push(`columnar copy ${(duckSize(copyPath) / MIB).toFixed(0)} MiB on disk (DuckDB, memory_limit 256MB, ${availableParallelism()} threads)`);
  return columns;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export async function openDataset(events: number): Promise<Dataset> {
  mkdirSync(CACHE, { recursive: true });
  const path = `${CACHE}queries-${events}-v${DATASET_VERSION}.db`;
  // How the cached database was made, reported with every run that reuses it.
  const madeNotes = `${path}.json`;
  const notes: string[] = [];
  if (!existsSync(path)) {
    const building = `${path}.building`;
    rmSync(building, { force: true });
    const db = openSqlite(building);
    migrate(db.raw);
    // Generation only: a large page cache keeps the random index inserts off the disk.
    db.raw.pragma('cache_size = -1000000');
    db.raw.pragma('synchronous = OFF');
    const site = await createSite(db, { domain: DOMAIN, timezone: 'Europe/Oslo' }, NOW);
    let t = performance.now();
    const made = generateTraffic(db.raw, site.id, site.timezone, Math.floor(NOW / 1000), events);
    notes.push(`generated ${made.events.toLocaleString('en')} events in ${made.visits.toLocaleString('en')} visits (${made.firstDay} to ${made.lastDay}) in ${seconds(performance.now() - t)}`);
    t = performance.now();
    let days = 0;
    for (;;) {
      const run = await runMaintenance(db, NOW, { maxDaysPerSite: 10_000 });
      days += run.daysRolledUp;
      if (run.daysRolledUp === 0) break;
    }
    notes.push(`rolled up ${days} days in ${seconds(performance.now() - t)} (${((performance.now() - t) / days).toFixed(0)} ms a day)`);
    db.raw.pragma('wal_checkpoint(TRUNCATE)');
    db.raw.exec('ANALYZE');
    db.close();
    writeFileSync(madeNotes, JSON.stringify(notes));
    renameSync(building, path);
  } else if (existsSync(madeNotes)) {
    notes.push(...(JSON.parse(readFileSync(madeNotes, 'utf8')) as string[]));
  }
  const db = openSqlite(path);
  migrate(db.raw);
  const site = await findSite(db, DOMAIN);
  if (!site) throw new Error(`${path} has no site ${DOMAIN}: delete it to regenerate`);
  // Goals are definitions over the stored events: added to a cached database as they are (find or create).
  for (const goal of BENCH_GOALS) await addGoal(db, site.id, parseGoal(goal), NOW);
  const goals = await listGoals(db, site.id);
  const count = (sql: string) => (db.raw.prepare(sql).get() as { n: number }).n;
  // Goal rollups as the server keeps them: maintenance passes until no goal's state moves.
  const goalState = () => JSON.stringify(db.raw.prepare('SELECT * FROM goal_rollup_state ORDER BY 1, 2').all());
  const t = performance.now();
  for (let before = goalState(); ; ) {
    await runMaintenance(db, NOW, { maxDaysPerSite: 10_000 });
    const after = goalState();
    if (after === before) break;
    before = after;
  }
  const built = performance.now() - t;
  notes.push(`goal rollups of the ${goals.length} goals kept by maintenance, as the server keeps them${built > 1000 ? ` (built in ${seconds(built)} on first use)` : ''}`);
  notes.push(
    `database ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB: ${count('SELECT count(*) AS n FROM events').toLocaleString('en')} events, ` +
      `${count('SELECT count(*) AS n FROM visits').toLocaleString('en')} visits, ` +
      `${(count('SELECT count(*) AS n FROM rollup_visits') + count('SELECT count(*) AS n FROM rollup_events')).toLocaleString('en')} day rollup rows`,
  );
  const columns = await openColumns(db, path, notes);
  return { db, site, goals, notes, columns };
}

type Body = Record<string, unknown>;

/** The generated traffic's goals: a wildcard page goal, an event goal, a property goal and the suggested link goals. */
const BENCH_GOALS = [
  { kind: 'page', pagePath: '/blog/**' },
  { kind: 'event', eventName: 'Signup' },
  { kind: 'event', eventName: 'Signup', prop: { plan: 'pro' } },
  { kind: 'event', eventName: 'Outbound Link: Click' },
  { kind: 'event', eventName: 'File Download' },
] as const;

/** The Goals panel's query, as the dashboard sends it. */
export function goalsPanel(filters: unknown[][] | null): [string, Body] {
  return ['goals', { metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:goal'], filters: filters ?? [] }];
}

/** The queries of one dashboard view, as the dashboard sends them. */
export function dashboardView(dateRange: string, filters: unknown[][] | null): Array<[string, Body]> {
  const withFilter = (own: unknown[] = []): unknown[] => [...(filters ?? []), ...own];
  const top = (dimension: string, metrics: string[] = ['visitors'], own: unknown[] = []): Body => ({
    metrics,
    dimensions: [dimension],
    filters: withFilter(own),
    pagination: { limit: 10 },
  });
  // As the dashboard's KPI row (kpi-set.ts): the API refuses views per visit under a page filter.
  const onPages = JSON.stringify(filters ?? []).includes('"event:page"');
  const kpis = ['visitors', 'visits', 'pageviews', ...(onPages ? [] : ['views_per_visit']), 'bounce_rate', 'visit_duration'];
  // As Top Pages asks (site-view/queries.ts): page views only, unless the view filters on event names or goals.
  const onNames = (filters ?? []).some((f) => f[1] === 'event:name' || f[1] === 'event:goal');
  const pageviewsOnly = onNames ? [] : [['is', 'event:name', ['pageview']]];
  return [
    ['KPIs + comparison', { metrics: kpis, filters: withFilter(), include: { compare: 'previous_period' } }],
    ['time series', { metrics: ['visitors', 'pageviews'], dimensions: ['time'], filters: withFilter(), include: { time_labels: true } }],
    ['sources', top('visit:source')],
    ['channels', top('visit:channel')],
    ['search engines', top('visit:search_engine', ['visitors'], [['is_not', 'visit:search_engine', ['(not set)']]])],
    ['search keywords', top('visit:search_keyword', ['visitors'], [['is_not', 'visit:search_keyword', ['(not set)']]])],
    ['site search', top('event:site_search', ['visitors', 'events'], [['is_not', 'event:site_search', ['(not set)']]])],
    ['top pages', top('event:page', ['visitors', 'pageviews'], pageviewsOnly)],
    ['entry pages', top('visit:entry_page', ['visitors', 'visits'])],
    ['exit pages', top('visit:exit_page', ['visitors', 'visits'])],
    ['countries', top('visit:country', ['visitors', 'percentage'])],
    ['browsers', top('visit:browser', ['visitors', 'percentage'])],
    ['operating systems', top('visit:os', ['visitors', 'percentage'])],
    ['devices', top('visit:device', ['visitors', 'percentage'])],
    ['custom events', top('event:name', ['visitors', 'events'], [['is_not', 'event:name', ['pageview']]])],
  ].map(([name, body]) => [name as string, { site_id: DOMAIN, date_range: dateRange, ...(body as Body) }]);
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));

export interface Timings {
  perQuery: Map<string, number[]>;
  view: number[];
}

/** Runs the view repeatedly, one query after another: at least 5 and at most 25 times, or until ~20 s are spent. */
export async function timeRuns(view: Array<[string, Body]>, run: (body: Body) => Promise<unknown>, timings: Timings): Promise<void> {
  const started = performance.now();
  while (timings.view.length < 5 || (timings.view.length < 25 && performance.now() - started < 20_000)) {
    let total = 0;
    for (const [name, body] of view) {
      const t = performance.now();
      await run(body);
      const elapsed = performance.now() - t;
      total += elapsed;
      timings.perQuery.get(name)!.push(elapsed);
    }
    timings.view.push(total);
  }
}

async function timeView(data: Dataset, view: Array<[string, Body]>, columns: ColumnarReader | null): Promise<Timings> {
  const now = Math.floor(NOW / 1000);
  const run = async (body: Body) => runQuery(data.db, parseQuery(body, data.site, now, '2025-01-01', data.goals), { useRollups: true, columnar: columns });
  // Three untimed passes: the file's pages into the OS cache, the code through the JIT.
  for (let i = 0; i < 3; i++) for (const [, body] of view) await run(body);
  const timings: Timings = { perQuery: new Map(view.map(([n]) => [n, []])), view: [] };
  await timeRuns(view, run, timings);
  return timings;
}

const FILTER = ['is', 'visit:country', ['US']];
const SOURCE = ['is', 'visit:source', ['Google']];
/** Two filters neither of which the visitor hash fixes, one on events; and three, one of each kind. */
const CHANNEL_PAGE = [['is', 'visit:channel', ['Organic Search']], ['contains', 'event:page', ['blog']]];
const PAGE_SOURCE_DEVICE = [['is', 'event:page', ['/']], SOURCE, ['is', 'visit:device', ['Desktop']]];
/** A page goal's filter (a GLOB on each event's path) and an event goal's (read as event:name). */
export const PAGE_GOAL = ['is', 'event:goal', ['Visit /blog/**']];
export const EVENT_GOAL = ['is', 'event:goal', ['Signup']];

async function benchDataset(events: number): Promise<string> {
  const data = await openDataset(events);
  const configs: Array<[string, string, unknown[][] | null, 'sqlite' | 'columnar']> = [
    ['30 days', '30d', null, 'columnar'],
    ['12 months', '12mo', null, 'columnar'],
    ['30 days, 1 filter, SQLite', '30d', [FILTER], 'sqlite'],
    ['30 days, 1 filter, columnar', '30d', [FILTER], 'columnar'],
    ['12 months, 1 filter, SQLite', '12mo', [FILTER], 'sqlite'],
    ['12 months, 1 filter, columnar', '12mo', [FILTER], 'columnar'],
    ['30 days, 2 filters, columnar', '30d', [FILTER, SOURCE], 'columnar'],
    ['12 months, 2 filters, columnar', '12mo', [FILTER, SOURCE], 'columnar'],
    ['30 days, channel + page contains, columnar', '30d', CHANNEL_PAGE, 'columnar'],
    ['12 months, channel + page contains, columnar', '12mo', CHANNEL_PAGE, 'columnar'],
    ['30 days, page + source + device, columnar', '30d', PAGE_SOURCE_DEVICE, 'columnar'],
    ['12 months, page + source + device, columnar', '12mo', PAGE_SOURCE_DEVICE, 'columnar'],
    ['30 days, page goal, columnar', '30d', [PAGE_GOAL], 'columnar'],
    ['12 months, page goal, columnar', '12mo', [PAGE_GOAL], 'columnar'],
    ['30 days, event goal, columnar', '30d', [EVENT_GOAL], 'columnar'],
    ['12 months, event goal, columnar', '12mo', [EVENT_GOAL], 'columnar'],
  ];
  /** The dashboard's view and its Goals panel. */
  const view = (range: string, filters: unknown[][] | null) => [...dashboardView(range, filters), goalsPanel(filters)].map(([n, b]): [string, Body] => [n, { ...b, site_id: DOMAIN, date_range: range }]);
  const results: Timings[] = [];
  let peakRss = process.memoryUsage().rss;
  for (const [label, range, filters, engine] of configs) {
    console.log(`   ${events.toLocaleString('en')} events, ${label}`);
    results.push(await timeView(data, view(range, filters), engine === 'columnar' ? data.columns : null));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  data.columns.close();
  data.db.close();
  const names = view('30d', null).map(([n]) => n);
  const header = `| query | ${configs.map(([l]) => `${l} p50 / p95 (ms)`).join(' | ')} |`;
  const lines = [
    `### ${events.toLocaleString('en')} events`,
    '',
    ...data.notes.map((n) => `- ${n}`),
    `- 1 filter: \`${JSON.stringify(FILTER)}\` added to every query; 2 filters: and \`${JSON.stringify(SOURCE)}\`; channel + page contains: \`${JSON.stringify(CHANNEL_PAGE)}\`; page + source + device: \`${JSON.stringify(PAGE_SOURCE_DEVICE)}\` (views per visit left out of the KPIs under a page filter, as the dashboard does); page goal: \`${JSON.stringify(PAGE_GOAL)}\`; event goal: \`${JSON.stringify(EVENT_GOAL)}\``,
    `- goals: ${BENCH_GOALS.length} (a \`/blog/**\` page goal, Signup, Signup with plan=pro, Outbound Link: Click, File Download); the view includes the Goals panel's query`,
    '- "SQLite": raw visits and events in SQLite (as before the columnar copy, and as with `TELLER_COLUMNAR=off`); "columnar": closed days from the copy, today from SQLite, as the server plans it. Unfiltered views are answered from rollups either way.',
    `- RSS of the benchmark process (SQLite page cache + DuckDB) after the runs: peak ${(peakRss / MIB).toFixed(0)} MiB`,
    `- ${results.map((r, i) => `${configs[i]![0]}: ${r.view.length} runs`).join('; ')}`,
    '',
    header,
    `|---|${configs.map(() => '---').join('|')}|`,
    `| **whole view (${names.length} queries, one after another)** | ${results.map((r) => `**${ms(percentile(r.view, 50))} / ${ms(percentile(r.view, 95))}**`).join(' | ')} |`,
    ...names.map((n) => `| ${n} | ${results.map((r) => `${ms(percentile(r.perQuery.get(n)!, 50))} / ${ms(percentile(r.perQuery.get(n)!, 95))}`).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** Markdown for docs/benchmarks.md: one table per dataset size. */
export async function runQueryBench(): Promise<string> {
  const sizes = [1_000_000, ...(process.env.TELLER_BENCH_10M === '1' ? [10_000_000] : [])];
  const description =
    'Stats API queries run in-process (parse + plan + SQLite, and DuckDB for the columnar copy of closed days) against a file database of synthetic traffic for one site ' +
      '(Europe/Oslo, 13 months ending 2026-01-15, Zipf pages, realistic client, country and referrer mix), with rollups built by maintenance. ' +
      '"30 days" and "12 months" are the `30d` and `12mo` ranges; the KPI query also reads its comparison period. ' +
      'The 10 M run is opt-in: `TELLER_BENCH_10M=1 npm run bench` (the database is generated once into bench/.cache/).';
  return datasetSections(description, sizes, benchDataset);
}

/** A benchmark's section: its description, then one table per dataset size, measured in turn. */
export async function datasetSections(description: string, sizes: number[], bench: (events: number) => Promise<string>): Promise<string> {
  const sections = [description];
  for (const size of sizes) sections.push(await bench(size));
  return sections.join('\n\n');
}
