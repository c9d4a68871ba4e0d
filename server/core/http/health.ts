/**
 * `/healthz` for monitors: is the database writable (and were the last events stored), is
 * ingest running, and on Node, is the reader thread that answers queries up. On Node it
 * also names a columnar copy that is not serving, and warns when write access to the
 * database was taken away under it (the next start would refuse); neither stops events
 * being stored, so the status stays ok.
 * @module
 */
import { Hono } from 'hono';
import type { AppDeps } from './app-deps.ts';
import type { StoreStatus } from './store-status.ts';

/** A write that changes nothing but must take the write lock and commit. */
async function databaseWritable(deps: AppDeps): Promise<boolean> {
  try {
    await deps.db.batch([{ sql: 'DELETE FROM sites WHERE id = -1', params: [] }]);
    return true;
  } catch {
    return false;
  }
}

export function healthRoutes(deps: AppDeps, store: StoreStatus): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    const writable = await databaseWritable(deps);
    const ingestDown = deps.ingestDown?.() ?? null;
    // A probe that changes nothing passes on a full disk; the last event's fate does not.
    const storeProblem = store.problem();
    const readerDown = deps.readerDown?.() ?? null;
    const ok = writable && ingestDown === null && storeProblem === null && readerDown === null;
    const database = !writable ? 'not writable' : storeProblem !== null ? `not writable: ${storeProblem}` : 'writable';
    // `reader` only when it is down, so the answer keeps its shape on both runtimes otherwise.
    const reader = readerDown === null ? {} : { reader: readerDown };
    const columnarDown = deps.columnarDown?.() ?? null;
    const columns = columnarDown === null ? {} : { columns: columnarDown };
    // Events are stored now, so no 503 (a load balancer would drop a working server); a monitor can still see it.
    const restartProblem = writable ? (deps.restartProblem?.() ?? null) : null;
    const warning = restartProblem === null ? {} : { warning: `a restart would fail: ${restartProblem}` };
    return c.json({ status: ok ? 'ok' : 'error', database, ingest: ingestDown ?? 'ok', ...reader, ...columns, ...warning }, ok ? 200 : 503);
  });
  return app;
}
