/**
 * A database Teller may not write. The tests run as root, which writes through file modes,
 * so Teller runs here as its own process under uid 65534 ("nobody", on every Linux), as a
 * service user would; where the tests do not run as root they say so and are skipped.
 *
 * What SQLite does (better-sqlite3's SQLite, Linux): it checks permissions only when it
 * opens a file. A connection already open keeps writing through its file descriptors when
 * the database, its -wal and -shm files and its folder lose write access. A connection
 * opened then is silently read-only: every write fails with SQLITE_READONLY (a folder that
 * cannot take a new -wal file: SQLITE_READONLY_DIRECTORY), and it stays read-only when
 * access returns. So Teller checks at every open (the start, and an ingest thread started
 * again) and refuses in one line naming the file; a running server loses nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSite } from '../../server/core/sites.ts';
import { migrate } from '../../server/node/migrate.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
import { CHROME_MAC, sendEvent } from '../helpers/server.ts';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('readonly-db: not running as root, so Teller cannot be run as another user whose write access the test takes away; the read-only database tests are skipped');

interface Teller {
  child: ChildProcess;
  /** Everything it printed so far. */
  out(): string;
  exited: Promise<number | null>;
}

/** Starts main.ts as uid 65534; resolves once it listens (with its URL) or has exited. */
async function startAsNobody(dbPath: string): Promise<Teller & { url: string | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/node/main.ts'], {
    uid: NOBODY,
    gid: NOBODY,
    env: { ...process.env, TELLER_DB: dbPath, PORT: '0', HOST: '127.0.0.1', TELLER_TRUST_PROXY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string | null>((resolve) => {
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && /\d+ sites?\b/.test(out)) resolve(m[1]!);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    void exited.then(() => resolve(null));
  });
  return { child, url, out: () => out, exited };
}

let dirs: string[] = [];
let running: ChildProcess[] = [];
afterEach(async () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running = [];
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A folder and a migrated database with example.com, all owned by uid 65534 and closed. */
async function nobodysDatabase(): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-ro-'));
  dirs.push(dir);
  const path = join(dir, 'teller.db');
  const db = openSqlite(path);
  migrate(db.raw);
  await createSite(db, { domain: 'example.com' }, Date.now());
  db.close();
  for (const f of [dir, ...readdirSync(dir).map((f) => join(dir, f))]) chownSync(f, NOBODY, NOBODY);
  return { dir, path };
}

async function send(url: string, from: number, count: number): Promise<{ acked: string[]; statuses: number[] }> {
  const acked: string[] = [];
  const statuses: number[] = [];
  for (let i = from; i < from + count; i++) {
    const path = `/p${i}`;
    const res = await sendEvent({ url }, { n: 'pageview', u: `https://example.com${path}`, d: 'example.com' }, { 'x-forwarded-for': `84.208.${i % 250}.${1 + (i % 200)}`, 'user-agent': CHROME_MAC });
    statuses.push(res.status);
    if (res.status === 202) acked.push(path);
    await res.arrayBuffer();
  }
  return { acked, statuses };
}

/** Paths stored in a database no process has open (read-only: nothing is created as root). */
function storedPaths(path: string): Set<string> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return new Set(db.prepare('SELECT path FROM events').pluck().all() as string[]);
  } finally {
    db.close();
  }
}

const filesOf = (dir: string) => readdirSync(dir).sort();

describe.runIf(isRoot)('a database Teller may not write', () => {
  it('keeps storing when write access is taken away while it runs, refuses to start again in one line, and has every acknowledged event once access returns', async () => {
    const { dir, path } = await nobodysDatabase();
    const first = await startAsNobody(path);
    running.push(first.child);
    expect(first.url, first.out()).not.toBeNull();
    const before = await send(first.url!, 0, 20);
    expect(before.statuses).toEqual(Array(20).fill(202));

    // As a careless `chmod -R a-w` of the data folder would.
    const parts = [path, `${path}-wal`, `${path}-shm`];
    for (const p of parts) chmodSync(p, 0o444);
    chmodSync(dir, 0o555);
    // SQLite writes through the files it has open: nothing is refused, nothing is lost.
    const during = await send(first.url!, 20, 20);
    expect(during.statuses).toEqual(Array(20).fill(202));
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // The folder kept SQLite from deleting the -wal and -shm files at close.
    const left = filesOf(dir);
    expect(left).toEqual(['teller.db', 'teller.db-shm', 'teller.db-wal']);

    const refused = await startAsNobody(path);
    running.push(refused.child);
    expect(refused.url).toBeNull();
    expect(await refused.exited).toBe(1);
    expect(refused.out().trim()).toBe(`teller: ${path} cannot be written by this user (uid ${NOBODY}): no write permission on teller.db, teller.db-wal, teller.db-shm. Give this user write access (chown or chmod) and start again.`);
    expect(filesOf(dir)).toEqual(left);

    chmodSync(dir, 0o755);
    for (const p of parts) chmodSync(p, 0o644);
    const again = await startAsNobody(path);
    running.push(again.child);
    expect(again.url, again.out()).not.toBeNull();
    const after = await send(again.url!, 40, 20);
    expect(after.statuses).toEqual(Array(20).fill(202));
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);

    const stored = storedPaths(path);
    expect([...before.acked, ...during.acked, ...after.acked].filter((p) => !stored.has(p))).toEqual([]);
    expect(stored.size).toBe(60);
  });

  it.each([
    [
      'a database file owned by root (as `teller site add` run with sudo before the first start leaves it)',
      (_dir: string, path: string) => chownSync(path, 0, 0),
      'no write permission on teller.db',
    ],
    ['a folder it may not write, where SQLite must create the -wal file', (dir: string) => chmodSync(dir, 0o555), (dir: string) => `no write permission on its folder ${dir}`],
  ])('refuses to start on %s, in one line with exit 1, leaving it untouched', async (_name, takeAway, cause) => {
    const { dir, path } = await nobodysDatabase();
    takeAway(dir, path);
    const bytes = readFileSync(path);
    const files = filesOf(dir);
    const run = await startAsNobody(path);
    running.push(run.child);
    expect(run.url).toBeNull();
    expect(await run.exited).toBe(1);
    const why = typeof cause === 'string' ? cause : cause(dir);
    expect(run.out().trim()).toBe(`teller: ${path} cannot be written by this user (uid ${NOBODY}): ${why}. Give this user write access (chown or chmod) and start again.`);
    expect(filesOf(dir)).toEqual(files);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });
});
