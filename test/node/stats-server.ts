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

export async function startStatsServer(adminToken: string | null): Promise<StatsServer> {
  const now = { ms: Date.parse('2024-03-12T12:00:00Z') };
  // A fixed clock never ends a rate-limit window: the limit has its own test (stats-api.test.ts).
  const server = await startTestServer({ config: { adminToken, queryRateLimit: 0 }, clock: () => now.ms });
  return { url: server.url, db: server.db, now, close: () => server.stop() };
}
