import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSite } from '../../server/core/sites.ts';
import { migrate } from '../../server/node/migrate.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
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
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function prepare(): Promise<string> {
    dir = mkdtempSync(join(tmpdir(), 'teller-kill-'));
    const dbPath = join(dir, 'teller.db');
    const db = openSqlite(dbPath);
    migrate(db.raw);
    await createSite(db, { domain: 'example.com' }, Date.now());
    db.close();
    return dbPath;
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

  it('drains and exits cleanly on SIGTERM', async () => {
    const dbPath = await prepare();
    const { child, url } = await spawnServer(dbPath);
    const pending = Array.from({ length: 100 }, (_, i) =>
      sendEvent({ url }, { n: 'pageview', u: `https://example.com/t/${i}`, d: 'example.com' }, { 'x-forwarded-for': '84.208.20.110', 'user-agent': CHROME_MAC }).then((r) => r.status),
    );
    const acked = (await Promise.all(pending)).filter((s) => s === 202).length;
    const gone = exited(child);
    child.kill('SIGTERM');
    expect(await gone).toEqual({ code: 0, signal: null });
    expect(await countEvents(dbPath)).toBe(acked);
    expect(acked).toBe(100);
  }, 60_000);
});
