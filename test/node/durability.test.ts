import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createSite } from '../../server/core/sites.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
import { tempDb } from '../helpers/db.ts';
import { CHROME_MAC, sendEvent } from '../helpers/server.ts';

/** Starts `server/node/main.ts` as its own process, as `npm start` does, on a free port. */
async function spawnServer(dbPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/node/main.ts'], {
    env: { ...process.env, TELLER_DB: dbPath, PORT: '0', HOST: '127.0.0.1', TELLER_TRUST_PROXY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!.replace(/\/$/, ''));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, url };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('durability', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  /** A migrated database file with example.com, closed so the server process owns it. */
  async function prepare(): Promise<string> {
    const t = tempDb();
    cleanup = t.cleanup;
    await createSite(t.db, { domain: 'example.com' }, Date.now());
    t.db.close();
    return t.path;
  }

  async function countEvents(dbPath: string): Promise<number> {
    const db = openSqlite(dbPath);
    try {
      return (await db.first<{ n: number }>('SELECT count(*) AS n FROM events'))!.n;
    } finally {
      db.close();
    }
  }

  it('keeps every acknowledged event through kill -9', async () => {
    const dbPath = await prepare();
    const { child, url } = await spawnServer(dbPath);
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        sendEvent({ url }, { n: 'pageview', u: `https://example.com/p/${i}`, d: 'example.com' }, { 'x-forwarded-for': `84.208.${i % 200}.7`, 'user-agent': CHROME_MAC }).then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 202)).toBe(true);
    const gone = exited(child);
    child.kill('SIGKILL');
    expect((await gone).signal).toBe('SIGKILL');
    expect(await countEvents(dbPath)).toBe(300);
  }, 60_000);

  it('commits what it acknowledged when SIGTERM comes with requests in flight, and exits cleanly', async () => {
    const dbPath = await prepare();
    const { child, url } = await spawnServer(dbPath);
    let firstAnswer: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      firstAnswer = resolve;
    });
    const pending = Array.from({ length: 300 }, (_, i) =>
      sendEvent({ url }, { n: 'pageview', u: `https://example.com/t/${i}`, d: 'example.com' }, { 'x-forwarded-for': '84.208.20.110', 'user-agent': CHROME_MAC }).then(
        (r) => {
          firstAnswer();
          return r.status;
        },
        // A connection the closing server no longer takes: not acknowledged, nothing promised.
        () => 'refused' as const,
      ),
    );
    // The signal arrives while most requests are still being read, processed or committed.
    await answered;
    const gone = exited(child);
    child.kill('SIGTERM');
    const outcomes = await Promise.all(pending);
    expect(await gone).toEqual({ code: 0, signal: null });
    const acked = outcomes.filter((o) => o === 202).length;
    expect(acked).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o !== 202 && o !== 503 && o !== 'refused')).toEqual([]);
    expect(await countEvents(dbPath)).toBe(acked);
  }, 60_000);
});
