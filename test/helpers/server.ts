import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../server/core/ports.ts';
import { createSite } from '../../server/core/sites.ts';
import { type RunningServer, type StartOptions, startServer } from '../../server/node/server.ts';

export const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
export const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Log lines a test server wrote, to check nothing private reaches them. */
export class MemoryLog implements Logger {
  readonly lines: string[] = [];
  info(m: string) { this.lines.push(m); }
  warn(m: string) { this.lines.push(m); }
  error(m: string) { this.lines.push(m); }
}

export interface TestServer extends RunningServer {
  dir: string;
  dbPath: string;
  log: MemoryLog;
  addSite(domain: string, timezone?: string): Promise<number>;
  stop(): Promise<void>;
}

/** A real Teller server on 127.0.0.1 with a fresh database file. */
export async function startTestServer(options: Partial<StartOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-srv-'));
  const dbPath = join(dir, 'teller.db');
  const log = new MemoryLog();
  const server = await startServer({ dbPath, port: 0, host: '127.0.0.1', log, ...options });
  return Object.assign(server, {
    dir,
    dbPath,
    log,
    async addSite(domain: string, timezone?: string) {
      return (await createSite(server.db, { domain, timezone }, Date.now())).id;
    },
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

export function sendEvent(server: { url: string }, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/api/event`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': FIREFOX_WINDOWS, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
