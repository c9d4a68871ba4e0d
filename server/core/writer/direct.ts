/**
 * The writer for runtimes where no state may outlive a request (Workers): each event is
 * its own atomic batch, committed before the request is answered.
 * @module
 */
import type { ProcessedEvent } from '../ingest/event.ts';
import type { Db } from '../ports.ts';
import type { EventWriter } from '../ingest/event.ts';
import { recordEventStatements } from '../store/record-event.ts';

export class DirectWriter implements EventWriter {
  constructor(private readonly db: Db) {}

  write(event: ProcessedEvent): Promise<void> {
    return this.db.batch(recordEventStatements(event));
  }

  async close(): Promise<void> {}
}
