/**
 * The reader thread: reads answered on another thread equal the same reads on the HTTP
 * thread's connection; it refuses writes, bounds its queue, finishes what was asked before
 * it closes, and is started again when it cannot run. And what it is for: an event is
 * acknowledged and stored while a slow query is still running.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/core/config.ts';
import { createApp } from '../../server/core/http/app.ts';
import { StoreBusyError } from '../../server/core/ports.ts';
import { createSite } from '../../server/core/sites.ts';
import { migrate } from '../../server/node/migrate.ts';
import { type ReaderThread, startReaderThread } from '../../server/node/reader-thread.ts';
import { openSqlite, type SqliteDb } from '../../server/node/sqlite-db.ts';
import { tempDb } from '../helpers/db.ts';
import { MemoryLog, sendEvent, startTestServer } from '../helpers/server.ts';

const ADMIN = 'reader-thread-test-admin-token-0123456789';

/** The Hono app over the HTTP thread's connection `db`, with `reader` answering its queries. */
function appWithReader(db: SqliteDb, reader: ReaderThread, log: MemoryLog) {
  return createApp({
    db,
    readDb: reader.db,
    readerDown: reader.down,
    ingest: async () => ({ status: 503, failure: 'not used here' }),
    remoteAddress: () => null,
    clock: Date.now,
    config: parseConfig({ TELLER_ADMIN_TOKEN: ADMIN }),
    log,
  });
}

const realtime = (app: ReturnType<typeof createApp>) =>
  app.request('/api/v1/stats/realtime/visitors?site_id=example.com', { headers: { authorization: `Bearer ${ADMIN}` } });

/** A read that keeps the reader busy, about a second per 5 million: counting through a recursive CTE. */
const countTo = (n: number) => `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) SELECT count(*) AS n FROM c`;

describe('reader thread', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A migrated database with two sites, and a reader thread on it. */
  const readerWithSites = async (options: Parameters<typeof startReaderThread>[2] = {}) => {
    const t = tempDb();
    cleanups.push(t.cleanup);
    await createSite(t.db, { domain: 'example.com', timezone: 'Europe/Oslo' }, Date.UTC(2026, 0, 1));
    await createSite(t.db, { domain: 'example.org' }, Date.UTC(2026, 0, 2));
    const log = new MemoryLog();
    const reader = startReaderThread({ dbPath: t.path }, log, options);
    cleanups.push(() => reader.close());
    return { db: t.db, reader, log, app: appWithReader(t.db, reader, log) };
  };

  it('answers reads as the HTTP thread’s own connection does: rows, none, parameters, SQL errors', async () => {
    const { db, reader } = await readerWithSites();
    const reads: [string, (string | number | null)[]][] = [
      ['SELECT id, domain, timezone FROM sites ORDER BY id', []],
      ['SELECT domain FROM sites WHERE domain = ?', ['example.org']],
      ['SELECT domain FROM sites WHERE id > ?', [99]],
      ['SELECT ? AS text, ? AS number, ? AS absent', ['ø', 1.5, null]],
    ];
    for (const [sql, params] of reads) {
      expect(await reader.db.all(sql, params)).toEqual(await db.all(sql, params));
      expect(await reader.db.first(sql, params)).toEqual(await db.first(sql, params));
    }
    const direct = await db.all('SELECT nope FROM sites').catch((e: Error & { code?: string }) => ({ message: e.message, code: e.code }));
    const viaReader = await reader.db.all('SELECT nope FROM sites').catch((e: Error & { code?: string }) => ({ message: e.message, code: e.code }));
    expect(viaReader).toEqual(direct);
    expect(viaReader).toMatchObject({ message: expect.stringContaining('nope'), code: 'SQLITE_ERROR' });
  });

  it('sees what other connections committed, and never writes itself', async () => {
    const { db, reader } = await readerWithSites();
    await createSite(db, { domain: 'example.net' }, Date.now());
    expect(await reader.db.first('SELECT domain FROM sites WHERE domain = ?', ['example.net'])).toEqual({ domain: 'example.net' });
    await expect(reader.db.run('DELETE FROM sites')).rejects.toThrow(/only reads/);
    await expect(reader.db.batch([{ sql: 'DELETE FROM sites', params: [] }])).rejects.toThrow(/only reads/);
    // Even a write dressed as a read: the connection is query_only.
    await expect(reader.db.all("INSERT INTO sites (domain, timezone, created_at) VALUES ('x.example', 'UTC', 0) RETURNING id")).rejects.toThrow(/readonly/);
    expect(await db.all('SELECT domain FROM sites ORDER BY id')).toEqual([{ domain: 'example.com' }, { domain: 'example.org' }, { domain: 'example.net' }]);
  });

  it('answers many reads in flight, in the order they were asked', async () => {
    const { reader } = await readerWithSites();
    const answered: number[] = [];
    await Promise.all(Array.from({ length: 50 }, (_, i) => reader.db.first<{ i: number }>('SELECT ? AS i', [i]).then((row) => answered.push(row!.i))));
    expect(answered).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('refuses a read at once when too many wait, and answers the others', async () => {
    const { reader } = await readerWithSites({ maxWaiting: 2 });
    const slow = reader.db.first<{ n: number }>(countTo(5_000_000));
    const next = reader.db.first<{ one: number }>('SELECT 1 AS one');
    const refused = await reader.db.first('SELECT 2 AS two').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreBusyError);
    expect((refused as Error).message).toBe('2 queries are already waiting to be answered');
    expect(await slow).toEqual({ n: 5_000_000 });
    expect(await next).toEqual({ one: 1 });
    expect(await reader.db.first('SELECT 3 AS three')).toEqual({ three: 3 });
  });

  it('answers every read asked before close, and refuses those after', async () => {
    const { reader } = await readerWithSites();
    const asked = Array.from({ length: 20 }, (_, i) => reader.db.first<{ i: number }>('SELECT ? AS i', [i]));
    const closed = reader.close();
    await expect(reader.db.first('SELECT 1')).rejects.toThrow(new StoreBusyError('server is shutting down'));
    expect((await Promise.all(asked)).map((row) => row!.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await closed;
    expect(reader.down()).toBeNull();
  });

  it('reports itself down (503 at /healthz, 503 for queries) while it cannot run, and answers once started again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teller-reader-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // A file where the database's directory should be: the thread fails as it opens the database.
    writeFileSync(join(dir, 'data'), 'not a directory');
    const dbPath = join(dir, 'data', 'teller.db');
    const log = new MemoryLog();
    const reader = startReaderThread({ dbPath }, log);
    cleanups.push(() => reader.close());
    await expect.poll(() => reader.down(), { timeout: 10_000 }).toMatch(/^reader thread failed/);
    expect(log.lines.some((l) => /^reader thread failed: .*; starting it again in \d+ ms$/.test(l))).toBe(true);
    await expect(reader.db.first('SELECT 1 AS one')).rejects.toBeInstanceOf(StoreBusyError);

    // The HTTP thread's connection is a healthy file elsewhere: only the reader is down.
    const t = tempDb();
    cleanups.push(t.cleanup);
    await createSite(t.db, { domain: 'example.com' }, Date.now());
    const app = appWithReader(t.db, reader, log);
    const health = await app.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'error', database: 'writable', ingest: 'ok', reader: expect.stringMatching(/^reader thread failed/) });
    const refused = await realtime(app);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/^busy, try again: reader thread failed/) });

    rmSync(join(dir, 'data'));
    const db = openSqlite(dbPath);
    cleanups.push(() => db.close());
    migrate(db.raw);
    await createSite(db, { domain: 'example.com' }, Date.now());
    await expect.poll(() => reader.down(), { timeout: 20_000, interval: 50 }).toBeNull();
    expect(await reader.db.all('SELECT domain FROM sites')).toEqual([{ domain: 'example.com' }]);
    expect((await app.request('/healthz')).status).toBe(200);
    expect(await (await realtime(app)).json()).toBe(0);
  });

  it('answers a query 503 with Retry-After, not 500, while too many wait', async () => {
    const { reader, app } = await readerWithSites({ maxWaiting: 1 });
    const slow = reader.db.first(countTo(5_000_000));
    const refused = await realtime(app);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ error: 'busy, try again: 1 queries are already waiting to be answered' });
    await slow;
    const answered = await realtime(app);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toBe(0);
  });
});

describe('Node server with a reader thread', () => {
  it('acknowledges and stores an event while a slow query runs on the reader, where the Stats API waits its turn', async () => {
    // One reader thread: the count has no other to run on (reader-pool.test.ts has two).
    const server = await startTestServer({ env: { TELLER_READER_THREADS: '1' }, config: { adminToken: ADMIN } });
    try {
      await server.addSite('example.com');
      const finished: string[] = [];
      const slow = server.readDb.first<{ n: number }>(countTo(10_000_000)).then((row) => {
        finished.push('slow query');
        return row;
      });
      const count = fetch(`${server.url}/api/v1/stats/realtime/visitors?site_id=example.com`, { headers: { authorization: `Bearer ${ADMIN}` } }).then(async (res) => {
        finished.push('realtime count');
        return { status: res.status, body: await res.json() };
      });
      const event = await sendEvent(server, { n: 'pageview', u: 'https://example.com/during-a-slow-query', d: 'example.com' });
      expect(event.status).toBe(202);
      expect(await server.db.all('SELECT path FROM events')).toEqual([{ path: '/during-a-slow-query' }]);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      finished.push('event stored');
      expect(await slow).toEqual({ n: 10_000_000 });
      // The count read after the query it queued behind, so it saw the event.
      expect(await count).toEqual({ status: 200, body: 1 });
      expect(finished).toEqual(['event stored', 'slow query', 'realtime count']);
    } finally {
      await server.stop();
    }
  });
});
