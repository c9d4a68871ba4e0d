/**
 * Fair share of the reader: one credential's light queries (the 30-day KPIs, from rollups
 * and filtered), alone and while another credential keeps 16 heavy 12-month `contains`
 * queries in flight, against a server with turns by credential (as shipped) and without them
 * (every statement to its store as it comes, as before). Also a dashboard view's 15 queries
 * sent at once, alone, for what one query at a time costs a single user. The database is
 * the query benchmark's (bench/.cache/, built on first use); each server runs in a child
 * process (this file, run directly with `serve <db>`), its clock at the dataset's instant.
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findSite } from '../server/core/sites.ts';
import { createToken } from '../server/core/tokens.ts';
import { columnarPath } from '../server/node/columnar/options.ts';
import { openSqlite } from '../server/node/sqlite-db.ts';
import { startProcess } from './ingest.ts';
import { serveDataset } from './dataset-server.ts';
import { DOMAIN, NOW, dashboardView, openDataset } from './query.ts';

const SECONDS = Number(process.env.BENCH_FAIR_SECONDS ?? 15);
/** Heavy queries the flooding credential keeps in flight: half its bound of 32. */
const FLOOD = 16;

type Body = Record<string, unknown>;

/** The light user's queries, asked in turn: the first from rollups, the second from raw data (or the columnar copy) of 30 days. */
const LIGHT: Array<[string, Body]> = [
  ['30-day KPIs with comparison', { site_id: DOMAIN, metrics: ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'], date_range: '30d', include: { compare: 'previous_period' } }],
  ['the same, filtered by country', { site_id: DOMAIN, metrics: ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'], date_range: '30d', filters: [['is', 'visit:country', ['US']]], include: { compare: 'previous_period' } }],
];

/** 12 months of raw data each, taken in turn: about 0.3 s in SQLite, 50 ms in the columnar copy (in process). */
const HEAVY: Body[] = [
  { site_id: DOMAIN, metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate'], date_range: '12mo', filters: [['contains', 'event:page', ['pricing']]], include: { compare: 'previous_period' } },
  { site_id: DOMAIN, metrics: ['visitors', 'pageviews'], date_range: '12mo', dimensions: ['visit:source'], filters: [['contains', 'visit:referrer', ['o']]] },
];

async function ask(url: string, token: string, body: Body): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${url}/api/v2/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`query answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  return performance.now() - t;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));

interface Measured {
  /** Per light query, its durations alone and during the flood. */
  aloneMs: number[][];
  floodedMs: number[][];
  viewMs: number[];
  heavyAnswered: number;
  floodSeconds: number;
}

/** Keeps FLOOD heavy queries of `token` in flight until stopped; resolves to how many were answered. */
function flood(url: string, token: string): { stop(): Promise<number> } {
  let stopping = false;
  let answered = 0;
  let next = 0;
  const worker = async () => {
    while (!stopping) {
      await ask(url, token, HEAVY[next++ % HEAVY.length]!);
      answered++;
    }
  };
  const workers = Array.from({ length: FLOOD }, worker);
  return {
    async stop() {
      stopping = true;
      await Promise.all(workers);
      return answered;
    },
  };
}

/** The light queries in turn, one after another, `times` times each or until `untilMs`. */
async function askLight(url: string, token: string, into: number[][], times: number, untilMs = Infinity): Promise<void> {
  for (let i = 0; i < times * LIGHT.length && performance.now() < untilMs; i++) into[i % LIGHT.length]!.push(await ask(url, token, LIGHT[i % LIGHT.length]![1]));
}

async function measure(url: string, tokens: { light: string; heavy: string }): Promise<Measured> {
  const view = dashboardView('30d', null).map(([, body]) => body);
  // Warm-up: the file's pages into the OS cache, the code through the JIT.
  for (const body of [...HEAVY, ...HEAVY]) await ask(url, tokens.heavy, body);
  for (let i = 0; i < 3; i++) await Promise.all(view.map((body) => ask(url, tokens.light, body)));
  await askLight(url, tokens.light, LIGHT.map(() => []), 5);
  const aloneMs = LIGHT.map((): number[] => []);
  await askLight(url, tokens.light, aloneMs, 30);
  const viewMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await Promise.all(view.map((body) => ask(url, tokens.light, body)));
    viewMs.push(performance.now() - t);
  }
  const flooding = flood(url, tokens.heavy);
  const started = performance.now();
  const floodedMs = LIGHT.map((): number[] => []);
  await askLight(url, tokens.light, floodedMs, Infinity, started + SECONDS * 1000);
  const heavyAnswered = await flooding.stop();
  return { aloneMs, floodedMs, viewMs, heavyAnswered, floodSeconds: (performance.now() - started) / 1000 };
}

function startServerProcess(dbPath: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  return startProcess(['serve', dbPath], fileURLToPath(import.meta.url), { ...process.env, ...env });
}

/** Runs the benchmark; returns markdown for docs/benchmarks.md. */
export async function runFairShareBench(): Promise<string> {
  const dataset = await openDataset(1_000_000);
  const datasetPath = dataset.db.raw.name;
  dataset.columns.close();
  dataset.db.close();
  const dir = mkdtempSync(join(tmpdir(), 'teller-bench-fair-'));
  try {
    // A copy, with two site tokens: the light user's and the flooding one's.
    const dbPath = join(dir, 'teller.db');
    copyFileSync(datasetPath, dbPath);
    copyFileSync(columnarPath(datasetPath), columnarPath(dbPath));
    const db = openSqlite(dbPath);
    const site = (await findSite(db, DOMAIN))!;
    const tokens = { light: await createToken(db, { siteId: site.id }, NOW), heavy: await createToken(db, { siteId: site.id }, NOW) };
    db.close();

    const servers: Array<[string, Record<string, string>]> = [
      ['SQLite alone (`TELLER_COLUMNAR=off`), as they come', { TELLER_COLUMNAR: 'off', BENCH_TURNS: 'off' }],
      ['SQLite alone (`TELLER_COLUMNAR=off`), in turns', { TELLER_COLUMNAR: 'off', BENCH_TURNS: 'on' }],
      ['columnar copy (default), as they come', { BENCH_TURNS: 'off' }],
      ['columnar copy (default), in turns', { BENCH_TURNS: 'on' }],
    ];
    const rows: string[] = [];
    const serverRows: string[] = [];
    for (const [label, env] of servers) {
      console.log(`   ${label}`);
      const server = await startServerProcess(dbPath, env);
      try {
        const m = await measure(`http://127.0.0.1:${server.port}`, tokens);
        LIGHT.forEach(([name], i) => {
          const alone = m.aloneMs[i]!;
          const flooded = m.floodedMs[i]!;
          rows.push(
            `| ${label} | ${name} | ${ms(percentile(alone, 50))} / ${ms(percentile(alone, 95))} | ` +
              `**${ms(percentile(flooded, 50))}** / ${ms(percentile(flooded, 95))} / ${ms(Math.max(...flooded))} | ${flooded.length} |`,
          );
        });
        serverRows.push(`| ${label} | ${ms(percentile(m.viewMs, 50))} / ${ms(percentile(m.viewMs, 95))} | ${(m.heavyAnswered / m.floodSeconds).toFixed(1)} |`);
        console.log([...rows.slice(-LIGHT.length), serverRows.at(-1)].join('\n'));
      } finally {
        server.child.kill('SIGTERM');
        await new Promise((resolve) => server.child.once('exit', resolve));
      }
    }
    return [
      'Two site tokens against a server holding the 1 M-event query benchmark database. The light user asks its two queries in turn, one after another; ' +
        `the flood: another token keeps ${FLOOD} heavy queries in flight for ${SECONDS} s (12 months of raw data with a \`contains\` filter, two kinds in turn: ` +
        `\`${JSON.stringify(HEAVY[0]!.filters)}\` on the KPIs with comparison, \`${JSON.stringify(HEAVY[1]!.filters)}\` by source). ` +
        '"In turns": the reader thread and the columnar copy each read one query\'s statements at a time, credentials in turn (as shipped); ' +
        '"as they come": every statement goes to its store at once and is answered in the order asked (as before; `queryTurns: false`). ' +
        'Each server runs on the same copy of the database, in a process of its own.',
      '',
      '| server, reads | light query | alone p50 / p95 (ms) | during the flood p50 / p95 / max (ms) | answered during the flood |',
      '|---|---|---:|---:|---:|',
      ...rows,
      '',
      'What turns cost when nobody floods: a dashboard view\'s 15 queries (30 days) sent at once by one token, until the last is answered (10 views); and the heavy queries answered during the flood.',
      '',
      '| server, reads | dashboard view alone p50 / p95 (ms) | heavy queries answered a second during the flood |',
      '|---|---:|---:|',
      ...serverRows,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve' && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await serveDataset(process.argv[3]!, { config: { queryRateLimit: 0 }, queryTurns: process.env.BENCH_TURNS !== 'off' });
}
