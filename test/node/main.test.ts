/**
 * What `npm start` says and refuses, run as its own process as a user runs it: the URL to
 * open, the database and its sites, a warning when it is reachable without TLS, and one
 * clear line (never a stack trace, never a changed file) when the database file is not
 * Teller's or the port is taken.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSite } from '../../server/core/sites.ts';
import { tempDb } from '../helpers/db.ts';

interface Run {
  code: number | null;
  out: string;
}

/**
 * Starts main.ts; resolves when it exits, or once it has printed `until` (then stops it
 * with SIGTERM and waits for it to exit).
 */
function runMain(env: Record<string, string>, until?: RegExp): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/node/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TELLER_TRUST_PROXY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stopped = false;
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    if (!stopped && until?.test(out)) {
      stopped = true;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'teller-main-'));
  dirs.push(d);
  return d;
}

describe('npm start', () => {
  it('prints the URL to open, the database and its sites, and asks for the owner account on a new database', async () => {
    const t = tempDb();
    await createSite(t.db, { domain: 'example.com' }, Date.now());
    await createSite(t.db, { domain: 'other.example' }, Date.now());
    t.db.close();
    try {
      const run = await runMain({ TELLER_DB: t.path }, /sites?\b/);
      expect(run.out).toMatch(/Teller listening on http:\/\/127\.0\.0\.1:\d+\n/);
      expect(run.out).toMatch(/no owner yet: open http:\/\/127\.0\.0\.1:\d+\/setup\?code=[\w-]{24} to create the owner account/);
      expect(run.out).toContain(`database ${t.path}, 2 sites`);
      expect(run.out).not.toMatch(/no TLS proxy/);
      expect(run.code).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it('prints the one address that creates the owner, and writes its database for its user alone', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/node/main.ts'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TELLER_TRUST_PROXY: '', TELLER_DB: join(dir, 'data', 'teller.db') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await expect.poll(() => /open (http:\S+\/setup\?code=\S+) to create/.exec(out)?.[1] ?? null).not.toBeNull();
      const url = new URL(/open (http:\S+\/setup\?code=\S+) to create/.exec(out)![1]!);
      const setup = (code: string | null) =>
        fetch(`${url.origin}/api/dashboard/setup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: url.origin },
          body: JSON.stringify({ email: 'owner@teller.example', password: 'correct horse battery', password2: 'correct horse battery', ...(code === null ? {} : { code }) }),
        });
      expect((await setup(null)).status).toBe(403);
      expect((await setup('x'.repeat(24))).status).toBe(403);
      // The page at the printed address is the first-run page.
      expect((await fetch(url)).status).toBe(200);
      expect((await setup(url.searchParams.get('code'))).status).toBe(200);
      expect((await setup(url.searchParams.get('code'))).status).toBe(409);
      for (const f of ['teller.db', 'teller.db-wal', 'teller.db-shm']) expect(statSync(join(dir, 'data', f)).mode & 0o777, f).toBe(0o600);
      expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
      // Written nowhere but the banner: not in the database.
      const code = url.searchParams.get('code')!;
      for (const f of ['teller.db', 'teller.db-wal']) expect(readFileSync(join(dir, 'data', f)).includes(Buffer.from(code)), f).toBe(false);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('warns when it is reachable from other machines with no TLS proxy in front', async () => {
    const run = await runMain({ TELLER_DB: join(tempDir(), 'teller.db'), HOST: '0.0.0.0' }, /no TLS proxy/);
    expect(run.out).toMatch(/listening on 0\.0\.0\.0, reachable from other machines, with no TLS proxy in front/);
    const proxied = await runMain({ TELLER_DB: join(tempDir(), 'teller.db'), HOST: '0.0.0.0', TELLER_TRUST_PROXY: '1' }, /\d+ sites?\b/);
    expect(proxied.out).not.toMatch(/no TLS proxy/);
  });

  it.each([
    ['a file that is not a database', (path: string) => writeFileSync(path, 'these are my holiday notes, not a database\n'.repeat(200)), /is not a readable SQLite database/],
    [
      'another program’s SQLite database',
      (path: string) => {
        const db = new Database(path);
        db.exec("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('lapskaus')");
        db.close();
      },
      /is a SQLite database of another program/,
    ],
  ])('refuses %s at TELLER_DB with one line and a non-zero exit, leaving it untouched', async (_name, make, message) => {
    const path = join(tempDir(), 'teller.db');
    make(path);
    const before = readFileSync(path);
    const run = await runMain({ TELLER_DB: path });
    expect(run.code).toBe(1);
    expect(run.out).toMatch(message);
    expect(run.out).toContain('left untouched');
    expect(run.out).not.toMatch(/\n\s+at /);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('says in one line that the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runMain({ TELLER_DB: join(tempDir(), 'teller.db'), PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.out).toContain(`teller: port ${port} is already in use`);
      expect(run.out).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
