/**
 * `teller site set` as the docs walk an owner through it: allowed hosts stored once each in
 * the form pages are counted in, `--allow-host ''` clearing the list, every stored setting
 * printed (the operator too when not given), and timezones stored by their canonical name.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/node/cli.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';

describe('teller site set', () => {
  let dir: string;
  let env: Record<string, string>;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'teller-site-set-'));
    env = { TELLER_DB: join(dir, 'teller.db') };
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...argv: string[]) => runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => null, env });
  const stored = (column: string) => {
    const db = openSqlite(env.TELLER_DB!);
    try {
      return db.raw.prepare(`SELECT ${column} AS v FROM sites`).pluck().get();
    } finally {
      db.close();
    }
  };
  const printed = () => JSON.parse(out.splice(0).join('\n')) as Record<string, unknown>;

  it('stores each allowed host once, without www. as pages are counted, and says so', async () => {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    out = [];
    expect(await run('site', 'set', 'example.com', '--allow-host', 'example.com', '--allow-host', 'www.example.com', '--allow-host', 'Shop.Example.com')).toBe(0);
    expect(stored('allowed_hostnames')).toBe('["example.com","shop.example.com"]');
    expect(printed().allowedHostnames).toEqual(['example.com', 'shop.example.com']);
    expect(err).toEqual(['Note: pages are counted under their hostname without "www." (www.example.com counts as example.com), so www.example.com is stored as example.com.']);
  });

  it('clears the allowed hosts with --allow-host "" instead of storing an empty host', async () => {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    expect(await run('site', 'set', 'example.com', '--allow-host', 'example.com')).toBe(0);
    expect(await run('site', 'set', 'example.com', '--allow-host', '')).toBe(0);
    expect(stored('allowed_hostnames')).toBe('[]');
    expect(err).toEqual([]);
  });

  it('prints every stored setting, the operator and privacy properties it was not given too', async () => {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    expect(await run('site', 'set', 'example.com', '--operator', 'Eksempel AS', '--privacy-prop', 'plan')).toBe(0);
    out = [];
    expect(await run('site', 'set', 'example.com', '--retention-days', '30')).toBe(0);
    expect(printed()).toMatchObject({ domain: 'example.com', retentionDays: 30, operator: 'Eksempel AS', privacyProps: ['plan'] });
  });

  it('stores a timezone by its current IANA name, whichever alias is typed', async () => {
    expect(await run('site', 'add', 'example.com', '--timezone', 'UTC')).toBe(0);
    expect(stored('timezone')).toBe('Etc/UTC');
    expect(await run('site', 'set', 'example.com', '--timezone', 'Asia/Calcutta')).toBe(0);
    expect(stored('timezone')).toBe('Asia/Kolkata');
    expect(await run('site', 'set', 'example.com', '--timezone', 'europe/kiev')).toBe(0);
    expect(stored('timezone')).toBe('Europe/Kyiv');
    out = [];
    expect(await run('site', 'list')).toBe(0);
    expect(out).toEqual(['example.com\tEurope/Kyiv\tlocation: region\tproxy secret: no']);
  });

  it('sets how precisely location is stored with --location, prints it, and names the option when refused', async () => {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    expect(stored('location_precision')).toBe('region');
    out = [];
    expect(await run('site', 'set', 'example.com', '--location', 'city')).toBe(0);
    expect(stored('location_precision')).toBe('city');
    expect(printed().locationPrecision).toBe('city');
    expect(await run('site', 'set', 'example.com', '--location', 'street')).toBe(2);
    expect(err.join('\n')).toContain('--location: country, region or city is expected');
    expect(stored('location_precision')).toBe('city');
    expect(await run('site', 'list')).toBe(0);
    expect(out).toEqual(['example.com\tEtc/UTC\tlocation: city\tproxy secret: no']);
  });
});
