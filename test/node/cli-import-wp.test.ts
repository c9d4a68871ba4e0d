/** `teller import wp-statistics`: the real fixtures through the CLI into a real database file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/node/cli.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/wp-statistics');

describe('teller import wp-statistics', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'teller-cli-wp-'));
    env = { TELLER_DB: join(dir, 'teller.db') };
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...argv: string[]) => runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => null, env });
  const totals = () => {
    const db = openSqlite(env.TELLER_DB!);
    try {
      return db.raw.prepare('SELECT SUM(visitors) AS visitors, SUM(pageviews) AS pageviews FROM imported_visitors').get() as { visitors: number; pageviews: number };
    } finally {
      db.close();
    }
  };

  it('imports exports of mixed formats as one import, refuses the same files again, and says what it left out', async () => {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    expect(await run('import', 'wp-statistics', '--site', 'example.com', join(fixtures, 'export/statistics_visitor.xml'), join(fixtures, 'export/statistics_pages.tsv'), join(fixtures, 'export/statistics_visitor_relationships.noheader.csv'))).toBe(0);
    expect(out.join('\n')).toMatch(/Imported statistics_pages\.tsv, statistics_visitor\.xml, statistics_visitor_relationships\.noheader\.csv into example\.com as import \d+: 4 days \(2026-11-23 to 2026-11-26\), \d+ rows\./);
    const first = totals();
    expect(first.visitors).toBeGreaterThan(20);

    expect(await run('import', 'wp-statistics', '--site', 'example.com', join(fixtures, 'export/statistics_visitor.xml'), join(fixtures, 'export/statistics_pages.tsv'), join(fixtures, 'export/statistics_visitor_relationships.noheader.csv'))).toBe(1);
    expect(err.at(-1)).toMatch(/^teller: .*already/);
    expect(totals()).toEqual(first);
    // The same tables from the dump are the same rows: refused as well, nothing doubles.
    expect(await run('import', 'wp-statistics', '--site', 'example.com', join(fixtures, 'mysqldump/wp_statistics.sql'))).toBe(1);
    expect(totals()).toEqual(first);

    out = [];
    writeFileSync(join(dir, 'exclusions.csv'), '"ID","date","reason","count"\n"1","2026-11-20","robot","3"\n');
    expect(await run('import', 'wp-statistics', '--site', 'example.com', join(dir, 'exclusions.csv'))).toBe(1);
    expect(err.at(-1)).toBe('teller: exclusions.csv: nothing to import, it holds no rows');
  });

  it('imports a folder of exports, skipping the exports of empty tables and saying so', async () => {
    expect(await run('site', 'add', 'blog.example.test')).toBe(0);
    expect(await run('import', 'wp-statistics', '--site', 'blog.example.test', join(fixtures, 'v13/export'))).toBe(0);
    const said = out.join('\n');
    expect(said).toMatch(/into blog\.example\.test as import \d+: 4 days \(2026-11-23 to 2026-11-26\)/);
    expect(said).toContain('statistics_search.empty.csv: skipped, the table was empty when exported');
    expect(said).toMatch(/statistics_visit\.csv: not imported \(statistics_visit: daily hit totals only/);
    expect(totals().visitors).toBeGreaterThan(20);
  });

  it('names the file, line and column of bad input and stores nothing', async () => {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    writeFileSync(join(dir, 'visitor.csv'), '"ID","last_counter","referred","agent","platform","version","device","model","UAString","ip","location","user_id","hits"\n"1","2026-11-23","","Chrome","Windows","131","desktop","","","#hash#0","NO","","x"\n');
    expect(await run('import', 'wp-statistics', '--site', 'example.com', join(dir, 'visitor.csv'))).toBe(1);
    expect(err.at(-1)).toBe('teller: visitor.csv, line 2, column hits: expected a whole number ≥ 0, found "x"');
    expect(totals()).toEqual({ visitors: null, pageviews: null });
    expect(await run('import', 'wp-statistics', '--site', 'nowhere.example', join(dir, 'visitor.csv'))).toBe(1);
    expect(await run('import', 'wp-statistics', 'visitor.csv')).toBe(2);
  });
});
