/**
 * The answer to an error no route expected: a request's (app.ts onError), or one query's in
 * the dashboard's batch (dashboard-queries.ts), which answers the others all the same.
 * @module
 */
import type { Context } from 'hono';
import { type Logger, StoreBusyError } from '../ports.ts';

export function errorAnswer(log: Logger, c: Context, error: Error): Response {
  // The reader thread is restarting or too many queries wait: a retry soon will do.
  if (error instanceof StoreBusyError) return c.json({ error: `busy, try again: ${error.message}` }, 503, { 'retry-after': '1' });
  // Never echo the error: it could quote input. The log gets the message only.
  log.error(`unhandled error on ${c.req.method} ${c.req.path}: ${error.message}`);
  return c.json({ error: 'internal error' }, 500);
}
