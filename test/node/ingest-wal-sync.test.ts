/**
 * The ingest thread's deferred WAL sync (server/node/ingest-db.ts): event groups are
 * committed without waiting for the disk and answered only after an fsync of the WAL file
 * that started after their commit, with an fsync injected so the test decides when and how
 * it ends.
 */
import Database from 'better-sqlite3';
import { type NoParamCallback, fstatSync, fsync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessedEvent } from '../../server/core/ingest/event.ts';
import { createSite } from '../../server/core/sites.ts';
import { GroupCommitWriter } from '../../server/core/writer/group-commit.ts';
import { deferredWalSync } from '../../server/node/ingest-db.ts';
import { tempDb } from '../helpers/db.ts';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0) / 1000;

function pageview(siteId: number, visitor: number, path: string): ProcessedEvent {
  return {
    siteId, ts: T0, kind: 'pageview', visitor, name: 'pageview', hostname: 'shop.no', path, siteSearch: null, props: [], revenue: null,
    visit: {
      referrer: null, source: null, channel: 'Direct', searchEngine: null, searchKeyword: null,
      utmSource: null, utmMedium: null, utmCampaign: null, utmTerm: null, utmContent: null,
      country: 'NO', browser: 'Firefox', browserVersion: '133.0', os: 'Windows', osVersion: '10', device: 'Desktop', ip: null,
    },
  };
}

/** An fsync that waits until the test ends it, really syncing only when told to succeed. */
class HeldFsync {
  readonly calls: { fd: number; done: NoParamCallback }[] = [];
  readonly fsync = (fd: number, done: NoParamCallback) => void this.calls.push({ fd, done });
  succeed(): Promise<void> {
    const call = this.calls.shift()!;
    return new Promise((resolve) => fsync(call.fd, (error) => (call.done(error), resolve())));
  }
  fail(): void {
    this.calls.shift()!.done(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('deferred WAL sync', () => {
  let t: ReturnType<typeof tempDb>;
  let siteId: number;
  let held: HeldFsync;
  let walSync: ReturnType<typeof deferredWalSync>;
  let writer: GroupCommitWriter;
  beforeEach(async () => {
    t = tempDb();
    siteId = (await createSite(t.db, { domain: 'shop.no' }, T0 * 1000)).id;
    held = new HeldFsync();
    walSync = deferredWalSync(t.db, t.db.raw, t.path, held.fsync);
    writer = new GroupCommitWriter(t.db, { groupSize: (queued) => Math.min(queued, 2), deferredSync: walSync });
  });
  afterEach(() => {
    walSync.close();
    t.cleanup();
  });

  const stored = async () => (await t.db.all<{ path: string }>('SELECT path FROM events ORDER BY path')).map((r) => r.path);
  const track = (p: Promise<void>) => {
    const state = { status: 'pending' as 'pending' | 'fulfilled' | 'rejected', error: null as unknown };
    p.then(() => (state.status = 'fulfilled'), (error: unknown) => Object.assign(state, { status: 'rejected', error }));
    return state;
  };

  it('answers a group only after an fsync of the WAL that started after its commit, and writes the next groups meanwhile', async () => {
    const first = [track(writer.write(pageview(siteId, 1, '/a'))), track(writer.write(pageview(siteId, 2, '/b')))];
    await settle();
    expect(await stored()).toEqual(['/a', '/b']);
    expect(held.calls).toHaveLength(1);
    expect(first.map((s) => s.status)).toEqual(['pending', 'pending']);
    // The descriptor synced is the WAL file's.
    expect(fstatSync(held.calls[0]!.fd).ino).toBe(statSync(`${t.path}-wal`).ino);

    // Written while the first fsync runs; it needs an fsync of its own.
    const second = [track(writer.write(pageview(siteId, 3, '/c'))), track(writer.write(pageview(siteId, 4, '/d')))];
    await settle();
    expect(await stored()).toEqual(['/a', '/b', '/c', '/d']);
    expect(held.calls).toHaveLength(1);

    await held.succeed();
    await settle();
    expect(first.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(second.map((s) => s.status)).toEqual(['pending', 'pending']);
    expect(held.calls).toHaveLength(1);
    await held.succeed();
    await settle();
    expect(second.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    // Only event groups skip the commit's fsync: the connection's other writes keep it.
    expect(t.db.raw.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('fails the groups of a failed fsync, and answers nothing more until a checkpoint has put the WAL into the database file', async () => {
    const lost = [track(writer.write(pageview(siteId, 1, '/a'))), track(writer.write(pageview(siteId, 2, '/b')))];
    await settle();
    const after = [track(writer.write(pageview(siteId, 3, '/c'))), track(writer.write(pageview(siteId, 4, '/d')))];
    await settle();
    expect(statSync(`${t.path}-wal`).size).toBeGreaterThan(0);
    held.fail();
    await settle();
    expect(lost.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(String(lost[0]!.error)).toMatch(/syncing .*-wal to disk failed: EIO/);
    // Committed after the frames that may be missing on disk: answered through the checkpoint, not an fsync.
    expect(held.calls).toHaveLength(0);
    expect(after.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(statSync(`${t.path}-wal`).size).toBe(0);

    // Back to normal: the next group waits for its fsync again.
    const later = track(writer.write(pageview(siteId, 5, '/e')));
    await settle();
    expect(held.calls).toHaveLength(1);
    expect(later.status).toBe('pending');
    await held.succeed();
    await settle();
    expect(later.status).toBe('fulfilled');
  });

  it('keeps failing groups while the checkpoint after a failed fsync cannot complete', async () => {
    const lost = track(writer.write(pageview(siteId, 1, '/a')));
    await settle();
    held.fail();
    await settle();
    expect(lost.status).toBe('rejected');
    // A reader in the middle of a read transaction keeps the WAL from being emptied.
    const reader = tempDbReader(t.path);
    t.db.raw.pragma('busy_timeout = 0');
    try {
      const blocked = track(writer.write(pageview(siteId, 2, '/b')));
      await settle();
      expect(blocked.status).toBe('rejected');
      expect(String(blocked.error)).toMatch(/not known to be on disk since a failed sync/);
    } finally {
      reader.end();
    }
    const retried = track(writer.write(pageview(siteId, 3, '/c')));
    await settle();
    expect(retried.status).toBe('fulfilled');
    expect(held.calls).toHaveLength(0);
  });

  it('while a sync runs, writes a group only once enough events wait, and what waits when it ends', async () => {
    const batching = new GroupCommitWriter(t.db, { groupWhileSyncing: 3, deferredSync: walSync });
    const first = track(batching.write(pageview(siteId, 1, '/a')));
    await settle();
    expect(held.calls).toHaveLength(1);
    const waiting = [track(batching.write(pageview(siteId, 2, '/b'))), track(batching.write(pageview(siteId, 3, '/c')))];
    await settle();
    // Two wait: not written while the first group's fsync runs.
    expect(await stored()).toEqual(['/a']);
    const third = track(batching.write(pageview(siteId, 4, '/d')));
    await settle();
    expect(await stored()).toEqual(['/a', '/b', '/c', '/d']);
    const fifth = track(batching.write(pageview(siteId, 5, '/e')));
    await settle();
    expect(await stored()).toEqual(['/a', '/b', '/c', '/d']);
    await held.succeed();
    await settle();
    expect(first.status).toBe('fulfilled');
    expect([...waiting, third].map((s) => s.status)).toEqual(['pending', 'pending', 'pending']);
    // The sync's end lets the one event left be written, whatever the group's size, and the next sync covers both groups.
    expect(await stored()).toEqual(['/a', '/b', '/c', '/d', '/e']);
    expect(held.calls).toHaveLength(1);
    await held.succeed();
    await settle();
    expect([...waiting, third, fifth].map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(held.calls).toHaveLength(0);
  });

  it('never syncs a descriptor of a WAL file that is no longer the one at its path', async () => {
    const first = track(writer.write(pageview(siteId, 1, '/a')));
    await settle();
    await held.succeed();
    await settle();
    expect(first.status).toBe('fulfilled');
    // Another file now at the WAL's path (as when the WAL is created anew).
    const wal = `${t.path}-wal`;
    const copy = readFileSync(wal);
    renameSync(wal, `${wal}.old`);
    writeFileSync(wal, copy);
    const second = track(writer.write(pageview(siteId, 2, '/b')));
    await settle();
    expect(held.calls).toHaveLength(1);
    expect(fstatSync(held.calls[0]!.fd).ino).toBe(statSync(wal).ino);
    expect(fstatSync(held.calls[0]!.fd).ino).not.toBe(statSync(`${wal}.old`).ino);
    await held.succeed();
    await settle();
    expect(second.status).toBe('fulfilled');
  });
});

/** A second connection holding a read transaction open on the database, until `end()`. */
function tempDbReader(path: string): { end(): void } {
  const db = new Database(path);
  db.exec('BEGIN');
  db.prepare('SELECT count(*) FROM events').get();
  return {
    end() {
      db.exec('COMMIT');
      db.close();
    },
  };
}
