/**
 * Group commit: events arriving while the database is busy are written together in one
 * transaction, and each request is acknowledged only once its group is committed.
 * One fsync then serves hundreds of events instead of one.
 * @module
 */
import type { ProcessedEvent } from '../ingest/event.ts';
import type { Db, EventWriter, Stmt } from '../ports.ts';
import { recordEventStatements } from '../store/record-event.ts';

interface Pending {
  stmts: Stmt[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WriterClosedError extends Error {
  constructor() {
    super('writer is closed');
  }
}

export interface GroupCommitOptions {
  /**
   * How many of the queued events the next transaction takes (default: all, up to 1000).
   * Whatever is left waits for the next scheduled flush, so other work (answering the
   * group just written) runs between groups.
   */
  groupSize?: (queued: number) => number;
  /** Defers a flush until the current I/O callbacks have queued their events. */
  schedule?: (run: () => void) => void;
  /**
   * Durability after the commit instead of inside it: groups are committed with
   * `commit`, which need not wait for the disk, and answered only once a `sync()` called
   * after their commit has resolved. One sync runs at a time while the next groups are
   * written; the groups committed meanwhile share the next one. A failed sync fails the
   * groups it covered. Without it, `db.batch` is durable by itself (synchronous=FULL).
   */
  deferredSync?: DeferredSync;
  /**
   * With `deferredSync`: while a sync runs, a group is written only once this many events
   * wait (default 1). Its answers wait for the next sync anyway, and a small group costs
   * more per event (each commit writes every page it changed); when the sync ends, what
   * waits is written whatever its size.
   */
  groupWhileSyncing?: number;
}

export interface DeferredSync {
  /** Commits the statements atomically; they may not be on disk yet when it resolves. */
  commit(stmts: readonly Stmt[]): Promise<void>;
  /** Resolves once everything committed before the call is on disk, or rejects. */
  sync(): Promise<void>;
}

export class GroupCommitWriter implements EventWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private closed = false;
  /** Committed, waiting for a sync to start. */
  private unsynced: Pending[] = [];
  private syncing: Promise<void> | null = null;
  private readonly groupSize: (queued: number) => number;
  private readonly schedule: (run: () => void) => void;
  private readonly deferredSync: DeferredSync | undefined;
  private readonly groupWhileSyncing: number;

  constructor(private readonly db: Db, options: GroupCommitOptions = {}) {
    this.groupSize = options.groupSize ?? ((queued) => Math.min(queued, 1000));
    this.schedule = options.schedule ?? ((run) => setTimeout(run, 0));
    this.deferredSync = options.deferredSync;
    this.groupWhileSyncing = options.groupWhileSyncing ?? 1;
  }

  write(event: ProcessedEvent): Promise<void> {
    if (this.closed) return Promise.reject(new WriterClosedError());
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ stmts: recordEventStatements(event), resolve, reject });
      this.requestFlush();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.queue.length > 0 || this.syncing || this.unsynced.length > 0) {
      await (this.flushing ?? this.syncing ?? this.flushNow());
    }
  }

  private requestFlush(): void {
    if (this.scheduled || this.flushing) return;
    // The sync's end asks again (close() flushes regardless).
    if (this.syncing && this.queue.length < this.groupWhileSyncing) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      void this.flushNow();
    });
  }

  private flushNow(): Promise<void> {
    if (this.flushing) return this.flushing;
    // A flush scheduled before close() drained the queue finds nothing to write.
    if (this.queue.length === 0) {
      this.startSync();
      return this.syncing ?? Promise.resolve();
    }
    this.flushing = this.commit(this.queue.splice(0, Math.max(1, this.groupSize(this.queue.length)))).finally(() => {
      this.flushing = null;
      this.startSync();
      if (this.queue.length > 0) this.requestFlush();
    });
    return this.flushing;
  }

  private async commit(group: Pending[]): Promise<void> {
    try {
      const stmts = group.flatMap((p) => p.stmts);
      if (this.deferredSync) {
        await this.deferredSync.commit(stmts);
        this.unsynced.push(...group);
      } else {
        await this.db.batch(stmts);
        for (const p of group) p.resolve();
      }
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      // One bad event must not fail its neighbours: retry each on its own.
      for (const p of group) await this.commit([p]);
    }
  }

  /** Syncs the groups committed so far, unless a sync runs (its end starts the next one). */
  private startSync(): void {
    if (this.syncing || this.unsynced.length === 0) return;
    const covered = this.unsynced;
    this.unsynced = [];
    this.syncing = Promise.resolve()
      .then(() => this.deferredSync!.sync())
      .then(
        () => {
          for (const p of covered) p.resolve();
        },
        (error: unknown) => {
          for (const p of covered) p.reject(error);
        },
      )
      .finally(() => {
        this.syncing = null;
        // Events that waited are committed first, so the next sync covers them too.
        if (this.queue.length > 0 || this.flushing || this.scheduled) this.requestFlush();
        else this.startSync();
      });
  }
}
