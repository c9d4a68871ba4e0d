/**
 * The real Teller server (startServer) on 127.0.0.1 over a fresh SQLite file, with a clock
 * the test sets, for the Stats and Sites API suites.
 */
import type { SqliteDb } from '../../server/node/sqlite-db.ts';
import { startTestServer } from '../helpers/server.ts';

export interface StatsServer {
  url: string;
  db: SqliteDb;
  /** Milliseconds since the epoch as the server sees it. */
  now: { ms: number };
  close(): Promise<void>;
}

/**
 * `startMs` is the clock from the first moment: the server's first maintenance pass runs at
 * start with that time, and a clock set back afterwards would make a running import look
 * abandoned to that pass (its heartbeat older than the pass's "now").
 */
export async function startStatsServer(adminToken: string | null, startMs = Date.parse('2024-03-12T12:00:00Z')): Promise<StatsServer> {
  const now = { ms: startMs };
  // A fixed clock never ends a rate-limit window: the limit has its own test (stats-api.test.ts).
  const server = await startTestServer({ config: { adminToken, queryRateLimit: 0 }, clock: () => now.ms });
  return { url: server.url, db: server.db, now, close: () => server.stop() };
}
