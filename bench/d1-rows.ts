/**
 * D1 rows read per dashboard view: the Stats API queries of one view (bench/query.ts's
 * dashboardView) run through the Workers D1 adapter against a local D1 in real workerd
 * (Miniflare), which meters each statement as Cloudflare bills it (`meta.rows_read`).
 * The traffic is the query benchmark's generated database; its raw tables are copied into
 * D1 as multi-row INSERTs, and the rollups are then built by the Worker's own
 * cron handler, run as many times as the backlog needs. Every answer is checked against
 * the same query on the Node store, so the rows counted are those of correct answers.
 * The filtered views are measured with the pair rollups of migration 0023 (pair-rollups.ts) and
 * again without them (their state row removed, so the planner reads raw rows as before them),
 * and the unfiltered ones without Top Pages' rollup rows too (migration 0024, pageview-pages.ts),
 * with the local D1's time per view next to the rows; the pair rollups' rows, bytes and build
 * time are reported. A new visit's rows written with and without the country index (migration
 * 0006) are measured too, which is that index's whole trade.
 * The 4-step funnel of bench/funnel.ts is measured too, and the goal queries: the view with a
 * page-goal or an event-goal filter, and the Goals panel.
 * Run alone with `npm run bench -- d1-rows`.
 */
import type { Db, SqlValue } from '../server/core/ports.ts';
import type { ProcessedEvent } from '../server/core/ingest/event.ts';
import { runQuery } from '../server/core/query/execute.ts';
import { parseQuery } from '../server/core/query/parse.ts';
import { recordEventStatements } from '../server/core/store/record-event.ts';
import { d1Db, newD1Meter } from '../server/workers/d1-db.ts';
import { type D1, type TellerWorker, startWorker } from '../test/workers/harness.ts';
import { parseFunnelQuery, runFunnel } from '../server/core/funnels/run.ts';
import { benchFunnel, FUNNEL_QUERIES } from './funnel.ts';
import { dashboardView, datasetSections, EVENT_GOAL, goalsPanel, NOW, openDataset, PAGE_GOAL, type Dataset } from './query.ts';
import { visitAttributes } from '../test/helpers/visit-attributes.ts';
import { buildPairRollups, pairDayStatements, PAIR_FILTER_DIMENSIONS } from '../server/core/pair-rollups.ts';
import { readRollupState } from '../server/core/query/rollup-state.ts';

/** D1 refuses SQL statements longer than 100 KB. */
const MAX_STATEMENT_BYTES = 90_000;
const STATEMENTS_PER_EXEC = 20;
// Goals too: the cron builds their goal rollups, as a deployed Worker's does.
const RAW_TABLES = ['sites', 'goals', 'visits', 'events', 'event_props'];
const FILTER = ['is', 'visit:country', ['US']];
const INDEX = 'visits_site_country';
const INDEX_SQL = `CREATE INDEX ${INDEX} ON visits (site_id, country, started_at)`;
const CONFIGS: Array<[string, string, unknown[] | null]> = [
  ['30 days', '30d', null],
  ['12 months', '12mo', null],
  ['30 days, filtered', '30d', FILTER],
  ['12 months, filtered', '12mo', FILTER],
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const thousands = (n: number) => Math.round(n).toLocaleString('en');

function literal(value: unknown): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
}

/**
 * Copies the raw tables of the Node database into D1 as multi-row INSERTs of literals
 * (D1 binds at most 100 parameters per statement), many statements to a call.
 */
async function load(data: Dataset, d1: D1): Promise<string> {
  const started = performance.now();
  let rows = 0;
  let statements = 0;
  for (const table of RAW_TABLES) {
    const columns = (data.db.raw.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as Array<{ name: string }>).map((c) => c.name);
    const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    let pending: string[] = [];
    let values: string[] = [];
    let size = head.length;
    const flush = async (force: boolean) => {
      if (values.length > 0 && (force || size > MAX_STATEMENT_BYTES)) {
        pending.push(head + values.join(','));
        values = [];
        size = head.length;
      }
      if (pending.length > 0 && (force || pending.length >= STATEMENTS_PER_EXEC)) {
        // One exec of many lines: prepare() would send each 90 KB statement through
        // Miniflare's synchronous proxy call, which fails now and then under load.
        await d1.exec(pending.join('\n'));
        statements += pending.length;
        pending = [];
      }
    };
    for (const row of data.db.raw.prepare(`SELECT * FROM ${table}`).raw().iterate() as IterableIterator<unknown[]>) {
      const tuple = `(${row.map(literal).join(',')})`;
      values.push(tuple);
      size += tuple.length + 1;
      rows += 1;
      await flush(false);
    }
    await flush(true);
  }
  return `loaded ${thousands(rows)} raw rows (site, goals, visits, events, event properties) into D1 in ${seconds(performance.now() - started)}, as ${thousands(statements)} multi-row INSERTs, ${STATEMENTS_PER_EXEC} to an exec call`;
}

/** Runs the Worker's cron handler at the benchmark's "now" until every closed day is rolled up. */
async function rollUp(worker: TellerWorker): Promise<string> {
  const started = performance.now();
  // Until neither the day rollups, the pair rollups nor any goal's rollups (goal_rollup_state) move any more.
  const through = async () =>
    (
      await worker.db
        .prepare(
          "SELECT (SELECT days_through FROM rollup_state) || '|' || coalesce((SELECT days_through FROM rollup_pair_state), '') || '|' || coalesce((SELECT group_concat(first_day || days_through || backfilled) FROM goal_rollup_state), '') AS t",
        )
        .first<{ t: string }>()
    )?.t ?? null;
  let runs = 0;
  for (let last: string | null = null; ; ) {
    const result = await worker.scheduled({ scheduledTime: new Date(NOW), cron: '7 * * * *' });
    if (result.outcome !== 'ok') throw new Error(`cron run failed: ${result.outcome}`);
    runs += 1;
    const now = await through();
    if (now === last) break;
    last = now;
  }
  return `rollups, pair rollups and goal rollups built by ${runs} runs of the Worker's cron handler (3 days and 8 goal-days a run, as deployed) in ${seconds(performance.now() - started)}`;
}

interface ViewRows {
  perQuery: number[];
  /** The local D1's time for the whole view, its queries one after another (ms): the faster of two runs. */
  ms: number;
}

/**
 * Rows read by each query of one dashboard view, in dashboardView order, and the local D1's
 * time for it; each answer checked against the Node store, whose cached database holds no
 * pair rollups (its filtered answers are the raw path's).
 */
async function viewRowsRead(data: Dataset, d1: D1, range: string, filter: unknown[] | null): Promise<ViewRows> {
  const now = Math.floor(NOW / 1000);
  const perQuery: number[] = [];
  const times = [0, 0];
  for (const [name, body] of dashboardView(range, filter ? [filter] : null)) {
    let rows = 0;
    for (let run = 0; run < 2; run++) {
      const meter = newD1Meter();
      // Miniflare's binding is a proxy to workerd's own D1 binding: the same API.
      const db: Db = d1Db(d1 as unknown as Parameters<typeof d1Db>[0], meter);
      const started = performance.now();
      const onD1 = await runQuery(db, parseQuery(body, data.site, now, '2025-01-01'));
      times[run]! += performance.now() - started;
      const onNode = await runQuery(data.db, parseQuery(body, data.site, now, '2025-01-01'));
      if (JSON.stringify(onD1.results) !== JSON.stringify(onNode.results)) throw new Error(`D1 and the Node store disagree on ${name} (${range})`);
      rows = meter.rowsRead;
    }
    perQuery.push(rows);
  }
  return { perQuery, ms: Math.min(...times) };
}

/** D1's pair rollups: their rows, and what building one day of them writes and reads there. */
async function pairRollupsOnD1(worker: TellerWorker, timeZone: string): Promise<string[]> {
  const count = async (table: string) => (await worker.db.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
  const rows = (await count('rollup_pair_visits')) + (await count('rollup_pair_events'));
  const day = (await worker.db.prepare('SELECT days_through AS d FROM rollup_pair_state').first<{ d: string }>())!.d;
  // The last day again, written afresh: its rows deleted first (the batch records the same last day).
  for (const table of ['rollup_pair_visits', 'rollup_pair_events']) await worker.db.prepare(`DELETE FROM ${table} WHERE site_id = 1 AND day = ?`).bind(day).run();
  const results = await worker.db.batch(pairDayStatements(1, timeZone, day).map((st) => worker.db.prepare(st.sql).bind(...(st.params as SqlValue[]))));
  const written = results.reduce((n, r) => n + (r.meta.rows_written ?? 0), 0);
  const read = results.reduce((n, r) => n + (r.meta.rows_read ?? 0), 0);
  return [
    `pair rollups in D1: ${thousands(rows)} rows (filter dimensions: ${PAIR_FILTER_DIMENSIONS.map((d) => d.slice(6)).join(', ')})`,
    `building one day of pair rollups on D1 (${day}, one batch of ${PAIR_FILTER_DIMENSIONS.length * 2} INSERTs) writes ${thousands(written)} rows and reads ${thousands(read)}`,
  ];
}

/**
 * The pair rollups built on the Node store (its cached database, then removed again so its
 * answers stay the raw path's): build time per day and bytes next to the day rollups'.
 */
async function pairRollupsOnNode(data: Dataset): Promise<string[]> {
  const raw = data.db.raw;
  const state = await readRollupState(data.db, data.site.id);
  const started = performance.now();
  let days = 0;
  for (let built = -1; built !== 0; days += built) built = await buildPairRollups(data.db, data.site, await readRollupState(data.db, data.site.id), 31);
  const ms = performance.now() - started;
  const bytes = (tables: string[]) => (raw.prepare(`SELECT sum(pgsize) AS n FROM dbstat WHERE name IN (${tables.map((t) => `'${t}'`).join(', ')})`).get() as { n: number }).n;
  const pairBytes = bytes(['rollup_pair_visits', 'rollup_pair_events']);
  const dayBytes = bytes(['rollup_visits', 'rollup_events']);
  const rows = (raw.prepare('SELECT (SELECT count(*) FROM rollup_pair_visits) + (SELECT count(*) FROM rollup_pair_events) AS n').get() as { n: number }).n;
  const total = (raw.prepare('SELECT page_count * page_size AS n FROM pragma_page_count, pragma_page_size').get() as { n: number }).n;
  raw.exec('DELETE FROM rollup_pair_visits; DELETE FROM rollup_pair_events; DELETE FROM rollup_pair_state;');
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  return [
    `pair rollups on Node (SQLite): ${days} days built in ${seconds(ms)} (${(ms / days).toFixed(0)} ms a day, 31 days a maintenance pass), ${thousands(rows)} rows, ${mib(pairBytes)} ` +
      `(day rollups: ${mib(dayBytes)}; whole database with them: ${mib(total)}); rolled up through ${state?.daysThrough}`,
  ];
}

/** Rows read by one Stats API query on D1, its answer checked against the Node store's. */
async function queryRowsRead(data: Dataset, d1: D1, name: string, body: Record<string, unknown>): Promise<number> {
  const now = Math.floor(NOW / 1000);
  const meter = newD1Meter();
  const db: Db = d1Db(d1 as unknown as Parameters<typeof d1Db>[0], meter);
  const onD1 = await runQuery(db, parseQuery(body, data.site, now, '2025-01-01', data.goals));
  const onNode = await runQuery(data.db, parseQuery(body, data.site, now, '2025-01-01', data.goals));
  if (JSON.stringify(onD1.results) !== JSON.stringify(onNode.results)) throw new Error(`D1 and the Node store disagree on ${name}`);
  return meter.rowsRead;
}

/** The goal cases: the view's queries and the Goals panel under a goal filter, and the Goals panel alone. */
const GOAL_CASES: Array<[string, unknown[] | null, boolean]> = [
  [`whole view + Goals panel, page goal \`${JSON.stringify(PAGE_GOAL)}\``, PAGE_GOAL, true],
  [`whole view + Goals panel, event goal \`${JSON.stringify(EVENT_GOAL)}\``, EVENT_GOAL, true],
  ['Goals panel alone, no filter', null, false],
];

/** Rows read by each goal case over 30 days and 12 months. */
async function goalRowsRead(data: Dataset, d1: D1): Promise<Array<[string, number, number]>> {
  const rows: Array<[string, number, number]> = [];
  for (const [label, filter, wholeView] of GOAL_CASES) {
    const counts: number[] = [];
    for (const range of ['30d', '12mo']) {
      const filters = filter ? [filter] : null;
      const [panel, body] = goalsPanel(filters);
      const queries: Array<[string, Record<string, unknown>]> = [...(wholeView ? dashboardView(range, filters) : []), [panel, { ...body, site_id: data.site.domain, date_range: range }]];
      let n = 0;
      for (const [name, q] of queries) n += await queryRowsRead(data, d1, `${name} (${label}, ${range})`, q);
      counts.push(n);
    }
    rows.push([label, counts[0]!, counts[1]!]);
  }
  return rows;
}

/** Rows read by the 4-step funnel of bench/funnel.ts per query, each answer checked against the Node store. */
async function funnelRowsRead(data: Dataset, d1: D1): Promise<Array<[string, number]>> {
  const now = Math.floor(NOW / 1000);
  const funnel = await benchFunnel(data);
  const rows: Array<[string, number]> = [];
  for (const [label, body] of FUNNEL_QUERIES) {
    const meter = newD1Meter();
    const db: Db = d1Db(d1 as unknown as Parameters<typeof d1Db>[0], meter);
    const onD1 = await runFunnel(db, data.site, funnel, parseFunnelQuery(body, data.site, now, null));
    const onNode = await runFunnel(data.db, data.site, funnel, parseFunnelQuery(body, data.site, now, null));
    if (JSON.stringify(onD1) !== JSON.stringify(onNode)) throw new Error(`D1 and the Node store disagree on the funnel, ${label}`);
    rows.push([label, meter.rowsRead]);
  }
  return rows;
}

/** Rows written by a new visit's first pageview, sent as the Worker sends it. */
async function newVisitRowsWritten(d1: D1, visitor: number): Promise<number> {
  const ts = Math.floor(NOW / 1000) - 60;
  const event: ProcessedEvent = {
    siteId: 1, ts, kind: 'pageview', name: 'pageview', visitor, hostname: 'example.com', path: '/', siteSearch: null, props: [], revenue: null,
    visit: visitAttributes({
      channel: 'Direct', country: 'US', browser: 'Firefox', browserVersion: '140', os: 'Windows', osVersion: '11',
      device: 'Desktop',
    }),
  };
  const results = await d1.batch(recordEventStatements(event).map((s) => d1.prepare(s.sql).bind(...(s.params as SqlValue[]))));
  return results.reduce((n, r) => n + (r.meta.rows_written ?? 0), 0);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function benchDataset(events: number): Promise<string> {
  const data = await openDataset(events);
  // The Node store is the raw path's reference: no pair rollups (a database generated since migration 0023 has them).
  data.db.raw.exec('DELETE FROM rollup_pair_visits; DELETE FROM rollup_pair_events; DELETE FROM rollup_pair_state;');
  const worker = await startWorker();
  try {
    const notes = [...data.notes, await load(data, worker.db), await rollUp(worker), ...(await pairRollupsOnD1(worker, data.site.timezone))];
    const visits = (data.db.raw.prepare('SELECT count(*) AS n FROM visits').get() as { n: number }).n;
    const columns: Array<[string, ViewRows]> = [];
    for (const [label, range, filter] of CONFIGS) {
      console.log(`   ${thousands(events)} events, ${label}`);
      columns.push([label, await viewRowsRead(data, worker.db, range, filter)]);
    }
    // Before pair rollups: without their state row the planner reads the filtered views raw.
    const pairState = await worker.db.prepare('SELECT * FROM rollup_pair_state').first<Record<string, SqlValue>>();
    await worker.db.exec('DELETE FROM rollup_pair_state');
    for (const [label, range, filter] of CONFIGS.filter(([, , f]) => f)) {
      console.log(`   ${thousands(events)} events, ${label}, without pair rollups`);
      columns.push([`${label}, without pair rollups (before)`, await viewRowsRead(data, worker.db, range, filter)]);
    }
    const keys = Object.keys(pairState!);
    await worker.db.prepare(`INSERT INTO rollup_pair_state (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`).bind(...keys.map((k) => pairState![k]!)).run();
    // Before Top Pages' rollup rows (migration 0024): without their first day recorded the planner reads Top Pages raw.
    const pagesFrom = (await worker.db.prepare('SELECT pageview_pages_from AS f FROM rollup_state').first<{ f: string }>())!.f;
    await worker.db.exec('UPDATE rollup_state SET pageview_pages_from = NULL');
    for (const [label, range, filter] of CONFIGS.filter(([, , f]) => !f)) {
      console.log(`   ${thousands(events)} events, ${label}, without Top Pages rows`);
      columns.push([`${label}, without Top Pages rows (before)`, await viewRowsRead(data, worker.db, range, filter)]);
    }
    await worker.db.prepare('UPDATE rollup_state SET pageview_pages_from = ?').bind(pagesFrom).run();
    console.log(`   ${thousands(events)} events, funnel`);
    const funnelRows = await funnelRowsRead(data, worker.db);
    console.log(`   ${thousands(events)} events, goals`);
    const goalRows = await goalRowsRead(data, worker.db);
    notes.push(...(await pairRollupsOnNode(data)));
    await worker.db.exec(`DROP INDEX ${INDEX}`);
    const writtenWithout = await newVisitRowsWritten(worker.db, 1);
    const created = await worker.db.prepare(INDEX_SQL).run();
    const writtenWith = await newVisitRowsWritten(worker.db, 2);
    const names = dashboardView('30d', null).map(([n]) => n);
    return [
      `### ${thousands(events)} events`,
      '',
      ...notes.map((n) => `- ${n}`),
      `- filter: \`${JSON.stringify(FILTER)}\` added to every query of the view`,
      `- a new visit's first pageview writes ${writtenWith} rows with ${INDEX}, ${writtenWithout} without; further events write the same either way (a visit's country and start never change); ` +
        `${thousands(events)} events are ${thousands(visits)} visits, so the index adds ${(visits / events).toFixed(2)} rows written per event`,
      `- creating ${INDEX} on these stored visits (migration 0006 on an existing database) writes ${thousands(created.meta.rows_written ?? 0)} rows, once`,
      '',
      `| query | ${columns.map(([l]) => l).join(' | ')} |`,
      `|---|${columns.map(() => '---:').join('|')}|`,
      `| **whole view (${names.length} queries)** | ${columns.map(([, c]) => `**${thousands(sum(c.perQuery))}**`).join(' | ')} |`,
      `| **local D1 time, whole view (ms)** | ${columns.map(([, c]) => `**${thousands(c.ms)}**`).join(' | ')} |`,
      ...names.map((n, i) => `| ${n} | ${columns.map(([, c]) => thousands(c.perQuery[i]!)).join(' | ')} |`),
      '',
      'The 4-step funnel of "Funnel" (`POST /api/v1/sites/:domain/funnels/:id/query`, one statement over raw events; with the index above):',
      '',
      '| funnel query | rows read |',
      '|---|---:|',
      ...funnelRows.map(([label, n]) => `| ${label} | ${thousands(n)} |`),
      '',
      `Goal queries (the site's ${data.goals.length} goals of "Queries"; with the index above):`,
      '',
      '| goal query | 30 days | 12 months |',
      '|---|---:|---:|',
      ...goalRows.map(([label, month, year]) => `| ${label} | ${thousands(month)} | ${thousands(year)} |`),
    ].join('\n');
  } finally {
    await worker.close();
    data.columns.close();
    data.db.close();
  }
}

/** Markdown for docs/benchmarks.md: one table per dataset size. */
export async function runD1RowsBench(): Promise<string> {
  const sizes = (process.env.TELLER_BENCH_D1_EVENTS ?? '100000,1000000').split(',').map(Number);
  const description =
    'D1 rows read (what Cloudflare bills) by the Stats API queries of one dashboard view, the same 15 queries as in "Queries", ' +
      'run through the Workers D1 adapter (`d1Db` with a meter) against a local D1 in workerd via Miniflare, which meters as D1 does. ' +
      'Data: the query benchmark\'s generated traffic, copied into D1; rollups and pair rollups (migration 0023) built by the Worker\'s cron handler. ' +
      'The "without pair rollups (before)" columns are the same views with the pair rollups\' state removed, so the planner reads raw rows as it did before them (the same rows read as main\'s code); ' +
      'the "without Top Pages rows (before)" columns the unfiltered views with the first day of Top Pages\' rollup rows (migration 0024) removed, so Top Pages reads raw rows as it did before them. ' +
      'The local D1 time is the faster of two runs of the whole view, its queries one after another, on a machine shared with other work. ' +
      'Every answer is checked against the Node store. Counted: the query engine\'s statements only; a request\'s token or session and ' +
      'site lookups add a few rows more. Rows read do not depend on the machine, so these figures are exact and repeatable; the times in the notes (generation, load, rollups) do, and were taken on a machine shared with other work. ' +
      'Sizes: `TELLER_BENCH_D1_EVENTS=100000,1000000` (the default).';
  return datasetSections(description, sizes, benchDataset);
}
