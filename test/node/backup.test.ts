/**
 * `teller backup` while the server is taking events: the copy is a consistent database
 * holding every event acknowledged before the backup began, and the command refuses to
 * write into a missing folder or over an existing file without --force.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/node/cli.ts';
import { CHROME_MAC, type TestServer, sendEvent, startTestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  // The test sends hundreds of events from a few addresses: no per-client limit here.
  server = await startTestServer({ config: { trustProxy: 1, eventRateLimit: 0 } });
  await server.addSite('example.com');
});
afterAll(() => server.stop());

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => null, env: { TELLER_DB: server.dbPath } });
  return { code, out, err };
}

describe('teller backup', () => {
  it('copies a consistent database with every event acknowledged before it began, while events keep arriving', async () => {
    const acknowledged: string[] = [];
    let sending = true;
    let sent = 0;
    // Four senders, each waiting for its 202 before the next event, as browsers do.
    const sender = async (n: number) => {
      while (sending) {
        const path = `/s${n}/e${sent++}`;
        const res = await sendEvent(server, { n: 'pageview', u: `https://example.com${path}`, d: 'example.com' }, { 'x-forwarded-for': `84.208.20.${n + 1}`, 'user-agent': CHROME_MAC });
        if (res.status === 202) acknowledged.push(path);
      }
    };
    const senders = [0, 1, 2, 3].map(sender);
    while (acknowledged.length < 200) await new Promise((r) => setTimeout(r, 10));

    const before = [...acknowledged];
    const file = join(server.dir, 'copy.db');
    const result = await cli('backup', file);
    // Ingest goes on after the copy as before it.
    const after = acknowledged.length;
    while (acknowledged.length < after + 50) await new Promise((r) => setTimeout(r, 10));
    sending = false;
    await Promise.all(senders);
    expect(result).toMatchObject({ code: 0, out: [`Backed up to ${file}.`] });

    const copy = new Database(file, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const paths = new Set(copy.prepare('SELECT path FROM events').pluck().all() as string[]);
      expect(before.filter((p) => !paths.has(p))).toEqual([]);
      // Every event in the copy has its visit: no half-written transaction.
      expect(copy.prepare('SELECT count(*) FROM events e LEFT JOIN visits v ON v.id = e.visit_id WHERE v.id IS NULL').pluck().get()).toBe(0);
    } finally {
      copy.close();
    }
  });

  it('refuses a missing folder and an existing file in one line, and replaces the file with --force', async () => {
    const missing = await cli('backup', join(server.dir, 'no-such-folder', 'copy.db'));
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual([`teller: the folder ${join(server.dir, 'no-such-folder')} does not exist; create it first`]);

    const existing = join(server.dir, 'keep.db');
    writeFileSync(existing, 'an older backup the operator wants to keep');
    const refused = await cli('backup', existing);
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toMatch(/already exists; choose a new name, or pass --force/);
    expect(existsSync(existing)).toBe(true);

    expect((await cli('backup', existing, '--force')).code).toBe(0);
    const copy = new Database(existing, { readonly: true });
    try {
      expect(copy.prepare("SELECT domain FROM sites").pluck().all()).toEqual(['example.com']);
    } finally {
      copy.close();
    }
  });
});
