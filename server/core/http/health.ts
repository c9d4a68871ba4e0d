/**
 * `/healthz` for monitors: is the database writable, is ingest running.
 * @module
 */
import { Hono } from 'hono';
import type { AppDeps } from '../ports.ts';

/** A write that changes nothing but must take the write lock and commit. */
async function databaseWritable(deps: AppDeps): Promise<boolean> {
  try {
    await deps.db.batch([{ sql: 'DELETE FROM sites WHERE id = -1', params: [] }]);
    return true;
  } catch {
    return false;
  }
}

export function healthRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    const writable = await databaseWritable(deps);
    const ingestDown = deps.ingestDown?.() ?? null;
    const ok = writable && ingestDown === null;
    return c.json(
      { status: ok ? 'ok' : 'error', database: writable ? 'writable' : 'not writable', ingest: ingestDown ?? 'ok' },
      ok ? 200 : 503,
    );
  });
  return app;
}
