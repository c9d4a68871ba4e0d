import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestOutcome, IngestRequest } from '../../server/core/ingest/ingest.ts';
import { createSite } from '../../server/core/sites.ts';
import { type IngestThreadOptions, startIngestThread } from '../../server/node/ingest-thread.ts';
import { migrate } from '../../server/node/migrate.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
import { tempDb } from '../helpers/db.ts';
import { FIREFOX_WINDOWS, MemoryLog } from '../helpers/server.ts';

const CONFIG = { trustProxy: 0, ipStorage: 'truncated', eventRateLimit: 0 } as const;

const request = (path: string): IngestRequest => ({
  body: JSON.stringify({ n: 'pageview', u: `https://example.com${path}`, d: 'example.com' }),
  contentType: 'text/plain',
  remoteAddress: '81.167.1.1',
  forwardedFor: null,
  headers: { 'user-agent': FIREFOX_WINDOWS },
  receivedAt: Date.now(),
});

describe('ingest thread', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  /** A migrated database with example.com, and an ingest thread writing to it. */
  const threadWithSite = async (options: IngestThreadOptions = {}) => {
    const t = tempDb();
    cleanups.push(t.cleanup);
    await createSite(t.db, { domain: 'example.com' }, Date.now());
    return { db: t.db, thread: startIngestThread({ dbPath: t.path, config: CONFIG }, new MemoryLog(), options) };
  };

  it('answers 503 while its thread is down, starts it again, and then stores events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teller-ingest-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // A file where the database's directory should be: the thread fails as it opens the database.
    writeFileSync(join(dir, 'data'), 'not a directory');
    const dbPath = join(dir, 'data', 'teller.db');
    const log = new MemoryLog();
    const thread = startIngestThread({ dbPath, config: CONFIG }, log);
    try {
      const first = await thread.ingest(request('/while-down'));
      expect(first).toMatchObject({ status: 503, failure: expect.stringMatching(/^ingest thread failed/) });
      expect(log.lines.some((l) => /^ingest thread failed: .*; starting it again in \d+ ms$/.test(l))).toBe(true);
      expect(thread.down()).toMatch(/^ingest thread failed/);

      rmSync(join(dir, 'data'));
      const db = openSqlite(dbPath);
      migrate(db.raw);
      await createSite(db, { domain: 'example.com' }, Date.now());

      let outcome: IngestOutcome = first;
      for (let tries = 0; outcome.status !== 202 && tries < 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        outcome = await thread.ingest(request('/after-restart'));
      }
      expect(outcome).toEqual({ status: 202 });
      expect(thread.down()).toBeNull();
      expect(await db.all('SELECT path FROM events')).toEqual([{ path: '/after-restart' }]);
      db.close();
    } finally {
      await thread.close();
    }
  });

  it('commits everything it acknowledged before close, and refuses what comes after', async () => {
    const { db, thread } = await threadWithSite();
    const outcomes = Array.from({ length: 200 }, (_, i) => thread.ingest(request(`/p${i}`)));
    const closed = thread.close();
    expect(await thread.ingest(request('/late'))).toEqual({ status: 503, failure: 'server is shutting down' });
    expect((await Promise.all(outcomes)).every((o) => o.status === 202)).toBe(true);
    await closed;
    expect((await db.first<{ n: number }>('SELECT count(*) AS n FROM events'))!.n).toBe(200);
  });

  it('answers 503 at once beyond the events it may hold waiting, and stores the rest', async () => {
    const { db, thread } = await threadWithSite({ maxWaiting: 10 });
    try {
      const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => thread.ingest(request(`/p${i}`))));
      expect(outcomes.filter((o) => o.status === 202)).toHaveLength(10);
      expect(outcomes.filter((o) => o.status === 503).map((o) => 'failure' in o && o.failure)).toEqual(
        Array(40).fill('10 events are already waiting to be stored'),
      );
      expect((await db.first<{ n: number }>('SELECT count(*) AS n FROM events'))!.n).toBe(10);
      // Once those are answered there is room again.
      expect(await thread.ingest(request('/later'))).toEqual({ status: 202 });
    } finally {
      await thread.close();
    }
  });

  /** Noon UTC of a day in the past, and events on each of the `days` days before it. */
  const NOON = Date.UTC(2026, 0, 10, 12);
  const eventsOnDaysBefore = (thread: ReturnType<typeof startIngestThread>, days: number) =>
    Promise.all(Array.from({ length: days }, (_, i) => thread.ingest({ ...request(`/day-${i + 1}`), receivedAt: NOON - (i + 1) * 86_400_000 })));

  it('runs maintenance on the thread at the instant it is given, one pass at a time, and reports it', async () => {
    const { db, thread } = await threadWithSite();
    try {
      expect((await eventsOnDaysBefore(thread, 3)).every((o) => o.status === 202)).toBe(true);
      const pass = thread.maintain(NOON);
      expect(thread.maintain(NOON)).toBe(pass);
      // Salts of the two oldest days go; yesterday's still serves visits open at midnight.
      expect(await pass).toEqual({ saltsDeleted: 2, daysRolledUp: 3, pairDaysBuilt: 0, pageviewDaysBuilt: 0, rawRowsPurged: 0 });
      expect(await db.first('SELECT days_through FROM rollup_state')).toEqual({ days_through: '2026-01-09' });
      expect(await thread.maintain(NOON)).toEqual({ saltsDeleted: 0, daysRolledUp: 0, pairDaysBuilt: 0, pageviewDaysBuilt: 0, rawRowsPurged: 0 });
    } finally {
      await thread.close();
    }
  });

  it('ends a maintenance pass after its current step when closed, and reports what it did', async () => {
    const { db, thread } = await threadWithSite();
    expect((await eventsOnDaysBefore(thread, 30)).every((o) => o.status === 202)).toBe(true);
    const pass = thread.maintain(NOON);
    await thread.close();
    const done = await pass;
    expect(done.daysRolledUp).toBeGreaterThan(0);
    expect(done.daysRolledUp).toBeLessThan(30);
    const rolled = await db.first<{ n: number }>("SELECT count(DISTINCT day) AS n FROM rollup_visits WHERE dimension = ''");
    expect(rolled!.n).toBe(done.daysRolledUp);
    await expect(thread.maintain(NOON)).rejects.toThrow('server is shutting down');
  });
});
