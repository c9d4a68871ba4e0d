import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../server/core/auth/passwords.ts';
import { runCli } from '../../server/node/cli.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';

describe('teller CLI', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let out: string[];
  let err: string[];
  let answers: Array<string | null>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'teller-cli-'));
    env = { TELLER_DB: join(dir, 'teller.db') };
    out = [];
    err = [];
    answers = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...argv: string[]) =>
    runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => answers.shift() ?? null, env });
  const query = <T>(sql: string, ...params: Array<string | number>) => {
    const db = openSqlite(env.TELLER_DB!);
    try {
      return db.raw.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };

  it('refuses a file that is not a Teller database in one line, leaving it untouched', async () => {
    writeFileSync(env.TELLER_DB!, 'notes, not a database\n'.repeat(100));
    expect(await run('site', 'list')).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^teller: .*teller\.db/);
    expect(readFileSync(env.TELLER_DB!, 'utf8')).toBe('notes, not a database\n'.repeat(100));
  });

  it('adds, lists and configures sites', async () => {
    expect(await run('site', 'add', 'WWW.Example.com', '--timezone', 'Europe/Oslo')).toBe(0);
    expect(await run('site', 'add', 'shop.test')).toBe(0);
    out = [];
    expect(await run('site', 'list')).toBe(0);
    expect(out).toEqual(['example.com\tEurope/Oslo\tlocation: region\tproxy secret: no', 'shop.test\tEtc/UTC\tlocation: region\tproxy secret: no']);
    expect(await run('site', 'set', 'example.com', '--exclude-ip', '10.0.0.0/8', '--exclude-path', '/admin/**', '--ip-storage', 'none', '--retention-days', '400')).toBe(0);
    expect(query('SELECT excluded_ips, excluded_paths, ip_storage, retention_days FROM sites WHERE domain = ?', 'example.com')).toEqual([
      { excluded_ips: '["10.0.0.0/8"]', excluded_paths: '["/admin/**"]', ip_storage: 'none', retention_days: 400 },
    ]);
  });

  it('rejects bad arguments with a message and a non-zero exit', async () => {
    expect(await run('site', 'add', 'example.com', '--timezone', 'Mars/Olympus')).toBe(1);
    expect(err.join('\n')).toMatch(/unknown timezone "Mars\/Olympus"/);
    expect(await run('site', 'add', 'not a domain')).toBe(2);
    expect(await run('site', 'add')).toBe(2);
    expect(await run('site', 'frobnicate', 'x.com')).toBe(2);
    expect(await run('site', 'add', 'x.com', '--bogus')).toBe(2);
    expect(await run('token', 'create')).toBe(2);
    expect(await run('token', 'create', '--site', 'x.com', '--admin')).toBe(2);
    expect(await run('nonsense')).toBe(2);
    expect(await run('site', 'set', 'x.com', '--exclude-ip', 'banana')).toBe(2);
    expect(err).toContain('teller: --exclude-ip: "banana" is not an IP address or CIDR range');
    expect(await run('site', 'add', 'dup.com')).toBe(0);
    expect(await run('site', 'add', 'dup.com')).toBe(1);
    expect(err.join('\n')).toMatch(/already exists/);
  });

  it('removes a site and all its data only when confirmed', async () => {
    await run('site', 'add', 'example.com');
    const db = openSqlite(env.TELLER_DB!);
    db.raw.exec(`INSERT INTO visits (site_id, visitor, started_at, ended_at, channel) VALUES (1, 1, 0, 0, 'Direct');
      INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (1, 1, 1, 0, 'pageview', 'example.com', '/');
      INSERT INTO salts VALUES (1, '2026-11-24', 'x');`);
    db.close();
    answers = ['no'];
    expect(await run('site', 'remove', 'example.com')).toBe(1);
    expect(query('SELECT count(*) AS n FROM events')).toEqual([{ n: 1 }]);
    answers = ['example.com'];
    expect(await run('site', 'remove', 'example.com')).toBe(0);
    for (const table of ['sites', 'events', 'visits', 'salts']) expect(query(`SELECT count(*) AS n FROM ${table}`), table).toEqual([{ n: 0 }]);
    await run('site', 'add', 'b.com');
    expect(await run('site', 'remove', 'b.com', '--yes')).toBe(0);
    expect(await run('site', 'remove', 'b.com', '--yes')).toBe(1);
  });

  it('adds users with a hashed password', async () => {
    env.TELLER_PASSWORD = 'correct horse battery';
    expect(await run('user', 'add', 'Owner@Example.com')).toBe(0);
    const [row] = query<{ email: string; password_hash: string }>('SELECT email, password_hash FROM users');
    expect(row!.email).toBe('owner@example.com');
    expect(row!.password_hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', row!.password_hash)).toBe(true);
    expect(await verifyPassword('wrong', row!.password_hash)).toBe(false);
    env.TELLER_PASSWORD = undefined;
    answers = ['short'];
    expect(await run('user', 'add', 'b@example.com')).toBe(1);
  });

  it('sets a forgotten password from the terminal and ends that user\'s sessions', async () => {
    env.TELLER_PASSWORD = 'correct horse battery';
    expect(await run('user', 'add', 'owner@example.com')).toBe(0);
    env.TELLER_PASSWORD = undefined;
    const db = openSqlite(env.TELLER_DB!);
    db.raw.prepare("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES ('a', 1, 0, 0), ('b', 1, 0, 0)").run();
    db.close();
    answers = ['a brand new password'];
    out = [];
    expect(await run('user', 'password', 'Owner@Example.com')).toBe(0);
    expect(out).toEqual(['Changed the password of owner@example.com; 2 sessions ended.']);
    const [row] = query<{ password_hash: string }>('SELECT password_hash FROM users');
    expect(await verifyPassword('a brand new password', row!.password_hash)).toBe(true);
    expect(query('SELECT * FROM sessions')).toEqual([]);
    answers = ['short'];
    expect(await run('user', 'password', 'owner@example.com')).toBe(1);
    answers = ['a brand new password'];
    err = [];
    expect(await run('user', 'password', 'nobody@example.com')).toBe(1);
    expect(err[0]).toMatch(/no user nobody@example.com/);
  });

  it('creates tokens, printed last and stored only as a hash', async () => {
    await run('site', 'add', 'example.com');
    out = [];
    expect(await run('token', 'create', '--site', 'example.com')).toBe(0);
    const token = out.at(-1)!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(await run('token', 'create', '--admin')).toBe(0);
    const rows = query<{ token_hash: string; site_id: number | null }>('SELECT token_hash, site_id FROM tokens ORDER BY id');
    expect(rows.map((r) => r.site_id)).toEqual([1, null]);
    expect(rows.some((r) => r.token_hash.includes(token))).toBe(false);
    expect(await run('token', 'create', '--site', 'unknown.example')).toBe(1);
  });

  it('lists and revokes tokens by id or prefix, and names the site as stored', async () => {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    out = [];
    expect(await run('token', 'create', '--site', 'WWW.Example.com')).toBe(0);
    expect(out[0]).toBe('Site token for example.com, scopes stats (shown once):');
    const siteToken = out.at(-1)!;
    expect(await run('token', 'create', '--admin')).toBe(0);
    const adminToken = out.at(-1)!;
    out = [];
    expect(await run('token', 'list')).toBe(0);
    expect(out[0]).toBe('id\tprefix\treads\tcreated\tlast used\tscopes');
    expect(out.slice(1).map((l) => [...l.split('\t').slice(0, 3), l.split('\t')[5]])).toEqual([
      ['1', siteToken.slice(0, 12), 'example.com', 'stats'],
      ['2', adminToken.slice(0, 12), 'all sites (admin)', 'stats,privacy,share,proxy,import'],
    ]);
    expect(out.join('\n')).not.toContain(siteToken);
    expect(await run('token', 'revoke', siteToken.slice(0, 10))).toBe(0);
    expect(out.at(-1)).toMatch(/^Revoked token 1 \(tlr_.{8}, example\.com\); it no longer works\.$/);
    expect(await run('token', 'revoke', '2')).toBe(0);
    expect(query('SELECT id FROM tokens')).toEqual([]);
    err = [];
    expect(await run('token', 'revoke', '2')).toBe(1);
    expect(err).toEqual(['teller: no token with id or prefix "2" (see: token list)']);
  });

  it('lists users with their role and sites', async () => {
    env.TELLER_PASSWORD = 'long enough password';
    expect(await run('user', 'add', 'Owner@Example.com')).toBe(0);
    out = [];
    expect(await run('user', 'list')).toBe(0);
    expect(out).toEqual(['owner@example.com\towner\tall sites']);
  });

  it('explains what a setting will do instead of accepting what cannot work', async () => {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    err = [];
    expect(await run('site', 'set', 'example.com', '--exclude-path', 'admin')).toBe(2);
    expect(err[0]).toBe('teller: --exclude-path: "admin" can never match: paths start with "/" (did you mean "/admin"?)');
    err = [];
    expect(await run('site', 'set', 'example.com', '--retention-days', '-3')).toBe(2);
    expect(err[0]).toBe('teller: --retention-days: a whole number of days from 1 to 36500, or forever');
    err = [];
    expect(await run('site', 'set', 'example.com', '--allow-host', 'shop.example.com')).toBe(0);
    expect(err).toEqual(['Note: example.com itself is not in --allow-host, so its own pages are no longer counted. Add "--allow-host example.com" to count them.']);
    err = [];
    expect(await run('site', 'set', 'example.com', '--allow-host', 'shop.example.com', '--allow-host', 'example.com')).toBe(0);
    expect(err).toEqual([]);
    // Without a terminal there is nobody to ask: say how to confirm.
    expect(await run('site', 'remove', 'example.com')).toBe(1);
    expect(err).toEqual(['Not confirmed (no terminal to ask at); nothing deleted. Pass --yes to confirm.']);
  });

  it('backs up the database', async () => {
    await run('site', 'add', 'example.com');
    const file = join(dir, 'backup.db');
    expect(await run('backup', file)).toBe(0);
    expect(existsSync(file)).toBe(true);
    const copy = openSqlite(file);
    expect(copy.raw.prepare('SELECT domain FROM sites').all()).toEqual([{ domain: 'example.com' }]);
    copy.close();
  });

  it('runs as `npm run teller`', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'teller', '--', 'site', 'add', 'example.com'], { env: { ...process.env, ...env } as NodeJS.ProcessEnv });
    expect(stdout).toContain('Added example.com');
  }, 30_000);
});
