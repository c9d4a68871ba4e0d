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
 *
 * A filesystem the kernel turns read-only after a disk error (ext4's errors=remount-ro)
 * stops the open connections too: SQLITE_IOERR_WRITE (EROFS underneath). It stays read-only
 * until unmounted and checked, so there Teller answers 503 until it is started again.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSite } from '../../server/core/sites.ts';
import { migrate } from '../../server/node/migrate.ts';
import { type RunningServer, startServer } from '../../server/node/server.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
import { CHROME_MAC, MemoryLog, sendEvent } from '../helpers/server.ts';

const NOBODY = 65534;
/** For tests that start Teller three times, or mount and check a filesystem: a busy machine takes more than the default 30 s. */
const SLOW_TEST_MS = 60_000;
const isRoot = process.getuid?.() === 0;
/**
 * Whether uid 65534 can run Teller from this checkout as the tests start it: loading tsx and
 * reading main.ts by absolute path, as Node's loader does. Not so in a clone under a folder
 * closed to other users (/root, or `mktemp -d`, mode 700), even though relative paths from
 * inside the checkout would pass.
 */
const nobodyRunsCheckout =
  isRoot &&
  spawnSync(process.execPath, ['--import', 'tsx', '-e', `require("node:fs").accessSync(${JSON.stringify(resolvePath('server/node/main.ts'))}, 4)`], {
    uid: NOBODY,
    gid: NOBODY,
    stdio: 'ignore',
  }).status === 0;
if (!isRoot) console.warn('readonly-db: not running as root, so Teller cannot be run as another user whose write access the test takes away; the read-only database tests are skipped');
else if (!nobodyRunsCheckout) {
  console.warn(
    `readonly-db: uid ${NOBODY} cannot load Teller from ${process.cwd()} (a folder above it is closed to other users, as /root or a mktemp -d folder is), so Teller cannot be run as that user; the read-only database tests are skipped`,
  );
}

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

async function send(url: string, from: number, count: number): Promise<{ acked: string[]; statuses: number[]; retryAfter: Array<string | null> }> {
  const acked: string[] = [];
  const statuses: number[] = [];
  const retryAfter: Array<string | null> = [];
  for (let i = from; i < from + count; i++) {
    const path = `/p${i}`;
    const res = await sendEvent({ url }, { n: 'pageview', u: `https://example.com${path}`, d: 'example.com' }, { 'x-forwarded-for': `84.208.${i % 250}.${1 + (i % 200)}`, 'user-agent': CHROME_MAC });
    statuses.push(res.status);
    if (res.status === 202) acked.push(path);
    if (res.status === 503) retryAfter.push(res.headers.get('retry-after'));
    await res.arrayBuffer();
  }
  return { acked, statuses, retryAfter };
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

/** SQLite's files in the folder (the database, its -wal and -shm). */
const filesOf = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('teller.db')).sort();

describe.runIf(nobodyRunsCheckout)('a database Teller may not write', () => {
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
    // Healthy, since events are stored, but a monitor is told the next start would fail.
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      warning: 'a restart would fail: no write permission on teller.db, teller.db-wal, teller.db-shm. Give this user write access (chown or chmod) and start again',
    });

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
  }, SLOW_TEST_MS);

  it('has an ingest thread started while the file is read-only refuse it, and store events by itself once access returns', async () => {
    const { dir, path } = await nobodysDatabase();
    chmodSync(path, 0o444);
    // The ingest thread on its own, as uid 65534: Teller itself refuses to start on this file.
    const script = `
      import { createInterface } from 'node:readline';
      import { startIngestThread } from ${JSON.stringify(pathToFileURL(resolvePath('server/node/ingest-thread.ts')).href)};
      const say = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
      const log = { info: (line) => say({ log: line }), warn: (line) => say({ log: line }), error: (line) => say({ log: line }) };
      const thread = startIngestThread({ dbPath: ${JSON.stringify(path)}, config: { trustProxy: 0, ipStorage: 'truncated', eventRateLimit: 0 } }, log);
      const request = (path) => ({
        body: JSON.stringify({ n: 'pageview', u: 'https://example.com' + path, d: 'example.com' }),
        contentType: 'text/plain', remoteAddress: '81.167.1.1', forwardedFor: null,
        headers: { 'user-agent': ${JSON.stringify(CHROME_MAC)} }, receivedAt: Date.now(),
      });
      say({ first: await thread.ingest(request('/while-read-only')) });
      // Wait for the test to give write access back.
      for await (const _ of createInterface({ input: process.stdin })) break;
      let outcome;
      for (let tries = 0; outcome?.status !== 202 && tries < 300; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        outcome = await thread.ingest(request('/after'));
      }
      say({ last: outcome });
      await thread.close();
    `;
    // A file, not --eval: worker threads inherit the process's options, and --input-type is refused there.
    const scriptPath = join(dir, 'ingest-alone.mjs');
    writeFileSync(scriptPath, script);
    const child = spawn(process.execPath, ['--import', 'tsx', scriptPath], { uid: NOBODY, gid: NOBODY, stdio: ['pipe', 'pipe', 'inherit'] });
    running.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const messages: Array<{ log?: string; first?: unknown; last?: unknown }> = [];
    let buffered = '';
    let heard = () => {};
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (buffered + chunk.toString()).split('\n');
      buffered = lines.pop()!;
      for (const line of lines) messages.push(JSON.parse(line));
      heard();
    });
    const next = async (key: 'first' | 'last'): Promise<unknown> => {
      const ended = exited.then(() => null);
      for (;;) {
        const found = messages.find((m) => key in m);
        if (found) return found[key];
        if ((await Promise.race([new Promise<true>((resolve) => (heard = () => resolve(true))), ended])) === null) {
          throw new Error(`ended before saying ${key}: ${JSON.stringify(messages)}`);
        }
      }
    };

    const refusal = `${path} cannot be written by this user (uid ${NOBODY}): no write permission on teller.db. Give this user write access (chown or chmod) and start again`;
    expect(await next('first')).toEqual({ status: 503, failure: `ingest thread failed: ${refusal}` });
    expect(messages.some((m) => m.log?.startsWith(`ingest thread failed: ${refusal}; starting it again in `))).toBe(true);

    chmodSync(path, 0o644);
    child.stdin!.end('access is back\n');
    expect(await next('last')).toEqual({ status: 202 });
    expect(await exited).toBe(0);
    expect([...storedPaths(path)]).toEqual(['/after']);
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

/**
 * An ext4 filesystem on a loop device, mounted with errors=remount-ro as most distributions
 * mount their root; null where this machine cannot (not root, no loop devices, no mkfs.ext4).
 */
function ext4Image(): { dir: string; image: string; mount(): void; unmount(): void; failDisk(): void; remove(): void } | null {
  if (!isRoot) return null;
  const base = mkdtempSync(join(tmpdir(), 'teller-ext4-'));
  const image = join(base, 'disk.img');
  const dir = join(base, 'mnt');
  mkdirSync(dir);
  writeFileSync(image, '');
  const fs = {
    dir,
    image,
    mount: () => execFileSync('mount', ['-o', 'loop,errors=remount-ro', image, dir], { stdio: 'ignore' }),
    unmount: () => execFileSync('umount', [dir], { stdio: 'ignore' }),
    /** What the kernel does on a disk error: ext4 records it and, so mounted, turns read-only. */
    failDisk: () => {
      const device = execFileSync('findmnt', ['-no', 'SOURCE', dir]).toString().trim().replace(/^\/dev\//, '');
      writeFileSync(`/sys/fs/ext4/${device}/trigger_fs_error`, 'teller test: simulated disk error');
    },
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
  try {
    execFileSync('truncate', ['-s', '32M', image]);
    execFileSync('mkfs.ext4', ['-q', '-F', image], { stdio: 'ignore' });
    fs.mount();
    const device = execFileSync('findmnt', ['-no', 'SOURCE', dir]).toString().trim().replace(/^\/dev\//, '');
    const canFail = existsSync(`/sys/fs/ext4/${device}/trigger_fs_error`);
    fs.unmount();
    if (canFail) return fs;
  } catch {
    // Reported below.
  }
  fs.remove();
  return null;
}

const probe = ext4Image();
probe?.remove();
if (isRoot && !probe) console.warn('readonly-db: no ext4 filesystem on a loop device here (needs loop devices and mkfs.ext4); the read-only filesystem test is skipped');

describe.runIf(probe !== null)('a filesystem that turns read-only under a running Teller', () => {
  let fs: NonNullable<ReturnType<typeof ext4Image>>;
  let server: RunningServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
    try {
      fs.unmount();
    } catch {
      // Not mounted.
    }
    fs.remove();
  });

  it('answers 503 with Retry-After, says why in the log at most once a second and in /healthz, and has every acknowledged event after fsck', async () => {
    fs = ext4Image()!;
    fs.mount();
    const dbPath = join(fs.dir, 'teller.db');
    const log = new MemoryLog();
    const start = () => startServer({ dbPath, port: 0, host: '127.0.0.1', log, config: { trustProxy: 1, eventRateLimit: 0 } });
    server = await start();
    await createSite(server.db, { domain: 'example.com' }, Date.now());
    const before = await send(server.url, 0, 30);
    expect(before.statuses).toEqual(Array(30).fill(202));

    fs.failDisk();
    const failed = await send(server.url, 30, 300);
    expect(failed.statuses).toEqual(Array(300).fill(503));
    expect(failed.retryAfter.every((r) => r !== null && Number(r) > 0)).toBe(true);
    // Linux 6.x marks ext4 emergency_ro; earlier kernels mark the whole filesystem ro.
    const why = new RegExp(`^disk I/O error \\(SQLITE_IOERR\\w*\\): the filesystem holding ${dbPath} is read-only \\((ro|emergency_ro)\\)$`);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { database: string }).database.replace(/^not writable: /, '')).toMatch(why);
    const reports = log.lines.filter((l) => l.startsWith('event not stored: '));
    expect(reports.length).toBeGreaterThan(0);
    expect(reports[0]!.replace('event not stored: ', '')).toMatch(why);
    // Hundreds of failures in well under a few seconds: a handful of lines, with counts.
    expect(reports.length).toBeLessThan(10);

    await server.close();
    server = null;
    // Started now, it refuses in one line.
    await expect(start()).rejects.toThrow(/^\S+teller\.db cannot be written by this user \(uid 0\): its filesystem is mounted read-only \((ro|emergency_ro)\); .*run fsck\.$/);
    // The kernel keeps the filesystem read-only until it is unmounted and checked.
    fs.unmount();
    // 1: errors were found (the one recorded) and corrected.
    expect(spawnSync('fsck.ext4', ['-fy', fs.image]).status).toBeLessThanOrEqual(1);
    fs.mount();
    server = await start();
    const after = await send(server.url, 330, 20);
    expect(after.statuses).toEqual(Array(20).fill(202));
    const stored = new Set((await server.db.all<{ path: string }>('SELECT path FROM events')).map((r) => r.path));
    expect([...before.acked, ...after.acked].filter((p) => !stored.has(p))).toEqual([]);
    expect(stored.size).toBe(50);
    expect(await server.db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  }, SLOW_TEST_MS);
});
