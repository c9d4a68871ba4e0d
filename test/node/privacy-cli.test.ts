/**
 * The privacy commands of the CLI against a real database file: the text follows the
 * instance default and the site's own settings, purge asks before deleting, and bad input
 * is named with exit code 2 (usage) or 1 (unknown site).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../server/node/cli.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';

describe('privacy commands', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let out: string[];
  let err: string[];
  let answers: Array<string | null>;
  let interactive: boolean;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'teller-privacy-cli-'));
    env = { TELLER_DB: join(dir, 'teller.db') };
    out = [];
    err = [];
    answers = [];
    interactive = false;
    expect(await run('site', 'add', 'example.com', '--timezone', 'Europe/Oslo')).toBe(0);
    out = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...argv: string[]) => {
    const io: CliIo = { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => answers.shift() ?? null, env, interactive };
    return runCli(argv, io);
  };
  const rows = (sql: string) => {
    const db = openSqlite(env.TELLER_DB!);
    try {
      return db.raw.prepare(sql).all();
    } finally {
      db.close();
    }
  };
  const seedOldVisit = () => {
    const db = openSqlite(env.TELLER_DB!);
    try {
      db.raw.exec(`INSERT INTO visits (site_id, visitor, started_at, ended_at, channel) VALUES (1, 1, 1704103200, 1704103200, 'Direct');
        INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (1, 1, 1, 1704103200, 'pageview', 'example.com', '/');`);
    } finally {
      db.close();
    }
  };

  it('privacy-text follows TELLER_IP_STORAGE unless the site chooses, and every setting the site has', async () => {
    env.TELLER_IP_STORAGE = 'none';
    expect(await run('privacy-text', '--site', 'example.com', '--lang', 'en', '--format', 'txt')).toBe(0);
    expect(out.join('\n')).toContain('it is never stored');
    expect(err.join('\n')).toContain('pass --url');
    out = [];
    expect(await run('site', 'set', 'example.com', '--ip-storage', 'truncated', '--retention-days', '30', '--search-params', 'k', '--operator', 'Eksempel AS')).toBe(0);
    out = [];
    expect(await run('privacy-text', '--site', 'www.Example.com', '--lang', 'nb', '--format', 'html', '--url', 'https://stats.example.com/x')).toBe(0);
    const html = out.join('\n');
    expect(html).toContain('IPv4-adresser til /24');
    expect(html).toContain('slettes etter 30 dager.');
    expect(html).toContain('hentet fra parameteren <code>k</code>');
    expect(html).toContain('driftet av Eksempel AS.');
    expect(html).toContain('<script defer src="https://stats.example.com/optout.js"></script>');
    expect(await run('site', 'set', 'example.com', '--operator', '')).toBe(0);
    expect(rows('SELECT operator FROM sites')).toEqual([{ operator: null }]);
  });

  it('site set --privacy-prop names the property names the text lists; others received are only counted, and shown on the terminal', async () => {
    const db = openSqlite(env.TELLER_DB!);
    try {
      db.raw.exec(`INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (1, 1, 1, 1704103200, 'Signup', 'example.com', '/');
        INSERT INTO event_props (event_id, site_id, key, value) VALUES (1, 1, 'plan', 'pro'), (1, 1, 'Call 555-0100 now', '1');`);
    } finally {
      db.close();
    }
    const text = async () => {
      out = [];
      expect(await run('privacy-text', '--site', 'example.com', '--lang', 'en', '--format', 'txt')).toBe(0);
      return out.join('\n');
    };
    expect(await text()).not.toMatch(/plan|555/);
    expect(await text()).toContain('2 property names received with events are not named above');
    out = [];
    err = [];
    expect(await run('site', 'set', 'example.com', '--privacy-prop', 'plan', '--privacy-prop', 'seats')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ domain: 'example.com', privacyProps: ['plan', 'seats'] });
    expect(err.join('\n')).toContain('received with events but not in the privacy text: Call 555-0100 now');
    expect(rows('SELECT privacy_props FROM sites')).toEqual([{ privacy_props: '["plan","seats"]' }]);
    const listed = await text();
    expect(listed).toContain('with these details: plan and seats;');
    expect(listed).toContain('one property name received with events is not named above');
    expect(listed).not.toContain('555');
    // Other settings leave the list alone; an empty value empties it.
    expect(await run('site', 'set', 'example.com', '--retention-days', '30')).toBe(0);
    expect(rows('SELECT privacy_props FROM sites')).toEqual([{ privacy_props: '["plan","seats"]' }]);
    expect(await run('site', 'set', 'example.com', '--privacy-prop', '')).toBe(0);
    expect(await text()).not.toMatch(/plan|555/);
  });

  it('privacy-text and site set --operator name bad input', async () => {
    const cases: Array<[string[], number, string]> = [
      [['privacy-text', '--site', 'example.com', '--lang', 'de'], 2, '--lang must be one of nb, en'],
      [['privacy-text', '--site', 'example.com', '--lang', 'en', '--format', 'pdf'], 2, '--format must be one of md, html, txt'],
      [['privacy-text', '--lang', 'en'], 2, 'missing --site'],
      [['privacy-text', '--site', 'nope.example', '--lang', 'en'], 1, 'unknown site nope.example'],
      [['privacy-text', '--site', 'example.com', '--lang', 'en', '--url', 'ftp://x'], 2, '--url must be an http(s) address'],
      [['site', 'set', 'example.com', '--operator', 'a\nb'], 2, 'operator: one line of text'],
      [['site', 'set', 'example.com', '--privacy-prop', 'a'.repeat(301)], 2, '--privacy-prop: a property name is at most 300 characters'],
    ];
    for (const [argv, code, words] of cases) {
      err = [];
      expect(await run(...argv), argv.join(' ')).toBe(code);
      expect(err.join('\n')).toContain(words);
    }
  });

  it('purge asks for the domain (typed or piped, as site remove does), needs --yes without one, and names a bad date', async () => {
    seedOldVisit();
    expect(await run('purge', '--site', 'example.com', '--before', '2024-02-01')).toBe(1);
    expect(err.join('\n')).toContain('Pass --yes to confirm');
    interactive = true;
    answers = ['no'];
    expect(await run('purge', '--site', 'example.com', '--before', '2024-02-01')).toBe(1);
    expect(err.join('\n')).toContain('Not confirmed; nothing deleted.');
    expect(rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 1 }]);
    expect(rows('SELECT purged_before FROM sites')).toEqual([{ purged_before: null }]);

    answers = ['example.com'];
    expect(await run('purge', '--site', 'example.com', '--before', '2024-02-01')).toBe(0);
    expect(out.join('\n')).toContain('Purged example.com before 2024-02-01: 2 raw events and visits deleted');
    expect(rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
    expect(rows('SELECT purged_before FROM sites')).toEqual([{ purged_before: '2024-02-01' }]);

    interactive = false;
    expect(await run('purge', '--site', 'example.com', '--before', '2024-01-01', '--yes')).toBe(0);
    expect(rows('SELECT purged_before FROM sites')).toEqual([{ purged_before: '2024-02-01' }]);
    answers = ['example.com'];
    expect(await run('purge', '--site', 'example.com', '--before', '2024-01-15')).toBe(0);
    err = [];
    expect(await run('purge', '--site', 'example.com', '--before', '2099-01-01', '--yes')).toBe(2);
    expect(err.join('\n')).toContain('--before: must be');
    expect(err.join('\n')).toContain('npm run teller -- site reset example.com');
    expect(await run('purge', '--site', 'example.com', '--yes')).toBe(2);
    expect(await run('purge', '--site', 'nope.example', '--before', '2024-01-01', '--yes')).toBe(1);
  });
});
