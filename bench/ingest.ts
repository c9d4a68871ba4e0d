/**
 * Ingest throughput: the full collector (parse, bot filter, geo, hash, UA, referrer,
 * group-commit writes to SQLite with synchronous=FULL) against a bare Hono handler that
 * only reads and JSON-parses the same bodies, both driven by wrk on 127.0.0.1 in the
 * same run, for each traffic mix (bench/traffic.ts). wrk, not a Node load generator: on
 * 2 cores a Node client tops out first.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type ThreadCpu, cpuSince, threadCpu, threadNames } from './thread-cpu.ts';
import { type TrafficMix, TRAFFIC_MIXES, cycledWrkScript, describeMix, realisticWrkScript } from './traffic.ts';

/** The cycled mix's requests, for bench/ingest-under-queries.ts. */
export { benchRequests } from './traffic.ts';

const DURATION_S = Number(process.env.BENCH_INGEST_SECONDS ?? 8);
const ROUNDS = 5;
const CONNECTIONS = 64;
/** Also measured, one alternating round each: Teller's writes wait for group commits, so it needs concurrency to keep both threads busy. */
const SWEEP_CONNECTIONS = [16, 32, 128];
const SWEEP_SECONDS = 5;
/** BENCH_INGEST_MIX=realistic (or cycled) measures that mix alone. */
const MIXES = TRAFFIC_MIXES.filter((m) => (process.env.BENCH_INGEST_MIX ?? m) === m);
/** New visitors numbered per wrk run, so no run meets an earlier run's visitors (see realisticWrkScript). */
const VISITORS_PER_RUN = 4_000_000;

export function ensureWrk(): void {
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

/** Node's flags for Teller's server, as `npm start` gives them (package.json). */
export const TELLER_NODE_FLAGS = ['--max-semi-space-size=4'];

/**
 * Runs a bench server script (`bench/ingest-server.ts` unless told) with bench/thread-probe.mjs
 * in each thread, and waits for the port it prints; `threads` names its threads by id.
 */
export async function startProcess(args: string[], script = 'bench/ingest-server.ts', env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; port: number; threads: Map<string, string> }> {
  const flags = args[0] === 'teller' ? TELLER_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', '--import', './bench/thread-probe.mjs', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const threads = threadNames();
  const port = await new Promise<number>((resolve, reject) => {
    let pending = '';
    child.stdout!.on('data', (c: Buffer) => {
      const lines = (pending + c.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        threads.take(line);
        const m = /^port (\d+)$/.exec(line);
        if (m) resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, port, threads: threads.names };
}

function statusKb(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Resident memory now, in MB. */
export function rssMb(pid: number): number {
  return Math.round(statusKb(pid, 'VmRSS') / 1024);
}

/** The most resident memory the process has had, in MB. */
export function peakRssMb(pid: number): number {
  return Math.round(statusKb(pid, 'VmHWM') / 1024);
}

interface WrkResult {
  rps: number;
  requests: number;
  non2xx: number;
  socketErrors: number;
  p99ms: number;
  /** 202 and 503 answers, when the script counts them. */
  accepted: number;
  unavailable: number;
}

export function wrkArgs(port: number, script: string, seconds: number, connections: number, extra: string[] = []): string[] {
  return ['-t1', `-c${connections}`, `-d${seconds}s`, ...extra, '-s', script, `http://127.0.0.1:${port}/api/event`];
}

export function parseWrk(out: string): WrkResult {
  const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out);
  if (!m) throw new Error(`unexpected wrk output:\n${out}`);
  const [requests, durationUs, non2xx, socketErrors, p99us, accepted, unavailable] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return { rps: Math.round(requests / (durationUs / 1e6)), requests, non2xx, socketErrors, p99ms: Math.round(p99us / 100) / 10, accepted, unavailable };
}

/** Writes the wrk script of a mix; the realistic mix's numbers its new visitors from `run`'s block. */
export function writeWrkScript(dir: string, mix: TrafficMix, run: number, options: { pipeline?: number; countStatuses?: boolean } = {}): string {
  const path = join(dir, `${mix}-${run}.lua`);
  writeFileSync(path, mix === 'cycled' ? cycledWrkScript() : realisticWrkScript({ firstVisitor: run * VISITORS_PER_RUN, ...options }));
  return path;
}

interface Server {
  child: ChildProcess;
  port: number;
  rssIdleMb: number;
  threads: Map<string, string>;
}

export async function startServerProcess(args: string[]): Promise<Server> {
  const { child, port, threads } = await startProcess(args);
  // wrk runs synchronously from here on, so every thread must have said who it is before.
  const expected = args[0] === 'teller' ? ['http', 'ingest'] : ['http'];
  while (!expected.every((name) => [...threads.values()].includes(name))) await new Promise((resolve) => setTimeout(resolve, 50));
  return { child, port, rssIdleMb: rssMb(child.pid!), threads };
}

export async function stopServerProcess(server: Pick<Server, 'child'>): Promise<void> {
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.once('exit', resolve));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Summary {
  rps: number;
  non2xx: number;
  socketErrors: number;
  p99ms: number;
  rssIdleMb: number;
  rssLoadMb: number;
}

interface MixResult {
  mix: TrafficMix;
  bare: Summary;
  teller: Summary;
  roundRatios: string[];
  /** CPU per event answered 202 in each measured round, per thread (µs). */
  bareCpu: ThreadCpu[];
  tellerCpu: ThreadCpu[];
  stored: number;
  visits: number;
  sweep: Array<{ connections: number; bareRps: number; tellerRps: number }>;
}

function summarize(runs: WrkResult[], server: Server, rssLoadMb: number): Summary {
  return {
    rps: median(runs.map((r) => r.rps)),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    socketErrors: runs.reduce((a, r) => a + r.socketErrors, 0),
    p99ms: median(runs.map((r) => r.p99ms)),
    rssIdleMb: server.rssIdleMb,
    rssLoadMb,
  };
}

/** One mix: a fresh Teller database, measured against the bare handler in alternating rounds. */
async function measureMix(dir: string, mix: TrafficMix, bareServer: Server): Promise<MixResult> {
  const dbPath = join(dir, `${mix}.db`);
  const tellerServer = await startServerProcess(['teller', dbPath]);
  let run = 0;
  const wrk = (server: Server, seconds: number, connections = CONNECTIONS) =>
    parseWrk(execFileSync('wrk', wrkArgs(server.port, writeWrkScript(dir, mix, run++), seconds, connections), { encoding: 'utf8' }));
  const bareCpu: ThreadCpu[] = [];
  const tellerCpu: ThreadCpu[] = [];
  /** A measured round: wrk's figures, and the server's CPU per event answered 202 by thread. */
  const measured = (server: Server, cpu: ThreadCpu[]) => {
    const before = threadCpu(server.child.pid!, server.threads);
    const result = wrk(server, DURATION_S);
    const used = cpuSince(before, threadCpu(server.child.pid!, server.threads));
    const events = result.requests - result.non2xx;
    cpu.push(new Map([...used].map(([name, us]) => [name, us / events])));
    return result;
  };
  const bareRuns: WrkResult[] = [];
  const tellerRuns: WrkResult[] = [];
  const sweep: MixResult['sweep'] = [];
  let bareRss = NaN;
  let tellerRss = NaN;
  try {
    wrk(bareServer, 2);
    wrk(tellerServer, 2);
    // Both servers are measured in alternating rounds, so a noisy neighbour on this shared
    // machine weighs on both alike; the median round is reported.
    for (let round = 0; round < ROUNDS; round++) {
      bareRuns.push(measured(bareServer, bareCpu));
      tellerRuns.push(measured(tellerServer, tellerCpu));
    }
    bareRss = rssMb(bareServer.child.pid!);
    tellerRss = rssMb(tellerServer.child.pid!);
    for (const connections of SWEEP_CONNECTIONS) {
      const bareRps = wrk(bareServer, SWEEP_SECONDS, connections).rps;
      const tellerRps = wrk(tellerServer, SWEEP_SECONDS, connections).rps;
      sweep.push({ connections, bareRps, tellerRps });
    }
  } finally {
    await stopServerProcess(tellerServer);
  }
  const db = new Database(dbPath, { readonly: true });
  const stored = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const visits = (db.prepare('SELECT count(*) AS n FROM visits').get() as { n: number }).n;
  db.close();
  return {
    mix,
    bare: summarize(bareRuns, bareServer, bareRss),
    teller: summarize(tellerRuns, tellerServer, tellerRss),
    roundRatios: tellerRuns.map((t, i) => (t.rps / bareRuns[i]!.rps).toFixed(2)),
    bareCpu,
    tellerCpu,
    stored,
    visits,
    sweep,
  };
}

function report(results: MixResult[]): string {
  const row = (mix: TrafficMix, name: string, s: Summary) =>
    `| ${mix} | ${name} | ${s.rps} | ${s.p99ms} ms | ${s.non2xx} | ${s.socketErrors} | ${s.rssIdleMb} MB | ${s.rssLoadMb} MB |`;
  const ratio = (r: MixResult) => (r.teller.rps / r.bare.rps).toFixed(2);
  return [
    '| Mix | Server | events/s | p99 latency | non-2xx | socket errors | RSS idle | RSS under load |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...results.flatMap((r) => [row(r.mix, 'bare Hono: read + JSON.parse', r.bare), row(r.mix, 'Teller collector, full pipeline', r.teller)]),
    '',
    ...results.map((r) => `- **Ratio, ${r.mix} mix: ${ratio(r)}** (median rounds; each round's ratio: ${r.roundRatios.join(', ')}). ${r.stored} events in ${r.visits} visits were committed in its measured, warm-up and sweep runs.`),
    '',
    `Target ≥ 0.5 for both mixes. wrk -t1 -c${CONNECTIONS}, ${ROUNDS} alternating rounds of ${DURATION_S} s per mix after a 2 s warm-up of each server; a fresh Teller database per mix. Both mixes: 300 pages, 14 referrers (UTM tags on one landing in seven), one custom event with props in ten.`,
    '',
    ...TRAFFIC_MIXES.map((m) => `- ${m}: ${describeMix(m)}.`),
    '',
    `Other connection counts, one alternating round of ${SWEEP_SECONDS} s each (the HTTP thread waits for group commits, so fewer connections leave it idle):`,
    '',
    `| wrk connections | ${results.map((r) => `${r.mix}: bare / Teller events/s | ratio`).join(' | ')} |`,
    `|---:|${results.map(() => '---:|---:').join('|')}|`,
    ...SWEEP_CONNECTIONS.map((c, i) => `| ${c} | ${results.map((r) => `${r.sweep[i]!.bareRps} / ${r.sweep[i]!.tellerRps} | ${(r.sweep[i]!.tellerRps / r.sweep[i]!.bareRps).toFixed(2)}`).join(' | ')} |`),
    '',
    cpuReport(results),
  ].join('\n');
}

/** The median round's CPU per event of one thread (or `process`, all of them). */
const cpuOf = (rounds: ThreadCpu[], thread: string) => median(rounds.map((r) => r.get(thread) ?? 0));

function cpuReport(results: MixResult[]): string {
  const us = (n: number) => `${n.toFixed(0)} µs`;
  return [
    `CPU per event answered 202 (median of the ${ROUNDS} measured rounds; per thread from /proc/<pid>/task, named by bench/thread-probe.mjs; \`other\` is V8's helper threads and libuv's pool; the whole process also counts the reader thread, idle here):`,
    '',
    '| Mix | bare (whole process) | Teller HTTP thread | ingest thread | other | Teller, whole process | Teller / bare |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => {
      const bare = cpuOf(r.bareCpu, 'process');
      const teller = cpuOf(r.tellerCpu, 'process');
      return `| ${r.mix} | ${us(bare)} | ${us(cpuOf(r.tellerCpu, 'http'))} | ${us(cpuOf(r.tellerCpu, 'ingest'))} | ${us(cpuOf(r.tellerCpu, 'other'))} | **${us(teller)}** | ${(teller / bare).toFixed(1)} |`;
    }),
    '',
    `Each round's Teller whole-process CPU per event: ${results.map((r) => `${r.mix} ${r.tellerCpu.map((c) => (c.get('process') ?? 0).toFixed(0)).join(', ')} µs`).join('; ')}. Target ≤ 80 µs for the realistic mix.`,
  ].join('\n');
}

/** Runs the ingest benchmark for every traffic mix; returns markdown for docs/benchmarks.md. */
export async function runIngestBench(): Promise<string> {
  ensureWrk();
  const dir = mkdtempSync(join(tmpdir(), 'teller-bench-'));
  try {
    const bareServer = await startServerProcess(['bare']);
    const results: MixResult[] = [];
    try {
      for (const mix of MIXES) results.push(await measureMix(dir, mix, bareServer));
    } finally {
      await stopServerProcess(bareServer);
    }
    const text = report(results);
    console.log(text);
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
