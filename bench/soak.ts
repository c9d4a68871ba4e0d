/**
 * A bounded soak: 60 s of overload on 127.0.0.1 with the realistic mix, more requests at once
 * than Teller lets wait (wrk pipelines requests on each connection), so it must answer 503
 * past its bound while it keeps storing. Reports the server's resident memory at the start,
 * every 10 s, at its peak and at the end, each thread's V8 heap at its peak, the share of
 * 503s, and checks that every event answered 202 is in the database.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TELLER_NODE_FLAGS, ensureWrk, parseWrk, peakRssMb, rssMb, stopServerProcess, wrkArgs, writeWrkScript } from './ingest.ts';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
/** BENCH_SOAK_CONNECTIONS=800 doubles the overload, past what Teller lets wait (server.ts, MAX_WAITING_BYTES). */
const CONNECTIONS = Number(process.env.BENCH_SOAK_CONNECTIONS ?? 400);
/** Requests sent back to back on each connection: 400 × 64 = 25,600 at once. */
const PIPELINE = 64;
const SAMPLE_MS = 1000;

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

interface HeapPeak {
  /** The most the thread's V8 heap took, and what was in use then. */
  total: number;
  usedAtPeak: number;
  /** The least in use over the soak once load began, about what survives a full collection. */
  usedLow: number;
  /** Memory outside the V8 heap that V8 knows of (buffers, array buffers), at its most. */
  external: number;
}

/** bench/ingest-server.ts with bench/memory-probe.mjs in each thread; `heaps` follows its reports. */
async function startSoakServer(dbPath: string) {
  const child = spawn(process.execPath, [...TELLER_NODE_FLAGS, '--import', 'tsx', '--import', './bench/memory-probe.mjs', 'bench/ingest-server.ts', 'teller', dbPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const heaps = new Map<string, HeapPeak>();
  let loaded = false;
  let pending = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      const lines = (pending + c.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const m = /^port (\d+)$/.exec(line);
        if (m) resolve(Number(m[1]));
        if (!line.startsWith('mem ')) continue;
        const r = JSON.parse(line.slice(4)) as { thread: string; heapTotal: number; heapUsed: number; external: number };
        const h = heaps.get(r.thread) ?? { total: 0, usedAtPeak: 0, usedLow: Infinity, external: 0 };
        if (r.heapTotal > h.total) Object.assign(h, { total: r.heapTotal, usedAtPeak: r.heapUsed });
        if (loaded) h.usedLow = Math.min(h.usedLow, r.heapUsed);
        h.external = Math.max(h.external, r.external);
        heaps.set(r.thread, h);
      }
    });
    child.once('exit', (code) => reject(new Error(`soak server exited with ${code}`)));
  });
  return {
    child,
    port,
    rssIdleMb: rssMb(child.pid!),
    heaps,
    /** From now on the lowest heap in use counts (idle heaps before the load would say nothing). */
    loadStarted: () => void (loaded = true),
  };
}

export async function runSoakBench(): Promise<string> {
  ensureWrk();
  const dir = mkdtempSync(join(tmpdir(), 'teller-soak-'));
  try {
    const dbPath = join(dir, 'soak.db');
    const server = await startSoakServer(dbPath);
    const pid = server.child.pid!;
    const script = writeWrkScript(dir, 'realistic', 0, { pipeline: PIPELINE, countStatuses: true });
    const samples: number[] = [];
    let peak = NaN;
    let out = '';
    try {
      const wrk = spawn('wrk', wrkArgs(server.port, script, SECONDS, CONNECTIONS, ['--timeout', '60s']), { stdio: ['ignore', 'pipe', 'inherit'] });
      wrk.stdout.on('data', (c: Buffer) => void (out += c.toString()));
      // Past the first seconds the waiting events are there for the rest of the run.
      const loaded = setTimeout(server.loadStarted, 5000);
      const sampler = setInterval(() => samples.push(rssMb(pid)), SAMPLE_MS);
      const code = await new Promise<number | null>((resolve) => wrk.once('exit', resolve));
      clearInterval(sampler);
      clearTimeout(loaded);
      if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`);
    } finally {
      samples.push(rssMb(pid));
      peak = peakRssMb(pid);
      // SIGTERM drains: whatever was taken in is committed before the process ends.
      await stopServerProcess(server);
    }
    const result = parseWrk(out);
    const db = new Database(dbPath, { readonly: true });
    const stored = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    db.close();

    const end = samples.at(-1)!;
    const tenths = samples.filter((_, i) => (i + 1) % 10 === 0);
    const firstHalf = Math.max(...samples.slice(0, Math.ceil(samples.length / 2)));
    const secondHalf = Math.max(...samples.slice(Math.ceil(samples.length / 2)));
    const levelled = secondHalf <= firstHalf * 1.1;
    const share = (n: number) => `${((n / result.requests) * 100).toFixed(1)} %`;
    const other = result.requests - result.accepted - result.unavailable;
    const allStored = stored >= result.accepted;
    const heap = (thread: string) => {
      const h = server.heaps.get(thread);
      return h ? `| ${thread} | ${mb(h.total)} MB | ${mb(h.usedAtPeak)} MB | ${mb(h.usedLow)} MB | ${mb(h.external)} MB |` : `| ${thread} | not reported | | | |`;
    };
    const text = [
      '| RSS start | RSS every 10 s | RSS peak | RSS end | answers | 202 | 503 | other | events stored |',
      '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
      `| ${server.rssIdleMb} MB | ${tenths.join(', ')} MB | ${peak} MB | ${end} MB | ${result.requests} | ${result.accepted} (${share(result.accepted)}) | ${result.unavailable} (${share(result.unavailable)}) | ${other} | ${stored} |`,
      '',
      `- Memory ${levelled ? 'levelled off' : 'did NOT level off'}: highest in the second half ${secondHalf} MB against ${firstHalf} MB in the first.`,
      `- ${allStored ? 'Every' : 'NOT every'} acknowledged event is stored: ${result.accepted} answered 202, ${stored} in the database (${stored - result.accepted} more: requests still unanswered when wrk stopped, at most ${CONNECTIONS * PIPELINE}).`,
      // The script writes 64 requests at once, which wrk counts as one: its latency percentiles do not describe them.
      `- Socket errors ${result.socketErrors}, ${Math.round(result.accepted / SECONDS)} events/s acknowledged (no latency: wrk does not time pipelined requests).`,
      '',
      '| thread | V8 heap at its peak | in use then | least in use under load | external at most |',
      '|---|---:|---:|---:|---:|',
      heap('http'),
      heap('ingest'),
      heap('reader'),
      '',
      `wrk -t1 -c${CONNECTIONS} for ${SECONDS} s, ${PIPELINE} requests pipelined per connection (${(CONNECTIONS * PIPELINE).toLocaleString('en')} at once; Teller lets events wait while they hold less than 128 MiB, about 26,000 of this mix's, and answers 503 past that), the realistic mix, a fresh database; RSS of the server process (all its threads) sampled every second, each thread's V8 heap reported by itself every second (bench/memory-probe.mjs); events counted after a SIGTERM drain.`,
    ].join('\n');
    console.log(text);
    if (!allStored || !levelled) process.exitCode = 1;
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
