/**
 * The Node adapter as an ApiTarget: a real server on 127.0.0.1 (better-sqlite3 file,
 * geoip-lite, group-commit writer) behind one trusted proxy, the visitor's address in
 * X-Forwarded-For, and the tracker built into a temporary public directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTracker } from '../../tracker/build.mjs';
import { startTestServer } from '../helpers/server.ts';
import type { ApiTarget, TargetOptions } from './target.ts';

let tracker: Promise<string> | null = null;
let live = 0;

/** The tracker files, built once per test process. */
function publicDir(): Promise<string> {
  tracker ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teller-node-public-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await buildTracker({ outDir: dir, quiet: true });
    return dir;
  })();
  return tracker;
}

export async function startNodeTarget(options: TargetOptions = {}): Promise<ApiTarget> {
  live += 1;
  const server = await startTestServer({
    publicDir: await publicDir(),
    config: { trustProxy: 1, adminToken: options.adminToken ?? null },
  });
  return {
    origin: server.url,
    request(path, init = {}, visitor) {
      const headers = new Headers(init.headers);
      if (visitor) headers.set('x-forwarded-for', visitor.ip);
      return fetch(`${server.url}${path}`, { ...init, headers, redirect: 'manual' });
    },
    addSite: (domain, timezone) => server.addSite(domain, timezone),
    query: (sql, params = []) => server.db.all(sql, params),
    db: server.db,
    async execute(sql, params = []) {
      await server.db.run(sql, params);
    },
    async close() {
      await server.stop();
      live -= 1;
      if (live === 0 && tracker) {
        rmSync(await tracker, { recursive: true, force: true });
        tracker = null;
      }
    },
  };
}
