/**
 * The deploy path with wrangler's own tools: `wrangler deploy --dry-run` bundles the
 * Worker with no Node-only module in it and within Workers' size limit (the gzipped size
 * is printed), the Worker typechecks against @cloudflare/workers-types, and
 * `wrangler d1 migrations apply --local` applies server/migrations to a D1 the Worker
 * then serves from.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltWorker, ROOT, buildWorker, startWorker, wrangler } from './harness.ts';

/** Workers' limit on the compressed Worker on the Free plan (the Paid plan allows 10 MB). */
const FREE_PLAN_GZIP_LIMIT = 3 * 1024 * 1024;
/** What this Worker should weigh: far below the limit, so a stray dependency shows. */
const BUDGET_GZIP = 256 * 1024;

/** Packages and paths that only run on Node, and must never reach the Worker. */
const NODE_ONLY = [/node_modules\/better-sqlite3\//, /node_modules\/geoip-lite\//, /node_modules\/@hono\/node-server\//, /^server\/node\//, /node_modules\/bindings\//];

interface Metafile {
  inputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }>;
  outputs: Record<string, { imports: Array<{ path: string; external?: boolean }>; bytes: number }>;
}

let built: BuiltWorker;
let meta: Metafile;

beforeAll(async () => {
  built = await buildWorker();
  meta = JSON.parse(readFileSync(join(built.outDir, 'bundle-meta.json'), 'utf8')) as Metafile;
});

describe('wrangler deploy --dry-run', () => {
  it('bundles the Worker entry, the shared core and nothing that needs Node', () => {
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('server/workers/main.ts');
    expect(inputs).toContain('server/core/http/app.ts');
    expect(inputs).toContain('server/core/store/record-event.ts');
    expect(inputs.filter((path) => NODE_ONLY.some((re) => re.test(path)))).toEqual([]);
    // No import is left for the runtime to resolve: no node:*, no bare package name.
    const external = Object.values(meta.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(external).toEqual([]);
    const code = readFileSync(built.script, 'utf8');
    expect(code).not.toMatch(/\bfrom\s*["']node:|\brequire\(\s*["']node:|\bimport\(\s*["']node:/);
    expect(code).not.toMatch(/better-sqlite3|geoip-lite/);
  });

  it('stays far below the Free plan’s 3 MB compressed limit, and prints its size', () => {
    const code = readFileSync(built.script);
    const gzipped = gzipSync(code, { level: 9 }).byteLength;
    const line = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(built.output);
    expect(line, built.output).not.toBeNull();
    console.log(`Worker bundle: ${(code.byteLength / 1024).toFixed(1)} KiB, gzip ${(gzipped / 1024).toFixed(1)} KiB (wrangler: ${line![1]} KiB / gzip ${line![2]} KiB; Free plan limit 3072 KiB)`);
    expect(Number(line![2]) * 1024).toBeLessThan(BUDGET_GZIP);
    expect(gzipped).toBeLessThan(BUDGET_GZIP);
    expect(gzipped).toBeLessThan(FREE_PLAN_GZIP_LIMIT);
  });
});

describe('the Worker’s own TypeScript project', () => {
  it('typechecks against @cloudflare/workers-types, without Node’s types', async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const run = promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', 'server/workers'], { cwd: ROOT });
    await expect(run.catch((e: { stdout?: string }) => Promise.reject(new Error(e.stdout)))).resolves.toMatchObject({ stdout: '' });
  });
});

describe('wrangler d1 migrations apply --local', () => {
  let persist: string;
  beforeAll(() => {
    persist = mkdtempSync(join(tmpdir(), 'teller-wk-d1-'));
  });
  afterAll(() => rmSync(persist, { recursive: true, force: true }));

  it('applies server/migrations to a local D1 the Worker then stores events in', async () => {
    const first = await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist]);
    expect(first).toMatch(/0001_init\.sql/);
    // Nothing is left to apply the second time.
    expect(await wrangler(['d1', 'migrations', 'list', 'DB', '--local', '--persist-to', persist])).toMatch(/No migrations to apply/);

    const worker = await startWorker({ d1Persist: join(persist, 'v3', 'd1'), migrate: false, vars: { TELLER_ADMIN_TOKEN: 'a-local-admin-token-of-32-characters!' } });
    try {
      const applied = await worker.db.prepare('SELECT name FROM d1_migrations ORDER BY id').all<{ name: string }>();
      expect(applied.results.map((r) => r.name)[0]).toBe('0001_init.sql');
      await worker.db.prepare("INSERT INTO sites (domain, created_at) VALUES ('example.com', 0)").run();
      const res = await worker.fetch(
        '/api/event',
        { method: 'POST', headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0' }, body: '{"n":"pageview","u":"https://example.com/","d":"example.com"}' },
        { ip: '84.208.20.110', country: 'NO' },
      );
      expect(res.status).toBe(202);
      expect((await worker.db.prepare('SELECT country, os FROM visits').all()).results).toEqual([{ country: 'NO', os: 'Windows' }]);
    } finally {
      await worker.close();
    }
    // Wrangler starts a local Miniflare for each migration, then again to list them: 92 s
    // for the whole test at load average 15 on the 2-core machine, past vitest's 30 s.
  }, 300_000);
});
