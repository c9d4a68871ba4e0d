/**
 * Teller's Worker in real workerd through Miniflare: the bundle `wrangler deploy --dry-run`
 * builds from wrangler.toml, Miniflare options read from the same wrangler.toml (D1
 * binding, static assets, vars), a fresh in-memory local D1 with the migrations applied
 * the way `wrangler d1 migrations apply --local` applies them, and the tracker built into
 * a temporary assets directory. Tests reach D1 and the cron handler through a helper Worker
 * in the same workerd (d1-over-fetch.ts), never through Miniflare's synchronous proxy.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Log, Miniflare, type WorkerOptions as MiniflareWorkerOptions } from 'miniflare';
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from 'wrangler';
import type { Db, SqlValue } from '../../server/core/ports.ts';
import { createSite } from '../../server/core/sites.ts';
import { buildIcons } from '../../dashboard/build.mjs';
import { buildTracker } from '../../tracker/build.mjs';
import type { ApiTarget, TargetOptions } from '../shared/target.ts';
import { type D1OverFetch, d1OverFetch, sqlWorkerOptions } from './d1-over-fetch.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WRANGLER_CONFIG = join(ROOT, 'wrangler.toml');
export const MIGRATIONS_DIR = join(ROOT, 'server/migrations');
const WRANGLER_BIN = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');

/** Wrangler without telemetry, prompts or colours, whatever the developer's shell has set. */
export const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' };

export type D1 = D1OverFetch;

export interface BuiltWorker {
  /** Directory with wrangler's output: main.js, its source map and esbuild's bundle-meta.json. */
  outDir: string;
  script: string;
  /** The tracker build and the dashboard's icons, served as the Worker's static assets. */
  publicDir: string;
  /** What wrangler printed (it names the upload size). */
  output: string;
}

/** Runs the wrangler CLI of this checkout; rejects with its output when it fails. */
export async function wrangler(args: string[], cwd = ROOT): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [WRANGLER_BIN, ...args], {
      cwd,
      env: WRANGLER_ENV,
      maxBuffer: 16 * 1024 * 1024,
    });
    return `${stdout}\n${stderr}`;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`wrangler ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

let building: Promise<BuiltWorker> | null = null;

/** Builds the tracker and the Worker bundle once per test process. */
export function buildWorker(): Promise<BuiltWorker> {
  building ??= (async () => {
    const publicDir = mkdtempSync(join(tmpdir(), 'teller-wk-public-'));
    const outDir = mkdtempSync(join(tmpdir(), 'teller-wk-bundle-'));
    // The test process owns both directories; they go when it exits, however it exits.
    process.once('exit', () => {
      rmSync(outDir, { recursive: true, force: true });
      rmSync(publicDir, { recursive: true, force: true });
    });
    await buildTracker({ outDir: publicDir, quiet: true });
    await buildIcons(publicDir);
    const output = await wrangler(['deploy', '--dry-run', '--outdir', outDir, '--metafile', '--assets', publicDir]);
    return { outDir, script: join(outDir, 'main.js'), publicDir, output };
  })();
  return building;
}

/**
 * Applies server/migrations to a D1 database as `wrangler d1 migrations apply --local`
 * does: the d1_migrations table first, then each pending file, split by wrangler's own
 * SQL splitter, with its d1_migrations row, in one batch. Returns the names applied.
 */
export async function applyMigrations(db: D1, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);');
  const done = new Set((await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map((r) => r.name));
  const pending = readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f) && !done.has(f))
    .sort();
  for (const name of pending) {
    const sql = `${readFileSync(join(dir, name), 'utf8')}\nINSERT INTO d1_migrations (name) values ('${name}');`;
    await db.batch(unstable_splitSqlQuery(sql).map((q) => db.prepare(q)));
  }
  return pending;
}

/** The core's Db port over Miniflare's D1 binding, for test code that reuses core functions. */
export function dbOf(d1: D1): Db {
  const prepare = (sql: string, params: readonly SqlValue[]) => (params.length ? d1.prepare(sql).bind(...params) : d1.prepare(sql));
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => (await prepare(sql, params).all<T>()).results,
    first: async <T>(sql: string, params: readonly SqlValue[] = []) => (await prepare(sql, params).first<T>()) ?? null,
    async run(sql, params = []) {
      const { meta } = await prepare(sql, params).run();
      return { changes: meta.changes, lastRowId: meta.last_row_id };
    },
    async batch(stmts) {
      if (stmts.length) await d1.batch(stmts.map((s) => prepare(s.sql, s.params)));
    },
  };
}

export interface Visitor {
  ip: string;
  /** What Cloudflare puts in request.cf.country: a code, `XX` for unknown, `T1` for Tor. */
  country: string;
  /** request.cf.regionCode (`03` for NO-03), region (its name) and city, when given. */
  regionCode?: string;
  region?: string;
  city?: string;
}

export interface TellerWorker {
  /** For `dispatchFetch` only: its proxies (getD1Database, getWorker) can fail under load. */
  mf: Miniflare;
  db: D1;
  /** Runs the Worker's scheduled handler as a Cron Trigger at `scheduledTime` would; outcome "ok" when it succeeded. */
  scheduled(event: { scheduledTime: Date; cron: string }): Promise<{ outcome: string }>;
  /** A request as Cloudflare's edge hands it to the Worker: CF-Connecting-IP and request.cf. */
  fetch(path: string, init?: RequestInit, visitor?: Visitor): Promise<Response>;
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** `[vars]` and secrets on top of wrangler.toml's. */
  vars?: Record<string, string>;
  /** Keep D1 in this directory (as `wrangler dev --persist-to` does) instead of in memory. */
  d1Persist?: string;
  /** Leave the database as it is (when it was migrated by wrangler itself). */
  migrate?: boolean;
  /** The Worker's send_email bindings. */
  email?: MiniflareWorkerOptions['email'];
  /** Where Miniflare and workerd log to. */
  log?: Log;
}

export const ORIGIN = 'https://teller.example.workers.dev';

/** Starts the built Worker in workerd with a fresh, migrated local D1. */
/**
 * Miniflare hands `cf` to workerd as JSON in a request header, whose bytes workerd reads as
 * UTF-8 while Node writes a header's characters one byte each: a name such as
 * "Östergötlands län" arrives garbled unless its UTF-8 bytes are sent as those characters.
 * Cloudflare's edge sets request.cf itself, so this is the test transport's, not Teller's.
 */
function headerSafe(text: string | undefined): string | undefined {
  return text === undefined ? undefined : Buffer.from(text, 'utf8').toString('latin1');
}

export async function startWorker(options: WorkerOptions = {}): Promise<TellerWorker> {
  const built = await buildWorker();
  const { workerOptions } = unstable_getMiniflareWorkerOptions(WRANGLER_CONFIG, undefined, {
    overrides: { assets: { directory: built.publicDir } },
  });
  const teller: MiniflareWorkerOptions = {
    ...workerOptions,
    name: 'teller',
    modules: [{ type: 'ESModule', path: built.script }],
    modulesRoot: built.outDir,
    bindings: { ...workerOptions.bindings, ...options.vars },
    ...(options.email ? { email: options.email } : {}),
  };
  // Teller first: requests not routed to the helper Worker go to it.
  const mf = new Miniflare({
    workers: [teller, sqlWorkerOptions(teller)],
    d1Persist: options.d1Persist ?? false,
    // Miniflare's /cdn-cgi/handler/scheduled: the cron handler over dispatchFetch (see scheduled below).
    unsafeTriggerHandlers: true,
    host: '127.0.0.1',
    port: 0,
    ...(options.log ? { log: options.log } : {}),
  });
  await mf.ready;
  const db = d1OverFetch(mf);
  if (options.migrate !== false) await applyMigrations(db);
  return {
    mf,
    db,
    async scheduled({ scheduledTime, cron }) {
      const query = new URLSearchParams({ cron, time: String(scheduledTime.getTime()) });
      // Straight to the Worker, as Miniflare's getWorker() does: its static-assets front answers only fetch.
      const response = await mf.dispatchFetch(`${ORIGIN}/cdn-cgi/handler/scheduled?${query}`, { headers: { 'MF-Route-Override': 'teller' } });
      return { outcome: await response.text() };
    },
    async fetch(path, init = {}, visitor) {
      const headers = new Headers(init.headers);
      if (visitor) headers.set('cf-connecting-ip', visitor.ip);
      const response = await mf.dispatchFetch(`${ORIGIN}${path}`, {
        ...(init as object),
        headers: Object.fromEntries(headers),
        ...(visitor ? { cf: { country: visitor.country, regionCode: visitor.regionCode, region: headerSafe(visitor.region), city: headerSafe(visitor.city) } } : {}),
        redirect: 'manual',
      } as Parameters<Miniflare['dispatchFetch']>[1]);
      return response as unknown as Response;
    },
    async close() {
      await mf.dispose();
    },
  };
}

/** The Worker as an ApiTarget for the shared suites (test/shared). */
export async function startWorkerTarget(options: TargetOptions = {}): Promise<ApiTarget> {
  const worker = await startWorker({ vars: options.adminToken ? { TELLER_ADMIN_TOKEN: options.adminToken } : {} });
  return {
    origin: ORIGIN,
    request: (path, init, visitor) => worker.fetch(path, init, visitor),
    addSite: async (domain, timezone) => (await createSite(dbOf(worker.db), { domain, timezone }, Date.now())).id,
    async query<T>(sql: string, params: SqlValue[] = []) {
      return (await worker.db.prepare(sql).bind(...params).all<T>()).results;
    },
    db: dbOf(worker.db),
    async execute(sql, params = []) {
      await worker.db.prepare(sql).bind(...params).run();
    },
    close: () => worker.close(),
  };
}
