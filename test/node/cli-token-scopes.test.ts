/**
 * `teller token create --site <domain> --scope …`: the token printed last acts with exactly
 * those scopes (checked through the running server's routes), `token list` shows them, and
 * bad scopes or --scope with --admin are usage errors that create nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/node/cli.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('teller token create --scope', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'teller-cli-scopes-'));
    env = { TELLER_DB: join(dir, 'teller.db') };
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...argv: string[]) => runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => null, env });
  const tokenCount = () => {
    const db = openSqlite(env.TELLER_DB!);
    try {
      return db.raw.prepare('SELECT count(*) FROM tokens').pluck().get() as number;
    } finally {
      db.close();
    }
  };

  it('prints a token with the scopes given, which the server then honours', async () => {
    expect(await run('site', 'add', 'wp.example')).toBe(0);
    out = [];
    expect(await run('token', 'create', '--site', 'wp.example', '--scope', 'privacy,stats', '--scope', 'share')).toBe(0);
    expect(out[0]).toBe('Site token for wp.example, scopes stats,privacy,share (shown once):');
    const token = out.at(-1)!;
    expect(token).toMatch(/^tlr_/);
    out = [];
    expect(await run('token', 'list')).toBe(0);
    expect(out[1]!.split('\t')[5]).toBe('stats,privacy,share');

    let server: TestServer | null = null;
    try {
      server = await startTestServer({ dbPath: env.TELLER_DB! });
      const ask = (method: string, path: string) => fetch(`${server!.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      expect((await ask('GET', '/api/v1/sites/wp.example/privacy-text')).status).toBe(200);
      expect((await ask('POST', '/api/v1/sites/wp.example/shared-link')).status).toBe(201);
      expect((await ask('POST', '/api/v1/sites/wp.example/proxy-secret')).status).toBe(401);
      expect((await ask('GET', '/api/v1/sites/wp.example/imports')).status).toBe(401);
    } finally {
      await server?.stop();
    }
  });

  it('makes a stats-only token without --scope, and refuses unknown scopes and --scope with --admin', async () => {
    expect(await run('site', 'add', 'wp.example')).toBe(0);
    expect(await run('token', 'create', '--site', 'wp.example')).toBe(0);
    expect(out.at(-2)).toBe('Site token for wp.example, scopes stats (shown once):');
    expect(await run('token', 'create', '--site', 'wp.example', '--scope', 'stats,write')).toBe(2);
    expect(err.join('\n')).toMatch(/--scope: unknown scope "write": the scopes are stats, privacy, share, proxy, import/);
    expect(await run('token', 'create', '--site', 'wp.example', '--scope', ',')).toBe(2);
    expect(await run('token', 'create', '--admin', '--scope', 'stats')).toBe(2);
    expect(err.join('\n')).toMatch(/--scope is for --site tokens/);
    expect(tokenCount()).toBe(1);
  });
});
