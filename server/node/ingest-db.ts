/**
 * Settings of the ingest thread's SQLite connection, the one that writes every event, and
 * what its failed writes say.
 * @module
 */
import { type BigIntStats, type NoParamCallback, closeSync, fsync as fsFsync, fstatSync, openSync, statSync } from 'node:fs';
import type { Db, Stmt } from '../core/ports.ts';
import type { DeferredSync } from '../core/writer/group-commit.ts';
import { type SqliteDb, readOnlyMount } from './sqlite-db.ts';

/**
 * Pages of WAL before a commit also checkpoints (SQLite's default is 1,000). Each commit
 * appends every page it changed, and the same index pages change in commit after commit;
 * a checkpoint copies each page once however often it changed, so checkpointing every 4,000
 * pages (16 MB of WAL) copies fewer pages per event: about 10 µs of CPU less per event with
 * many new visitors (docs/benchmarks.md).
 */
const WAL_AUTOCHECKPOINT_PAGES = 4000;

export function tuneIngestConnection(db: SqliteDb): void {
  db.raw.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
}

/**
 * The connection as the ingest thread uses it, its failed writes naming SQLite's code and,
 * when the file can no longer be written, why: a filesystem the kernel turned read-only
 * after a disk error (ext4's errors=remount-ro) reaches SQLite only as "disk I/O error".
 * The failure goes to the log and to /healthz.
 */
export function explainedWrites(db: SqliteDb, path: string): Db {
  return {
    ...db,
    async run(sql, params) {
      try {
        return await db.run(sql, params);
      } catch (error) {
        throw explain(error, path);
      }
    },
    async batch(stmts) {
      try {
        await db.batch(stmts);
      } catch (error) {
        throw explain(error, path);
      }
    },
  };
}

function explain(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (!(error instanceof Error) || typeof code !== 'string') return error;
  const readOnly = /^SQLITE_(IOERR|READONLY)/.test(code) ? readOnlyMount(path) : null;
  const why = readOnly ? `: the filesystem holding ${path} is read-only (${readOnly})` : '';
  return Object.assign(new Error(`${error.message} (${code})${why}`), { code });
}

/**
 * Event groups committed without waiting for the disk, made durable by an fsync of the WAL
 * file in libuv's thread pool while this thread writes the next group (GroupCommitWriter's
 * `deferredSync`). A group of 32 costs a few milliseconds of CPU and its fsync about as
 * long again; with the fsync inside the commit (synchronous=FULL) this thread, and the HTTP
 * thread waiting for its answers, sat idle through every one.
 *
 * Why an answer after `sync()` resolves is as safe as one after a synchronous=FULL commit:
 * - In WAL mode, FULL differs from NORMAL only in one fsync of the WAL file after the
 *   commit's frames are written; nothing else is written or synced differently (on Linux,
 *   SQLite pads no frames to a sector: its unix files claim powersafe overwrite). A WAL
 *   commit is on disk once its frames are, the frames before it being on disk already.
 * - fsync() on any descriptor of a file writes back all of that file's dirty pages and its
 *   size; `sync()` runs it on a descriptor of its own, opened on the same file, after the
 *   commits it covers were written, so it covers them.
 * - Same file: SQLite creates the -wal file anew only when the last connection to the
 *   database closes or leaves WAL mode. This connection stays open, in WAL mode, while the
 *   writer runs (and holds a shared lock on the database file, so no other connection
 *   ever finds itself the last), but `sync()` does not rely on it: it compares the file at
 *   the path, right after the covered commits, with the one its descriptor holds, and opens
 *   the path again when they differ. An fsync of a stale descriptor never answers a group.
 * - Frames are overwritten only when the WAL starts over, after a checkpoint copied every
 *   frame into the database file; with synchronous=NORMAL a checkpoint still syncs the WAL
 *   before copying and the database file after, and SQLite syncs the new WAL header before
 *   frames go behind it. Truncation (journal_size_limit, a TRUNCATE checkpoint) likewise
 *   only follows a complete checkpoint. None of it can drop a committed frame unsynced.
 * - Other connections' commits (the HTTP thread's, synchronous=FULL) sync the same file
 *   themselves; maintenance on this connection commits with FULL (only event groups go
 *   through `commit`).
 * - A failed fsync fails the groups it covered (503). After one, Linux may mark the pages
 *   it could not write clean, so a later fsync succeeds without them; and WAL recovery stops
 *   at the first frame missing from disk, so every commit after it would be lost with it.
 *   So after a failure nothing is answered until a TRUNCATE checkpoint (synchronous=FULL)
 *   has copied the whole WAL into the database file, synced it and emptied the WAL: `sync()`
 *   tries that first and fails its groups while it does not succeed. The checkpoint reads
 *   frames whose write-back failed from the page cache; a disk that loses written pages
 *   is beyond what any synchronous setting protects against.
 */
export function deferredWalSync(db: Db, raw: SqliteDb['raw'], dbPath: string, fsync: (fd: number, done: NoParamCallback) => void = fsFsync): DeferredSync & { close(): void } {
  const walPath = `${dbPath}-wal`;
  const normal = raw.prepare('PRAGMA synchronous = NORMAL');
  const full = raw.prepare('PRAGMA synchronous = FULL');
  let fd: number | null = null;
  let held: BigIntStats | null = null;
  let failure: Error | null = null;

  const descriptor = (): number => {
    const now = statSync(walPath, { bigint: true });
    if (fd !== null && held !== null && held.ino === now.ino && held.dev === now.dev) return fd;
    if (fd !== null) closeSync(fd);
    fd = null;
    const opened = openSync(walPath, 'r+');
    held = fstatSync(opened, { bigint: true });
    fd = opened;
    // Opened after the stat: what it holds must be what was at the path then.
    if (held.ino !== now.ino || held.dev !== now.dev) throw new Error(`${walPath} was replaced while being opened`);
    return fd;
  };

  const recover = (): void => {
    const [result] = raw.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (!result || result.busy !== 0) throw new Error('the checkpoint could not complete (readers kept the WAL busy)');
    failure = null;
  };

  return {
    async commit(stmts: readonly Stmt[]) {
      normal.run();
      try {
        await db.batch(stmts);
      } finally {
        full.run();
      }
    },
    sync() {
      try {
        if (failure) {
          recover();
          return Promise.resolve();
        }
        const target = descriptor();
        return new Promise<void>((resolve, reject) => {
          fsync(target, (error) => {
            if (!error) return resolve();
            failure = error;
            reject(Object.assign(new Error(`syncing ${walPath} to disk failed: ${error.message}`), { code: error.code }));
          });
        });
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return Promise.reject(new Error(failure ? `${walPath} is not known to be on disk since a failed sync (${failure.message}); ${why}` : `syncing ${walPath} to disk failed: ${why}`));
      }
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
