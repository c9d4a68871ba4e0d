/**
 * Group commit: events arriving while the database is busy are written together in one
 * transaction, and each request is acknowledged only once its group is committed.
 * One fsync then serves hundreds of events instead of one.
 * @module
 */
import type { ProcessedEvent } from '../ingest/event.ts';
import type { Db } from '../ports.ts';
import type { EventWriter } from '../ingest/event.ts';
import { recordEventStatements } from '../store/record-event.ts';

interface Pending {
  /** Its statements are made at commit: while it waits, the event is half the size of its statements' parameters. */
  event: ProcessedEvent;
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
}

export class GroupCommitWriter implements EventWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private closed = false;
  private readonly groupSize: (queued: number) => number;
  private readonly schedule: (run: () => void) => void;

  constructor(private readonly db: Db, options: GroupCommitOptions = {}) {
    this.groupSize = options.groupSize ?? ((queued) => Math.min(queued, 1000));
    this.schedule = options.schedule ?? ((run) => setTimeout(run, 0));
  }

  write(event: ProcessedEvent): Promise<void> {
    if (this.closed) return Promise.reject(new WriterClosedError());
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.requestFlush();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.queue.length > 0) {
      await (this.flushing ?? this.flushNow());
    }
  }

  private requestFlush(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      void this.flushNow();
    });
  }

  private flushNow(): Promise<void> {
    if (this.flushing) return this.flushing;
    // A flush scheduled before close() drained the queue finds nothing to write.
    if (this.queue.length === 0) return Promise.resolve();
    this.flushing = this.commit(this.queue.splice(0, Math.max(1, this.groupSize(this.queue.length)))).finally(() => {
      this.flushing = null;
      if (this.queue.length > 0) this.requestFlush();
    });
    return this.flushing;
  }

  private async commit(group: Pending[]): Promise<void> {
    try {
      await this.db.batch(group.flatMap((p) => recordEventStatements(p.event)));
      for (const p of group) p.resolve();
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      // One bad event must not fail its neighbours: retry each on its own.
      for (const p of group) await this.commit([p]);
    }
  }
}
