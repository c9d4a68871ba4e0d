/**
 * The first-party proxy secret on Node, where the file and the log can be read: the CLI
 * makes, rotates and revokes it; the database file never holds it; a wrong secret is logged
 * once a minute at most, without the secret.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/node/cli.ts';
import { FIREFOX_WINDOWS, startTestServer, type TestServer } from '../helpers/server.ts';

describe('proxy secret on Node: CLI, log and database file', () => {
  let server: TestServer;
  let now = Date.now();
  const out: string[] = [];
  const err: string[] = [];
  const secrets: string[] = [];

  const cli = (...argv: string[]) =>
    runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => null, env: { TELLER_DB: server.dbPath } });
  const send = (headers: Record<string, string>) =>
    fetch(`${server.url}/api/event`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': FIREFOX_WINDOWS, 'x-forwarded-for': '91.64.0.1', ...headers },
      body: JSON.stringify({ n: 'pageview', u: 'https://cli-proxy.example/', d: 'cli-proxy.example' }),
    });
  const refusals = () => server.log.lines.filter((l) => l.includes('X-Teller-Proxy'));

  beforeAll(async () => {
    server = await startTestServer({ config: { trustProxy: 1 }, clock: () => now });
    await server.addSite('cli-proxy.example');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('makes a secret once, refuses to replace it without --rotate, rotates, lists and revokes it', async () => {
    expect(await cli('site', 'proxy-secret', 'cli-proxy.example')).toBe(0);
    secrets.push(out.at(-1)!);
    expect(secrets[0]).toMatch(/^tlp_[A-Za-z0-9_-]{43}$/);
    expect(await cli('site', 'proxy-secret', 'cli-proxy.example')).toBe(1);
    expect(err.at(-1)).toMatch(/already has a proxy secret .*--rotate replaces it, --revoke removes it/);
    expect(await cli('site', 'list')).toBe(0);
    expect(out.at(-1)).toContain('proxy secret: yes');
    expect(await cli('site', 'proxy-secret', 'cli-proxy.example', '--rotate')).toBe(0);
    secrets.push(out.at(-1)!);
    expect(secrets[1]).not.toBe(secrets[0]);
    expect(await cli('site', 'proxy-secret', 'nowhere.example')).toBe(1);
    expect(await cli('site', 'proxy-secret', 'cli-proxy.example', '--rotate', '--revoke')).toBe(2);

    expect((await send({ 'x-teller-proxy': secrets[1]!, 'x-teller-visitor-ip': '84.208.20.110' })).status).toBe(202);
    expect(await server.db.all('SELECT country, ip FROM visits')).toEqual([{ country: 'NO', ip: '84.208.20.0' }]);

    expect(await cli('site', 'proxy-secret', 'cli-proxy.example', '--revoke')).toBe(0);
    expect(await cli('site', 'list')).toBe(0);
    expect(out.at(-1)).toContain('proxy secret: no');
    expect(await cli('site', 'proxy-secret', 'cli-proxy.example', '--revoke')).toBe(1);
    expect(err.at(-1)).toBe('teller: cli-proxy.example has no proxy secret');
    expect(await cli('site', 'proxy-secret', 'cli-proxy.example')).toBe(0);
    secrets.push(out.at(-1)!);
  });

  it('logs a wrong secret once a minute at most, never the secret', async () => {
    const wrong = [secrets[0]!, secrets[1]!, `${secrets[2]!}x`];
    for (const secret of wrong) expect((await send({ 'x-teller-proxy': secret, 'x-teller-visitor-ip': '84.208.20.110' })).status).toBe(202);
    expect(refusals()).toHaveLength(1);
    now += 30_000;
    await send({ 'x-teller-proxy': wrong[0]! });
    expect(refusals()).toHaveLength(1);
    now += 31_000;
    await send({ 'x-teller-proxy': wrong[1]! });
    expect(refusals()).toHaveLength(2);
    expect(refusals()[1]).toContain('(and 3 more since the last report)');
    const log = server.log.lines.join('\n');
    for (const secret of [...secrets, ...wrong]) expect(log).not.toContain(secret);
    // None of these moved the visitor to Norway: the connection's (forwarded) address counted.
    expect(await server.db.all("SELECT count(*) AS n FROM visits WHERE ip = '91.64.0.0'")).toEqual([{ n: 1 }]);
  });

  it('keeps no secret in the database file or its write-ahead log', async () => {
    expect((await send({ 'x-teller-proxy': secrets[2]!, 'x-teller-visitor-ip': '85.226.0.1' })).status).toBe(202);
    expect(await server.db.all("SELECT count(*) AS n FROM visits WHERE ip = '85.226.0.0'")).toEqual([{ n: 1 }]);
    // Read while the server runs, its WAL holding the latest pages, as a copy of the data directory would.
    const files = readdirSync(server.dir).filter((f) => f.startsWith('teller.db'));
    expect(files).toContain('teller.db');
    for (const file of files) {
      const bytes = readFileSync(join(server.dir, file)).toString('latin1');
      for (const secret of secrets) expect(bytes).not.toContain(secret);
    }
  });
});
