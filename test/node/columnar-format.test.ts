/**
 * A columnar copy of another format (an older Teller's) is written again on open: the file
 * is replaced by a new one, which has its copy_format table like any new copy, so the open
 * succeeds and the copy starts empty.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, expect, it } from 'vitest';
import { openDuckStore } from '../../server/node/columnar/duckdb-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('opens a copy of another format as a new, empty copy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'teller-columnar-format-'));
  dirs.push(dir);
  const path = join(dir, 'teller.columns.duckdb');
  const old = await DuckDBInstance.create(path);
  const connection = await old.connect();
  await connection.run('CREATE TABLE copy_format (format VARCHAR)');
  await connection.run("INSERT INTO copy_format VALUES ('an older format')");
  await connection.run('CREATE TABLE copied_days (site_id BIGINT, day VARCHAR)');
  await connection.run("INSERT INTO copied_days VALUES (1, '2026-01-01')");
  connection.closeSync();
  old.closeSync();

  const store = await openDuckStore({ path, memoryLimit: '64MB', threads: 1 });
  store.close();
  const reopened = await DuckDBInstance.create(path);
  const check = await reopened.connect();
  try {
    const format = (await check.runAndReadAll('SELECT format FROM copy_format')).getRowObjectsJS();
    expect(format).toHaveLength(1);
    expect(String(format[0]!.format)).not.toBe('an older format');
    expect((await check.runAndReadAll('SELECT count(*) AS n FROM copied_days')).getRowObjectsJS()).toEqual([{ n: 0n }]);
  } finally {
    check.closeSync();
    reopened.closeSync();
  }
});
