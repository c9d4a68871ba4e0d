/**
 * The columnar copy's own process: it holds the DuckDB copy (duckdb-store.ts) and a
 * read-only SQLite connection to fill it from. DuckDB is native code that may abort the
 * process on a storage failure it cannot report (a failing disk under its WAL): in a
 * process of its own, that costs only the copy, which copy-client.ts starts again, while
 * events, rollups and SQLite reads go on in the server.
 *
 * After each maintenance pass the server asks it to bring the copy in step with what
 * maintenance has rolled up, a few days per step so reads go on between steps; it answers
 * the copy's reads on DuckDB's own threads.
 * @module
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { setPriority } from 'node:os';
import { syncColumnarCopy } from '../../core/columnar/sync.ts';
import type { ColumnarCoverage, SqlValue, Stmt } from '../../core/ports.ts';
import { processSide, serve } from '../channel.ts';
import { openSqlite } from '../sqlite-db.ts';
import { COPY_UNAVAILABLE_EXIT } from './options.ts';
import { openDuckStore, type DuckStore, type DuckStoreOptions } from './duckdb-store.ts';

export interface CopyProcessData {
  dbPath: string;
  options: DuckStoreOptions;
}

export interface ColumnarRead {
  sql: string;
  params: readonly SqlValue[];
  sets?: readonly Stmt[];
}

export interface CoverageRequest {
  siteId: number;
  timeZone: string;
}

/** The process's calls (../channel.ts): a read of the copy, and what the copy holds of a site. */
export interface CopyProcessCalls {
  read: (read: ColumnarRead) => Promise<Array<Record<string, SqlValue>>>;
  coverage: (request: CoverageRequest) => Promise<ColumnarCoverage | null>;
}

/** Notes besides the calls: the server asks it to sync; it sends its log lines. */
export type ToCopyProcess = { type: 'sync'; nowMs: number };
export type FromCopyProcess = { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** Days copied per step: small, so a backfill holds up reads for a few milliseconds at a time. */
const DAYS_PER_STEP = 4;
/** After a failed step, when to try again (maintenance asks again too, every few minutes). */
const RETRY_MS = 60_000;

const { dbPath, options } = JSON.parse(process.env.TELLER_COPY_PROCESS ?? '{}') as CopyProcessData;
// The server may be gone (killed) while a message is on the way; this process then ends on 'disconnect'.
const side = processSide();
const log = (level: 'info' | 'warn' | 'error', message: string) => side.post({ type: 'log', level, message } satisfies FromCopyProcess);
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Below the server's priority: DuckDB takes every core for a query, which is what makes a
 * filtered view fast on an idle machine, but where events and queries compete for the
 * cores, the kernel lets the events through first.
 */
const NICENESS = 10;
try {
  setPriority(NICENESS);
} catch {
  // Not allowed here (some containers): the copy runs at the server's priority.
}

const db = openSqlite(dbPath);
// A statement that would write fails here instead of taking the write lock from the writers.
db.raw.pragma('query_only = ON');

/**
 * Opens the copy. A file DuckDB cannot open (damaged, or left by another program) is set
 * aside and the copy written again, since it is derived data; when DuckDB itself cannot be
 * loaded, or the path is no file, this rejects.
 */
async function openCopy(): Promise<DuckStore> {
  try {
    return await openDuckStore(options);
  } catch (error) {
    const loads = await import('@duckdb/node-api').then(
      () => true,
      () => false,
    );
    if (!loads || !existsSync(options.path) || !statSync(options.path).isFile()) throw error;
    const aside = `${options.path}.broken`;
    renameSync(options.path, aside);
    rmSync(`${options.path}.wal`, { force: true });
    log('warn', `columnar copy ${options.path} could not be opened (${reason(error)}): set aside as ${aside}, copying the closed days again`);
    return openDuckStore(options);
  }
}

let store: DuckStore;
try {
  store = await openCopy();
} catch (error) {
  log('warn', `columnar copy unavailable (${reason(error)}): filtered views are answered from SQLite alone, more slowly`);
  db.close();
  // The copy cannot run here; the client does not start it again.
  process.exit(COPY_UNAVAILABLE_EXIT);
}

let closing = false;
let syncTimer: NodeJS.Timeout | null = null;
let syncing: Promise<void> | null = null;
/** Asked to sync while a step ran: one more pass once it ends. */
let again = false;
let copied = 0;
let copyStarted = 0;
/** The server's clock, as of its last request to sync, and how long ago that was here. */
let askedAt = { serverMs: 0, localMs: 0 };
const syncNowMs = () => askedAt.serverMs + (Date.now() - askedAt.localMs);

const scheduleSync = (delay: number) => {
  if (closing) return;
  if (syncTimer) clearTimeout(syncTimer);
  syncTimer = setTimeout(() => {
    syncTimer = null;
    syncing = sync().finally(() => {
      syncing = null;
      if (again) {
        again = false;
        scheduleSync(0);
      }
    });
  }, delay);
};

async function sync(): Promise<void> {
  try {
    if (copied === 0) copyStarted = performance.now();
    const result = await syncColumnarCopy(db, store, DAYS_PER_STEP, Math.floor(syncNowMs() / 1000));
    copied += result.daysWritten;
    if (result.behind) return scheduleSync(0);
    if (copied > 0) log('info', `columnar copy: ${copied} closed days copied in ${((performance.now() - copyStarted) / 1000).toFixed(1)} s`);
    copied = 0;
  } catch (error) {
    log('error', `columnar copy failed: ${reason(error)}; trying again in ${RETRY_MS / 1000} s (queries read SQLite meanwhile)`);
    scheduleSync(RETRY_MS);
  }
}

const calls: CopyProcessCalls = {
  read: ({ sql, params, sets }) => store.all(sql, params, sets),
  coverage: ({ siteId, timeZone }) => store.coverage(siteId, timeZone),
};

// The server went away without saying so: nothing is left to answer.
process.on('disconnect', () => process.exit(0));
// Ctrl-C and systemd signal the whole process group: the server decides when this process closes.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

serve(side, {
  calls,
  onNote(note: ToCopyProcess) {
    askedAt = { serverMs: note.nowMs, localMs: Date.now() };
    if (syncing) again = true;
    else scheduleSync(0);
  },
  async onClose() {
    closing = true;
    if (syncTimer) clearTimeout(syncTimer);
    await syncing;
    store.close();
    db.close();
  },
});
