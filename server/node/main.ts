/**
 * `npm start`: serves Teller on PORT (8080) with the database at TELLER_DB (./data/teller.db).
 * @module
 */
import { ConfigError } from '../core/config.ts';
import { consoleLogger, startServer } from './server.ts';

async function main(): Promise<void> {
  const dbPath = process.env.TELLER_DB ?? './data/teller.db';
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '0.0.0.0';
  const server = await startServer({ dbPath, port, host, env: process.env });
  consoleLogger.info(`Teller listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${server.port} (database ${dbPath})`);

  const stop = (signal: string) => {
    consoleLogger.info(`${signal}: finishing pending writes`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        consoleLogger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`teller: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
