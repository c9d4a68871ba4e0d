/**
 * Ingest throughput: the full collector (parse, bot filter, geo, hash, UA, referrer,
 * group-commit writes to SQLite with synchronous=FULL) against a bare Hono handler that
 * only reads and JSON-parses the same bodies, both driven by wrk on 127.0.0.1 in the
 * same run. wrk, not a Node load generator: on 2 cores a Node client tops out first.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const DURATION_S = Number(process.env.BENCH_INGEST_SECONDS ?? 8);
const ROUNDS = 5;
const CONNECTIONS = 64;
/** Also measured, one alternating round each: Teller's writes wait for group commits, so it needs concurrency to keep both threads busy. */
const SWEEP_CONNECTIONS = [16, 32, 128];
const SWEEP_SECONDS = 5;

/** Hundreds of distinct, realistic user agents: real templates times real version ranges. */
export function benchUserAgents(): string[] {
  const uas: string[] = [];
  for (let v = 100; v <= 131; v++) {
    uas.push(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`);
    uas.push(`Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`);
    uas.push(`Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`);
    uas.push(`Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`);
    uas.push(`Mozilla/5.0 (X11; Linux x86_64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`);
    uas.push(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.0.0`);
    uas.push(`Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${v - 87}.0 Chrome/${v}.0.0.0 Mobile Safari/537.36`);
  }
  for (const ios of ['15_8', '16_6', '17_0', '17_1', '17_2', '17_3', '17_4', '17_5', '17_6', '18_0', '18_1', '18_2']) {
    const version = ios.replace('_', '.');
    uas.push(`Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${version} Mobile/15E148 Safari/604.1`);
    uas.push(`Mozilla/5.0 (iPad; CPU OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${version} Mobile/15E148 Safari/604.1`);
    uas.push(`Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${version} Safari/605.1.15`);
  }
  return uas;
}

const REFERRERS = [
  null, null, null, 'https://www.google.com/', 'https://www.google.no/', 'https://www.bing.com/search?q=ullsokker+dame',
  'https://duckduckgo.com/', 'https://l.facebook.com/', 'https://t.co/abc', 'https://news.ycombinator.com/item?id=1',
  'https://chatgpt.com/', 'https://www.ecosia.org/search?q=teller', 'https://blog.example.org/post/42', 'https://search.yahoo.com/search?p=ull',
];

export interface BenchRequest {
  body: string;
  userAgent: string;
  ip: string;
}

/** Distinct visitors, pages, agents and referrers, one custom event with props in ten. */
export function benchRequests(count: number): BenchRequest[] {
  const uas = benchUserAgents();
  return Array.from({ length: count }, (_, i) => ({
    body: JSON.stringify({
      n: i % 10 === 9 ? 'Signup' : 'pageview',
      u: `https://bench.example/page/${(i * 17) % 300}${i % 7 === 0 ? '?utm_source=newsletter&utm_medium=email' : ''}`,
      d: 'bench.example',
      r: REFERRERS[i % REFERRERS.length],
      w: [390, 768, 1280, 1440, 1920][i % 5],
      ...(i % 10 === 9 ? { p: { plan: ['free', 'pro'][i % 2] } } : {}),
    }),
    userAgent: uas[i % uas.length]!,
    ip: `${[84, 81, 193, 46, 2][i % 5]}.${(i * 7) % 250}.${(i * 13) % 250}.${(i * 31) % 250}`,
  }));
}

/** A wrk Lua script that cycles through the benchmark's pre-built requests. */
export function wrkScript(count: number): string {
  const lines: string[] = ['local reqs = {}'];
  benchRequests(count).forEach(({ body, userAgent, ip }, i) => {
    const headers = `{["Host"]="127.0.0.1", ["Content-Type"]="text/plain", ["User-Agent"]=${JSON.stringify(userAgent)}, ["X-Forwarded-For"]="${ip}"}`;
    lines.push(`reqs[${i + 1}] = wrk.format("POST", "/api/event", ${headers}, ${JSON.stringify(body)})`);
  });
  lines.push('local i = 0', 'request = function()', '  i = i % #reqs + 1', '  return reqs[i]', 'end');
  lines.push('done = function(summary, latency, requests)');
  lines.push('  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, latency:percentile(99)))');
  lines.push('end');
  return lines.join('\n');
}

function ensureWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
    if (process.getuid?.() === 0) {
      console.log('wrk is missing; installing it from Debian packages');
      execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq wrk'], { stdio: 'inherit' });
    } else {
      throw new Error('the ingest benchmark needs wrk: sudo apt-get install -y wrk');
    }
  }
}

async function startProcess(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ingest-server.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, port };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

interface Run {
  rps: number;
  requests: number;
  non2xx: number;
  socketErrors: number;
  p99ms: number;
  rssIdleMb: number;
  rssLoadMb: number;
}

function runWrk(port: number, script: string, seconds: number, connections = CONNECTIONS): Omit<Run, 'rssIdleMb' | 'rssLoadMb'> {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, `http://127.0.0.1:${port}/api/event`], { encoding: 'utf8' });
  const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out);
  if (!m) throw new Error(`unexpected wrk output:\n${out}`);
  const [requests, durationUs, non2xx, socketErrors, p99us] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { rps: Math.round(requests / (durationUs / 1e6)), requests, non2xx, socketErrors, p99ms: Math.round(p99us / 100) / 10 };
}

interface Server {
  child: ChildProcess;
  port: number;
  rssIdleMb: number;
}

async function startServerProcess(args: string[]): Promise<Server> {
  const { child, port } = await startProcess(args);
  return { child, port, rssIdleMb: rssMb(child.pid!) };
}

async function stopServerProcess(server: Server): Promise<void> {
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.once('exit', resolve));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs the ingest benchmark; returns markdown for docs/benchmarks.md. */
export async function runIngestBench(): Promise<string> {
  ensureWrk();
  const dir = mkdtempSync(join(tmpdir(), 'teller-bench-'));
  try {
    const script = join(dir, 'events.lua');
    writeFileSync(script, wrkScript(4000));
    const dbPath = join(dir, 'teller.db');
    // Both servers run side by side and are measured in alternating rounds, so a noisy
    // neighbour on this shared machine weighs on both alike; the median round is reported.
    const bareServer = await startServerProcess(['bare']);
    const tellerServer = await startServerProcess(['teller', dbPath]);
    const bareRuns: Array<ReturnType<typeof runWrk>> = [];
    const tellerRuns: Array<ReturnType<typeof runWrk>> = [];
    let bareRss = NaN;
    let tellerRss = NaN;
    const sweep: Array<{ connections: number; bareRps: number; tellerRps: number }> = [];
    try {
      runWrk(bareServer.port, script, 2);
      runWrk(tellerServer.port, script, 2);
      for (let round = 0; round < ROUNDS; round++) {
        bareRuns.push(runWrk(bareServer.port, script, DURATION_S));
        tellerRuns.push(runWrk(tellerServer.port, script, DURATION_S));
      }
      bareRss = rssMb(bareServer.child.pid!);
      tellerRss = rssMb(tellerServer.child.pid!);
      for (const connections of SWEEP_CONNECTIONS) {
        const bareRps = runWrk(bareServer.port, script, SWEEP_SECONDS, connections).rps;
        const tellerRps = runWrk(tellerServer.port, script, SWEEP_SECONDS, connections).rps;
        sweep.push({ connections, bareRps, tellerRps });
      }
    } finally {
      await stopServerProcess(bareServer);
      await stopServerProcess(tellerServer);
    }
    const summary = (runs: Array<ReturnType<typeof runWrk>>, server: Server, rssLoadMb: number): Run => ({
      rps: median(runs.map((r) => r.rps)),
      requests: runs.reduce((a, r) => a + r.requests, 0),
      non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
      socketErrors: runs.reduce((a, r) => a + r.socketErrors, 0),
      p99ms: median(runs.map((r) => r.p99ms)),
      rssIdleMb: server.rssIdleMb,
      rssLoadMb,
    });
    const bare = summary(bareRuns, bareServer, bareRss);
    const teller = summary(tellerRuns, tellerServer, tellerRss);
    const roundRatios = tellerRuns.map((t, i) => (t.rps / bareRuns[i]!.rps).toFixed(2));
    const db = new Database(dbPath, { readonly: true });
    const stored = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    const visits = (db.prepare('SELECT count(*) AS n FROM visits').get() as { n: number }).n;
    db.close();
    const ratio = teller.rps / bare.rps;
    const rows = [
      `| Server | events/s | p99 latency | non-2xx | socket errors | RSS idle | RSS under load |`,
      `|---|---:|---:|---:|---:|---:|---:|`,
      `| bare Hono: read + JSON.parse | ${bare.rps} | ${bare.p99ms} ms | ${bare.non2xx} | ${bare.socketErrors} | ${bare.rssIdleMb} MB | ${bare.rssLoadMb} MB |`,
      `| Teller collector, full pipeline | ${teller.rps} | ${teller.p99ms} ms | ${teller.non2xx} | ${teller.socketErrors} | ${teller.rssIdleMb} MB | ${teller.rssLoadMb} MB |`,
      '',
      `**Ratio: ${ratio.toFixed(2)}** (median rounds; each round's ratio: ${roundRatios.join(', ')}; target ≥ 0.5, aiming at 0.7). ${stored} events in ${visits} visits were committed in the measured and warm-up runs.`,
      `wrk -t1 -c${CONNECTIONS}, ${ROUNDS} alternating rounds of ${DURATION_S} s after a 2 s warm-up of each server, 4,000 distinct requests cycled (${benchUserAgents().length} user agents, thousands of visitor IPs, 300 pages, 14 referrers, one custom event with props in ten).`,
      '',
      `Other connection counts, one alternating round of ${SWEEP_SECONDS} s each (the HTTP thread waits for group commits, so fewer connections leave it idle):`,
      '',
      '| wrk connections | bare events/s | Teller events/s | ratio |',
      '|---:|---:|---:|---:|',
      ...sweep.map((r) => `| ${r.connections} | ${r.bareRps} | ${r.tellerRps} | ${(r.tellerRps / r.bareRps).toFixed(2)} |`),
    ];
    console.log(rows.join('\n'));
    return rows.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
