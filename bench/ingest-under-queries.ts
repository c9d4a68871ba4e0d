/**
 * Ingest latency while Stats API queries run: wrk sends events to a Teller server holding
 * the query benchmark's 1 M-event database, while this process asks the server's Stats API
 * for a filtered 12-month view in a loop, one query after another, so its reader thread is
 * never idle. Rounds without queries alternate with rounds with them; the median round of
 * each is reported. The database is the query benchmark's (bench/.cache/, built on first use).
 *
 * The server runs in a child process (this file, run directly with `serve <db>`) whose
 * clock starts at the dataset's instant, so "12 months" covers the generated traffic.
 * @module
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ensureWrk, median, startProcess } from './ingest.ts';
import { columnarPath } from '../server/node/columnar/options.ts';
import { serveDataset } from './dataset-server.ts';
import { DOMAIN, openDataset } from './query.ts';
import { benchRequests } from './traffic.ts';

const DURATION_S = Number(process.env.BENCH_INGEST_SECONDS ?? 8);
const ROUNDS = 3;
/** Fewer than the throughput benchmark's 64: latency here, not the most events a second. */
const CONNECTIONS = 16;
const FILTER = ['is', 'visit:country', ['US']];

/** The heaviest queries of the dashboard's view, filtered, over 12 months (the view in bench/query.ts). */
function filteredYearView(): Record<string, unknown>[] {
  const top = (dimension: string, metrics: string[]) => ({ metrics, dimensions: [dimension], pagination: { limit: 10 } });
  return [
    { metrics: ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'], include: { compare: 'previous_period' } },
    { metrics: ['visitors', 'pageviews'], dimensions: ['time'], include: { time_labels: true } },
    top('visit:source', ['visitors']),
    top('event:page', ['visitors', 'pageviews']),
    top('visit:entry_page', ['visitors', 'visits']),
    top('visit:browser', ['visitors', 'percentage']),
    top('visit:device', ['visitors', 'percentage']),
  ].map((body) => ({ site_id: DOMAIN, date_range: '12mo', filters: [FILTER], ...body }));
}

/** A wrk Lua script cycling through the ingest benchmark's requests, reporting p50 and p99. */
function wrkScript(): string {
  const lines = ['local reqs = {}'];
  benchRequests(4000).forEach(({ body, userAgent, ip }, i) => {
    const headers = `{["Host"]="127.0.0.1", ["Content-Type"]="text/plain", ["User-Agent"]=${JSON.stringify(userAgent)}, ["X-Forwarded-For"]="${ip}"}`;
    lines.push(`reqs[${i + 1}] = wrk.format("POST", "/api/event", ${headers}, ${JSON.stringify(body)})`);
  });
  lines.push('local i = 0', 'request = function()', '  i = i % #reqs + 1', '  return reqs[i]', 'end');
  lines.push('done = function(summary, latency, requests)');
  lines.push(
    '  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration, summary.errors.status, latency:percentile(50), latency:percentile(99)))',
  );
  lines.push('end');
  return lines.join('\n');
}

interface Round {
  rps: number;
  non2xx: number;
  p50ms: number;
  p99ms: number;
}

/** wrk in the background (execFile, not execFileSync): this process keeps asking queries meanwhile. */
async function runWrk(port: number, script: string, seconds: number): Promise<Round> {
  const { stdout } = await promisify(execFile)('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '-s', script, `http://127.0.0.1:${port}/api/event`]);
  const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(stdout);
  if (!m) throw new Error(`unexpected wrk output:\n${stdout}`);
  const [requests, durationUs, non2xx, p50us, p99us] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { rps: Math.round(requests / (durationUs / 1e6)), non2xx, p50ms: p50us / 1000, p99ms: p99us / 1000 };
}

interface QueryLoop {
  /** Stops after the query in flight; resolves to the durations of the queries answered. */
  stop(): Promise<number[]>;
}

/** Asks the view's queries one after another, over and over, until stopped. */
function startQueryLoop(url: string, token: string): QueryLoop {
  let stopping = false;
  const durations: number[] = [];
  const view = filteredYearView();
  const loop = (async () => {
    for (let i = 0; !stopping; i = (i + 1) % view.length) {
      const t = performance.now();
      const res = await fetch(`${url}/api/v2/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(view[i]),
      });
      if (res.status !== 200) throw new Error(`query answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      durations.push(performance.now() - t);
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      return durations;
    },
  };
}

function startServerProcess(dbPath: string, token: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  return startProcess(['serve', dbPath], fileURLToPath(import.meta.url), { ...process.env, ...env, TELLER_ADMIN_TOKEN: token });
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));

interface Measured {
  quiet: Round[];
  loaded: Round[];
  queryMs: number[];
}

/** Alternating rounds without and with the query loop, against a server started with `env`. */
async function measure(dataset: string, dir: string, token: string, env: Record<string, string>): Promise<Measured> {
  // A copy: the events written here must not change the query benchmark's database.
  const dbPath = join(dir, `teller-${Object.values(env).join('-') || 'default'}.db`);
  copyFileSync(dataset, dbPath);
  // And its columnar copy, which the server would otherwise backfill during the rounds.
  copyFileSync(columnarPath(dataset), columnarPath(dbPath));
  const script = join(dir, 'events.lua');
  writeFileSync(script, wrkScript());
  const server = await startServerProcess(dbPath, token, env);
  const url = `http://127.0.0.1:${server.port}`;
  const measured: Measured = { quiet: [], loaded: [], queryMs: [] };
  try {
    // Warm-up of both: the dataset's pages into the OS cache, the code through the JIT.
    const warm = startQueryLoop(url, token);
    await runWrk(server.port, script, 5);
    await warm.stop();
    for (let round = 0; round < ROUNDS; round++) {
      measured.quiet.push(await runWrk(server.port, script, DURATION_S));
      const loop = startQueryLoop(url, token);
      measured.loaded.push(await runWrk(server.port, script, DURATION_S));
      measured.queryMs.push(...(await loop.stop()));
    }
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
  return measured;
}

/** Runs the benchmark; returns markdown for docs/benchmarks.md. */
export async function runIngestUnderQueriesBench(): Promise<string> {
  // The query benchmark's database, built and cached on first use.
  const dataset = await openDataset(1_000_000);
  const datasetPath = dataset.db.raw.name;
  dataset.columns.close();
  dataset.db.close();
  ensureWrk();
  const dir = mkdtempSync(join(tmpdir(), 'teller-bench-iuq-'));
  const token = `bench-${Math.random().toString(36).slice(2)}-0123456789abcdef0123456789`;
  try {
    const columnar = await measure(datasetPath, dir, token, {});
    const sqlite = await measure(datasetPath, dir, token, { TELLER_COLUMNAR: 'off' });
    const row = (label: string, rounds: Round[], queries: string) =>
      `| ${label} | ${median(rounds.map((r) => r.rps))} | ${fmt(median(rounds.map((r) => r.p50ms)))} ms | ${fmt(median(rounds.map((r) => r.p99ms)))} ms | ${rounds.reduce((a, r) => a + r.non2xx, 0)} | ${queries} |`;
    const queries = (m: Measured) => `${m.queryMs.length} (${fmt(m.queryMs.length === 0 ? NaN : median(m.queryMs))} ms)`;
    const rows = [
      `Events sent by wrk (-t1 -c${CONNECTIONS}, ${ROUNDS} alternating rounds of ${DURATION_S} s, median round) to a server holding the 1 M-event query benchmark database, ` +
        `without and with this process asking the Stats API, one query after another, for ${filteredYearView().length} queries of the dashboard's 12-month view filtered by \`${JSON.stringify(FILTER)}\`. ` +
        'Events run on the HTTP and ingest threads; queries on the reader thread (SQLite) and, for closed days, in the columnar copy\'s process (DuckDB, 2 threads). ' +
        'Each server is measured on its own copy of the database, the default one first, then one with `TELLER_COLUMNAR=off`.',
      '',
      '| Stats API meanwhile | events/s | p50 latency | p99 latency | non-2xx | queries answered (median) |',
      '|---|---:|---:|---:|---:|---:|',
      row('none', columnar.quiet, '–'),
      row('filtered 12-month view in a loop, columnar copy (default)', columnar.loaded, queries(columnar)),
      row('none, `TELLER_COLUMNAR=off`', sqlite.quiet, '–'),
      row('filtered 12-month view in a loop, SQLite alone', sqlite.loaded, queries(sqlite)),
    ];
    console.log(rows.join('\n'));
    return rows.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve' && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await serveDataset(process.argv[3]!, {
    // Thousands of made-up visitors from few address blocks, and a loop of queries: no limits.
    config: { trustProxy: 1, eventRateLimit: 0, queryRateLimit: 0 },
  });
}
