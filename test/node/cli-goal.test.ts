/** `teller goal`: add, list, rename, order and remove a site's goals in a real database file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/node/cli.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';

describe('teller goal', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'teller-cli-goal-'));
    env = { TELLER_DB: join(dir, 'teller.db') };
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (...argv: string[]) => {
    out = [];
    err = [];
    return runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => null, env });
  };
  const goalRows = () => {
    const db = openSqlite(env.TELLER_DB!);
    try {
      return db.raw.prepare('SELECT id, kind, page_path, event_name, prop_key, prop_value, currency, display_name FROM goals ORDER BY position').all();
    } finally {
      db.close();
    }
  };

  it('adds page and event goals, finds an existing one, lists them in order', async () => {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    expect(await run('goal', 'add', '--site', 'example.com', '--page', '/blog/**')).toBe(0);
    expect(out).toEqual([expect.stringMatching(/^Added goal \d+ "Visit \/blog\/\*\*" \(page \/blog\/\*\*\) to example\.com\.$/)]);
    expect(await run('goal', 'add', '--site', 'www.example.com', '--event', 'Purchase', '--prop', 'plan=pro=x', '--currency', 'eur', '--name', 'Pro purchase')).toBe(0);
    expect(out[0]).toMatch(/^Added goal \d+ "Pro purchase" \(event Purchase plan=pro=x \(EUR\)\)/);
    expect(await run('goal', 'add', '--site', 'example.com', '--event', 'Purchase', '--prop', 'plan=pro=x')).toBe(0);
    expect(out[0]).toMatch(/^The site already has this goal: \d+ "Pro purchase"/);
    expect(goalRows()).toEqual([
      expect.objectContaining({ kind: 'page', page_path: '/blog/**', display_name: 'Visit /blog/**' }),
      expect.objectContaining({ kind: 'event', event_name: 'Purchase', prop_key: 'plan', prop_value: 'pro=x', currency: 'EUR', display_name: 'Pro purchase' }),
    ]);
    expect(await run('goal', 'list', '--site', 'example.com')).toBe(0);
    expect(out).toEqual([expect.stringMatching(/^\d+\tVisit \/blog\/\*\*\tpage \/blog\/\*\*$/), expect.stringMatching(/^\d+\tPro purchase\tevent Purchase plan=pro=x \(EUR\)$/)]);
  });

  it('renames, orders and removes goals by id', async () => {
    await run('site', 'add', 'example.com');
    await run('goal', 'add', '--site', 'example.com', '--event', 'Signup');
    await run('goal', 'add', '--site', 'example.com', '--page', 'thanks');
    const [signup, thanks] = goalRows() as Array<{ id: number }>;
    expect(await run('goal', 'rename', '--site', 'example.com', String(signup!.id), 'Signed up')).toBe(0);
    expect(await run('goal', 'order', '--site', 'example.com', String(thanks!.id), String(signup!.id))).toBe(0);
    expect(out).toEqual([`${thanks!.id}\tVisit /thanks\tpage /thanks`, `${signup!.id}\tSigned up\tevent Signup`]);
    expect(await run('goal', 'order', '--site', 'example.com', String(thanks!.id))).toBe(1);
    expect(err[0]).toContain('name each of the site\'s 2 goals once');
    expect(await run('goal', 'remove', '--site', 'example.com', String(signup!.id))).toBe(0);
    expect(out).toEqual([`Removed goal ${signup!.id} from example.com.`]);
    expect(await run('goal', 'remove', '--site', 'example.com', String(signup!.id))).toBe(1);
    expect(err[0]).toContain(`example.com has no goal ${signup!.id}`);
    expect(await run('goal', 'list', '--site', 'example.com')).toBe(0);
    expect(out).toEqual([`${thanks!.id}\tVisit /thanks\tpage /thanks`]);
  });

  it('says what is wrong: usage exits 2, an impossible command 1', async () => {
    await run('site', 'add', 'example.com');
    expect(await run('goal')).toBe(2);
    expect(err[0]).toContain('goal: add, list, rename, order or remove');
    expect(await run('goal', 'list')).toBe(2);
    expect(err[0]).toContain('missing --site <domain>');
    expect(await run('goal', 'list', '--site', 'nope.example')).toBe(1);
    expect(err[0]).toContain('unknown site nope.example');
    expect(await run('goal', 'add', '--site', 'example.com')).toBe(2);
    expect(err[0]).toContain('give --page <path> or --event <name>');
    expect(await run('goal', 'add', '--site', 'example.com', '--page', '/a', '--event', 'B')).toBe(2);
    expect(await run('goal', 'add', '--site', 'example.com', '--event', 'B', '--prop', 'plan')).toBe(2);
    expect(err[0]).toContain('--prop: give it as <key>=<value>');
    expect(await run('goal', 'add', '--site', 'example.com', '--event', 'B', '--currency', 'euro')).toBe(2);
    expect(err[0]).toContain('--currency: an ISO 4217');
    expect(await run('goal', 'add', '--site', 'example.com', '--page', '/a', '--currency', 'EUR')).toBe(2);
    expect(err[0]).toContain('--currency: only for an event goal');
    expect(await run('goal', 'add', '--site', 'example.com', '--event', 'pageview')).toBe(2);
    expect(err[0]).toContain('make a page goal instead');
    await run('goal', 'add', '--site', 'example.com', '--event', 'Signup');
    expect(await run('goal', 'add', '--site', 'example.com', '--page', '/s', '--name', 'Signup')).toBe(1);
    expect(err[0]).toContain('--name: another goal of this site is called "Signup"');
    expect(await run('goal', 'remove', '--site', 'example.com', 'x')).toBe(2);
    expect(err[0]).toContain('name a goal by its id');
    expect(goalRows()).toHaveLength(1);
  });

  it('is in the help', async () => {
    expect(await run('help')).toBe(0);
    expect(out.join('\n')).toContain('goal add --site <domain> (--page <path> | --event <name>');
  });
});
