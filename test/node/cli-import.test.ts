/**
 * `teller import list` and `teller import delete` against a real database file: the list
 * names each import with its days, rows and note; a delete asks for the domain, like
 * `site remove`, and removes exactly that import's rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImport } from '../../server/core/imports/store.ts';
import { findSite } from '../../server/core/sites.ts';
import { runCli } from '../../server/node/cli.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
import { memorySource, rowsOfDays } from '../helpers/import-source.ts';

const NOW_SEC = Date.parse('2026-03-01T08:00:00Z') / 1000;

describe('teller import list / delete', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let out: string[];
  let err: string[];
  let answers: Array<string | null>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'teller-cli-import-'));
    env = { TELLER_DB: join(dir, 'teller.db') };
    out = [];
    err = [];
    answers = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...argv: string[]) => runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => answers.shift() ?? null, env });
  const rowsOf = (importId: number) => {
    const db = openSqlite(env.TELLER_DB!);
    try {
      return (db.raw.prepare('SELECT count(*) AS n FROM imported_pages WHERE import_id = ?').get(importId) as { n: number }).n;
    } finally {
      db.close();
    }
  };

  /** Two imports into example.com, made through the store as an importer would. */
  async function twoImports(): Promise<[number, number]> {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    const db = openSqlite(env.TELLER_DB!);
    try {
      const site = (await findSite(db, 'example.com'))!;
      const a = await runImport(db, site, memorySource(rowsOfDays(['2024-01-01', '2024-01-02']), { fileName: 'plausible.zip' }), { by: 'owner@example.com', nowSec: NOW_SEC });
      const b = await runImport(db, site, memorySource(rowsOfDays(['2024-02-01']), { fileName: 'more.zip' }), { by: 'cli', nowSec: NOW_SEC });
      return [a.id, b.id];
    } finally {
      db.close();
    }
  }

  it('lists a site’s imports, or says it has none', async () => {
    expect(await run('site', 'add', 'empty.example')).toBe(0);
    out = [];
    expect(await run('import', 'list', '--site', 'empty.example')).toBe(0);
    expect(out).toEqual(['empty.example has no imports.']);
    const [a, b] = await twoImports();
    out = [];
    expect(await run('import', 'list', '--site', 'example.com')).toBe(0);
    expect(out).toEqual([
      `${a}\tplausible\tplausible.zip\t2024-01-01 to 2024-01-02\t2 days, 22 rows\tcomplete\t2026-03-01T08:00:00.000Z by owner@example.com`,
      `${b}\tplausible\tmore.zip\t2024-02-01 to 2024-02-01\t1 day, 11 rows\tcomplete\t2026-03-01T08:00:00.000Z by cli`,
    ]);
  });

  it('deletes one import and exactly its rows only when the domain is typed', async () => {
    const [a, b] = await twoImports();
    out = [];
    answers = ['wrong.example'];
    expect(await run('import', 'delete', '--site', 'example.com', String(a))).toBe(1);
    expect(err).toEqual(['Not confirmed; nothing deleted.']);
    expect(rowsOf(a)).toBe(2);
    answers = ['example.com'];
    expect(await run('import', 'delete', '--site', 'example.com', String(a))).toBe(0);
    expect(out).toEqual([`Deleted import ${a} of example.com and its 22 rows.`]);
    expect(rowsOf(a)).toBe(0);
    expect(rowsOf(b)).toBe(1);
    expect(await run('import', 'delete', '--site', 'example.com', String(b), '--yes')).toBe(0);
    expect(rowsOf(b)).toBe(0);
  });

  it('names what is wrong with the arguments', async () => {
    await twoImports();
    err = [];
    expect(await run('import', 'delete', '--site', 'example.com', '999', '--yes')).toBe(1);
    expect(err).toEqual(['teller: example.com has no import 999; "import list --site example.com" shows its imports']);
    expect(await run('import', 'delete', '--site', 'example.com', 'latest')).toBe(2);
    expect(await run('import', 'delete', '--site', 'example.com')).toBe(2);
    expect(await run('import', 'list')).toBe(2);
    expect(await run('import', 'frobnicate', '--site', 'example.com')).toBe(2);
    err = [];
    expect(await run('import', 'list', '--site', 'nowhere.example')).toBe(1);
    expect(err[0]).toMatch(/nowhere\.example/);
  });
});
