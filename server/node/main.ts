/**
 * `npm start`: serves Teller on PORT (8080) with the database at TELLER_DB (./data/teller.db).
 * @module
 */
import { resolve } from 'node:path';
import { setupUrl } from '../core/auth/setup-code.ts';
import { ConfigError, parsePublicUrl } from '../core/config.ts';
import { isLoopbackIp, parseIp } from '../core/ingest/ip.ts';
import { consoleLogger, startServer } from './server.ts';
import { DatabaseFileError } from './sqlite-db.ts';

/** True when HOST makes Teller reachable from other machines. */
function listensPublicly(host: string): boolean {
  if (host === 'localhost') return false;
  const ip = parseIp(host.replace(/^\[|\]$/g, ''));
  return ip === null || !isLoopbackIp(ip);
}

async function main(): Promise<void> {
  // Every file Teller makes (database, its -wal and -shm, the columnar copy) is private to its user.
  process.umask(0o077);
  const dbPath = process.env.TELLER_DB ?? './data/teller.db';
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '0.0.0.0';
  const server = await startServer({ dbPath, port, host, env: process.env });
  // Before anything is printed: whoever reads the first line may stop the server at once.
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
  const sites = (await server.db.first<{ n: number }>('SELECT count(*) AS n FROM sites'))?.n ?? 0;
  const users = (await server.db.first<{ n: number }>('SELECT count(*) AS n FROM users'))?.n ?? 0;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const local = `http://${shown}:${server.port}`;
  consoleLogger.info(`Teller listening on ${local}${users === 0 ? '' : ' (open it to see the dashboard)'}`);
  if (users === 0) {
    // The one place the setup code appears: whoever reads this log is the operator.
    const origin = parsePublicUrl(process.env.TELLER_PUBLIC_URL) ?? local;
    consoleLogger.info(`no owner yet: open ${setupUrl(origin, server.setupCode)} to create the owner account (this address works until the owner exists)`);
  }
  consoleLogger.info(`database ${resolve(dbPath)}, ${sites} site${sites === 1 ? '' : 's'}`);
  const trustProxy = Number(process.env.TELLER_TRUST_PROXY ?? 0) || 0;
  if (listensPublicly(host) && trustProxy === 0) {
    consoleLogger.warn(
      `listening on ${host}, reachable from other machines, with no TLS proxy in front (TELLER_TRUST_PROXY=0): ` +
        'passwords and session cookies would travel unencrypted. Put Teller behind HTTPS (docs/operations.md), or set HOST=127.0.0.1 for this machine only.',
    );
  }
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (error instanceof ConfigError || error instanceof DatabaseFileError) console.error(`teller: ${error.message}`);
  else if (code === 'EADDRINUSE') console.error(`teller: port ${process.env.PORT ?? 8080} is already in use; stop the other program or set PORT to a free port`);
  else if (code === 'EACCES') console.error(`teller: not allowed to listen on port ${process.env.PORT ?? 8080}; ports below 1024 need privileges, set PORT to 8080 or another free port`);
  else console.error(error);
  process.exit(1);
});
