/**
 * The child process of the benches that query a generated dataset over HTTP: Teller on a
 * copy of the dataset's database, its clock running from the dataset's instant, quiet but
 * for errors; prints its port and closes on SIGTERM.
 */
import { type StartOptions, startServer } from '../server/node/server.ts';
import { NOW } from './query.ts';

export async function serveDataset(dbPath: string, options: Partial<StartOptions>): Promise<void> {
  const started = Date.now();
  const server = await startServer({
    dbPath,
    port: 0,
    host: '127.0.0.1',
    env: process.env,
    clock: () => NOW + (Date.now() - started),
    log: { info() {}, warn() {}, error: (m: string) => console.error(m) },
    ...options,
  });
  console.log(`port ${server.port}`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
