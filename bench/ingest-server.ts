/**
 * A server process for the ingest benchmark: `bare` is a Hono handler that reads and
 * JSON-parses the body (the baseline); `teller` is the full collector with its database.
 * Prints `port <n>` once listening.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { createSite } from '../server/core/sites.ts';
import { startServer } from '../server/node/server.ts';

const [mode, dbPath] = process.argv.slice(2);
const quiet = { info() {}, warn() {}, error: (m: string) => console.error(m) };

if (mode === 'bare') {
  const app = new Hono();
  app.post('/api/event', async (c) => {
    const body: unknown = JSON.parse(await c.req.text());
    return c.text(typeof body === 'object' ? 'ok' : 'no', 202);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
    console.log(`port ${(server.address() as AddressInfo).port}`);
  });
} else if (mode === 'teller' && dbPath) {
  // The load comes from a few thousand made-up visitors in few address blocks: no per-client limit.
  // TELLER_READER_THREADS passes through: the memory of each pool size can be measured.
  const server = await startServer({ dbPath, port: 0, host: '127.0.0.1', config: { trustProxy: 1, eventRateLimit: 0 }, log: quiet, env: { TELLER_READER_THREADS: process.env.TELLER_READER_THREADS } });
  await createSite(server.db, { domain: 'bench.example', timezone: 'Europe/Oslo' }, Date.now());
  console.log(`port ${server.port}`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
} else {
  console.error('usage: ingest-server.ts bare | teller <db>');
  process.exit(2);
}
