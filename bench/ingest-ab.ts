/**
 * CPU per stored event of two or more builds of Teller on the realistic mix, alternated in
 * one run against the bare handler (wrk -c64, rounds of BENCH_AB_SECONDS): the way issue 25's
 * figures were taken, since on this shared machine only builds measured side by side compare.
 * Usage: tsx bench/ingest-ab.ts <label>=<tree> ... (a tree is a checkout of Teller with
 * node_modules; the current one is `.`). A tree whose writer resolves at once measures the
 * nothing-stored ceiling.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TELLER_NODE_FLAGS, ensureWrk, median, parseWrk, stopServerProcess, wrkArgs, writeWrkScript } from './ingest.ts';
import { type ThreadCpu, cpuSince, threadCpu, threadNames } from './thread-cpu.ts';

const SECONDS = Number(process.env.BENCH_AB_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 4);
const CONNECTIONS = 64;

interface Build {
  label: string;
  child: ChildProcess;
  port: number;
  threads: Map<string, string>;
  cpu: ThreadCpu[];
  rps: number[];
}

async function start(label: string, tree: string, args: string[]): Promise<Build> {
  const flags = args[0] === 'teller' ? TELLER_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', '--import', './bench/thread-probe.mjs', 'bench/ingest-server.ts', ...args], { cwd: tree, stdio: ['ignore', 'pipe', 'inherit'] });
  const names = threadNames();
  const port = await new Promise<number>((done, fail) => {
    let pending = '';
    child.stdout!.on('data', (c: Buffer) => {
      const lines = (pending + c.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        names.take(line);
        const m = /^port (\d+)$/.exec(line);
        if (m) done(Number(m[1]));
      }
    });
    child.once('exit', (code) => fail(new Error(`${label} exited with ${code}`)));
  });
  const expected = args[0] === 'teller' ? ['http', 'ingest'] : ['http'];
  while (!expected.every((n) => [...names.names.values()].includes(n))) await new Promise((r) => setTimeout(r, 50));
  return { label, child, port, threads: names.names, cpu: [], rps: [] };
}

const dir = mkdtempSync(join(tmpdir(), 'teller-ab-'));
let run = 0;
function round(b: Build, seconds: number, keep: boolean): void {
  const before = threadCpu(b.child.pid!, b.threads);
  const r = parseWrk(execFileSync('wrk', wrkArgs(b.port, writeWrkScript(dir, 'realistic', run++), seconds, CONNECTIONS), { encoding: 'utf8' }));
  const used = cpuSince(before, threadCpu(b.child.pid!, b.threads));
  if (!keep) return;
  const events = r.requests - r.non2xx;
  b.cpu.push(new Map([...used].map(([n, us]) => [n, us / events])));
  b.rps.push(r.rps);
}

ensureWrk();
const specs = process.argv.slice(2).map((s) => s.split('=') as [string, string]);
const builds = [await start('bare', resolve(specs[0]![1]), ['bare'])];
for (const [label, tree] of specs) builds.push(await start(label, resolve(tree), ['teller', join(dir, `${label}.db`)]));
const load = loadavg()[0]!;
try {
  for (const b of builds) round(b, 2, false);
  for (let r = 0; r < ROUNDS; r++) for (const b of builds) round(b, SECONDS, true);
} finally {
  for (const b of builds) await stopServerProcess(b);
}
const cpuOf = (b: Build, t: string) => median(b.cpu.map((c) => c.get(t) ?? 0));
const bare = cpuOf(builds[0]!, 'process');
console.log(`load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}; wrk -c${CONNECTIONS}, ${ROUNDS} alternating rounds of ${SECONDS} s, medians`);
console.log('| build | events/s | HTTP | ingest | other | whole process | / bare | rounds (whole) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const b of builds) {
  const f = (t: string) => `${cpuOf(b, t).toFixed(0)} µs`;
  console.log(`| ${b.label} | ${median(b.rps)} | ${f('http')} | ${b.label === 'bare' ? '–' : f('ingest')} | ${f('other')} | **${f('process')}** | ${(cpuOf(b, 'process') / bare).toFixed(1)} | ${b.cpu.map((c) => c.get('process')!.toFixed(0)).join(', ')} |`);
}
rmSync(dir, { recursive: true, force: true });
