/**
 * A real HTTP server on 127.0.0.1 serving the Stats and Sites APIs over a real SQLite file,
 * with a clock the test sets.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { statsApi } from '../../server/core/http/stats-api.ts';
import { openTestStore, type TestStore } from '../core/query/store.ts';

export interface StatsServer {
  url: string;
  store: TestStore;
  /** Milliseconds since the epoch as the server sees it. */
  now: { ms: number };
  close(): Promise<void>;
}

export async function startStatsServer(adminToken: string | null): Promise<StatsServer> {
  const store = openTestStore();
  const now = { ms: Date.parse('2024-03-12T12:00:00Z') };
  const app = statsApi({ db: store.db, clock: () => now.ms, config: { adminToken, trustProxy: 0, ipStorage: 'truncated', maxBodyBytes: 8192 } });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    now,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}
