/**
 * Several reader threads: a slow read on one does not hold up a fast read on another (with
 * one thread it does), over the pool alone and through the Stats API with fair share; a
 * thread that dies answers its read busy while the others keep answering, and is started
 * again; and TELLER_READER_THREADS is checked at start. Order of completions only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../server/core/config.ts';
import { StoreBusyError } from '../../server/core/ports.ts';
import { createSite } from '../../server/core/sites.ts';
import { readerThreads, startReaderThread } from '../../server/node/reader-thread.ts';
import { tempDb } from '../helpers/db.ts';
import { MemoryLog, startTestServer } from '../helpers/server.ts';

const ADMIN = 'reader-pool-test-admin-token-0123456789ab';

/** A read that keeps a reader busy, about a second per 5 million: counting through a recursive CTE. */
const countTo = (n: number) => `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) SELECT count(*) AS n FROM c`;

/** The order in which a slow read and a fast read asked just after it finish. */
async function finishOrder(first: (sql: string) => Promise<unknown>, slowSql: string): Promise<string[]> {
  const finished: string[] = [];
  const slow = first(slowSql).then(() => finished.push('slow'));
  const fast = first('SELECT 1 AS one').then(() => finished.push('fast'));
  await Promise.all([slow, fast]);
  return finished;
}

describe('reader threads in a pool', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const pool = async (options: Parameters<typeof startReaderThread>[2]) => {
    const t = tempDb();
    cleanups.push(t.cleanup);
    await createSite(t.db, { domain: 'example.com' }, Date.UTC(2026, 0, 1));
    const log = new MemoryLog();
    const reader = startReaderThread({ dbPath: t.path }, log, options);
    cleanups.push(() => reader.close());
    return { reader, log };
  };

  it('answers a fast read beside a slow one with two threads, and after it with one', async () => {
    const two = await pool({ threads: 2 });
    expect(await finishOrder((sql) => two.reader.db.first(sql), countTo(5_000_000))).toEqual(['fast', 'slow']);
    const one = await pool({ threads: 1 });
    expect(await finishOrder((sql) => one.reader.db.first(sql), countTo(5_000_000))).toEqual(['slow', 'fast']);
  });

  it('answers the read of a thread that dies busy, keeps answering on the others, and starts it again', async () => {
    // Threads whose reader ends itself on one statement, as a crash would.
    const { reader, log } = await pool({ threads: 2, worker: new URL('./reader-crash-worker.ts', import.meta.url) });
    // Both idle: the first read goes to the first thread, the next to the second.
    const lost = reader.db.all("SELECT 'end this thread'").catch((e: unknown) => e);
    const answered = reader.db.first<{ one: number }>('SELECT 1 AS one');
    expect(await answered).toEqual({ one: 1 });
    const error = await lost;
    expect(error).toBeInstanceOf(StoreBusyError);
    expect((error as Error).message).toBe('reader thread 1 exited (1)');
    expect(log.lines.some((l) => /^reader thread 1 exited \(1\); starting it again in \d+ ms$/.test(l))).toBe(true);
    // One thread still reads: the pool is not down, and reads are answered meanwhile.
    expect(reader.down()).toBeNull();
    expect(await reader.db.first('SELECT 2 AS two')).toEqual({ two: 2 });
    // Started again: a slow and a fast read run side by side once more.
    await expect.poll(() => finishOrder((sql) => reader.db.first(sql), countTo(2_000_000)), { timeout: 20_000, interval: 100 }).toEqual(['fast', 'slow']);
  });

  it('reads the Stats API for one credential while another credential’s slow statement holds a turn', async () => {
    const server = await startTestServer({ env: { TELLER_COLUMNAR: 'off' }, config: { adminToken: ADMIN } });
    cleanups.push(() => server.stop());
    await server.addSite('example.com');
    const finished: string[] = [];
    // A slow statement in its query's turn on the reader, as a heavy Stats API query takes it.
    const slow = server.queryShare.run('another credential', (turns) => turns.read('reader', () => server.readDb.first(countTo(10_000_000)))).then(() => finished.push('slow statement'));
    const count = fetch(`${server.url}/api/v1/stats/realtime/visitors?site_id=example.com`, { headers: { authorization: `Bearer ${ADMIN}` } }).then(async (res) => {
      finished.push('realtime count');
      return { status: res.status, body: await res.json() };
    });
    expect(await count).toEqual({ status: 200, body: 0 });
    await slow;
    expect(finished).toEqual(['realtime count', 'slow statement']);
  });

  it('takes TELLER_READER_THREADS from 1 to 4, 2 when unset, and refuses to start with any other value', async () => {
    expect(readerThreads({})).toBe(2);
    expect(readerThreads({ TELLER_READER_THREADS: '' })).toBe(2);
    expect(readerThreads({ TELLER_READER_THREADS: '1' })).toBe(1);
    expect(readerThreads({ TELLER_READER_THREADS: '4' })).toBe(4);
    for (const bad of ['0', '5', '1.5', 'two', '-1']) {
      expect(() => readerThreads({ TELLER_READER_THREADS: bad })).toThrow(new ConfigError(`TELLER_READER_THREADS must be a whole number from 1 to 4, got "${bad}"`));
    }
    await expect(startTestServer({ env: { TELLER_READER_THREADS: '8' } })).rejects.toThrow(new ConfigError('TELLER_READER_THREADS must be a whole number from 1 to 4, got "8"'));
  });
});
