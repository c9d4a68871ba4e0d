/**
 * CPU per stored event of two or more builds of Teller on the realistic mix, alternated in
 * one run against the bare handler (wrk -c64, rounds of BENCH_AB_SECONDS): the way issue 25's
 * figures were taken, since on this shared machine only builds measured side by side compare.
 * Usage: tsx bench/ingest-ab.ts <label>=<tree or git revision> ... [--ceiling] (a tree is a
 * checkout of Teller with node_modules, the current one is `.`; a revision is exported from
 * git into a temporary tree). --ceiling adds the nothing-stored ceiling: this checkout's HEAD
 * with the group-commit writer resolving every write at once, so the whole path through the
 * ingest thread runs and SQLite never does.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

let run = 0;
function round(dir: string, b: Build, seconds: number, keep: boolean): void {
  const before = threadCpu(b.child.pid!, b.threads);
  const r = parseWrk(execFileSync('wrk', wrkArgs(b.port, writeWrkScript(dir, 'realistic', run++), seconds, CONNECTIONS), { encoding: 'utf8' }));
  const used = cpuSince(before, threadCpu(b.child.pid!, b.threads));
  if (!keep) return;
  const events = r.requests - r.non2xx;
  b.cpu.push(new Map([...used].map(([n, us]) => [n, us / events])));
  b.rps.push(r.rps);
}

/** A git revision of this checkout as a tree of its own, sharing node_modules. */
function exportRevision(dir: string, rev: string, label: string): string {
  const tree = join(dir, `tree-${label}`);
  execFileSync('sh', ['-c', `mkdir -p "${tree}" && git archive "${rev}" | tar -x -C "${tree}"`]);
  symlinkSync(resolve('node_modules'), join(tree, 'node_modules'));
  return tree;
}

const WRITE = '  write(event: ProcessedEvent): Promise<void> {\n';
/** HEAD with its writer resolving at once: the nothing-stored ceiling. */
function ceilingTree(dir: string): string {
  const tree = exportRevision(dir, 'HEAD', 'ceiling');
  const file = join(tree, 'server/core/writer/group-commit.ts');
  const source = readFileSync(file, 'utf8');
  if (!source.includes(WRITE)) throw new Error('group-commit.ts has no write(event) to cut short');
  writeFileSync(file, source.replace(WRITE, `${WRITE}    if (event) return Promise.resolve();\n`));
  return tree;
}

/**
 * Measures each `[label, tree or revision]` and, with `ceiling`, the nothing-stored build,
 * against the bare handler (started from the first tree); returns the markdown table.
 */
export async function runIngestCpuBench(specs: Array<[string, string]>, ceiling: boolean): Promise<string> {
  ensureWrk();
  const dir = mkdtempSync(join(tmpdir(), 'teller-ab-'));
  try {
    const trees = specs.map(([label, tree]): [string, string] => [label, existsSync(tree) ? resolve(tree) : exportRevision(dir, tree, label)]);
    if (ceiling) trees.push([CEILING, ceilingTree(dir)]);
    const builds = [await start('bare', trees[0]![1], ['bare'])];
    for (const [label, tree] of trees) builds.push(await start(label, tree, ['teller', join(dir, `${label.replace(/\W/g, '-')}.db`)]));
    const load = loadavg()[0]!;
    try {
      for (const b of builds) round(dir, b, 2, false);
      for (let r = 0; r < ROUNDS; r++) for (const b of builds) round(dir, b, SECONDS, true);
    } finally {
      for (const b of builds) await stopServerProcess(b);
    }
    const text = report(builds, load);
    console.log(text);
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CEILING = 'nothing stored';

function report(builds: Build[], load: number): string {
  const cpuOf = (b: Build, t: string) => median(b.cpu.map((c) => c.get(t) ?? 0));
  const bare = cpuOf(builds[0]!, 'process');
  const ceiling = builds.find((b) => b.label === CEILING);
  const row = (b: Build) => {
    const f = (t: string) => `${cpuOf(b, t).toFixed(0)} µs`;
    const ratio = (to: number) => (cpuOf(b, 'process') / to).toFixed(2);
    return `| ${b.label} | ${median(b.rps)} | ${f('http')} | ${b.label === 'bare' ? '–' : f('ingest')} | ${f('other')} | **${f('process')}** | ${ratio(bare)} |${ceiling ? ` ${ratio(cpuOf(ceiling, 'process'))} |` : ''} ${b.cpu.map((c) => c.get('process')!.toFixed(0)).join(', ')} |`;
  };
  return [
    `CPU per event answered 202 on the realistic mix (wrk -c${CONNECTIONS}, ${ROUNDS} alternating rounds of ${SECONDS} s after a 2 s warm-up of each, medians; per thread from /proc/<pid>/task; load average ${load.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end). Target ≤ 80 µs for the whole process.`,
    '',
    `| build | events/s | HTTP thread | ingest thread | other | whole process | / bare |${ceiling ? ` / ${CEILING} |` : ''} each round (whole) |`,
    `|---|---:|---:|---:|---:|---:|---:|${ceiling ? '---:|' : ''}---|`,
    ...builds.map(row),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  await runIngestCpuBench(args.filter((a) => a !== '--ceiling').map((s) => s.split('=') as [string, string]), args.includes('--ceiling'));
}
