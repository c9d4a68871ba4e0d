/**
 * The imported-data store on every runtime: imports run through the core's store against
 * the runtime's own database (a SQLite file under the Node server, D1 in workerd), and the
 * admin API lists and deletes them over HTTP. A large import goes in several batches,
 * each statement within D1's 100 parameters; a failing source, a re-import, an overlap
 * with Teller's own days and a crash each leave nothing half counted; reset, purge and
 * site removal take imported rows with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError, removeAbandonedImports, runImport, type ImportOptions } from '../../server/core/imports/store.ts';
import { IMPORTED_TABLE_NAMES, IMPORTED_TABLES, ImportFormatError } from '../../server/core/imports/tables.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import type { Db, Stmt } from '../../server/core/ports.ts';
import { findSite, type Site } from '../../server/core/sites.ts';
import { addDays, localDayAt } from '../../server/core/time.ts';
import { memorySource, rowsOfDays } from '../helpers/import-source.ts';
import type { ApiTarget, StartTarget } from './target.ts';

const ADMIN_TOKEN = 'imports-suite-admin-token-0123456789abcdef';
/**
 * The instant the imports are made at: now, as the server's own maintenance sees it (it
 * removes an import whose last chunk is long before its clock: the clean-up of a crash).
 */
const NOW_SEC = Math.floor(Date.now() / 1000);
const OPTIONS: ImportOptions = { by: 'cli', nowSec: NOW_SEC };

/** Consecutive days from `first`. */
const days = (first: string, n: number) => Array.from({ length: n }, (_, i) => addDays(first, i));

export function describeImports(runtime: string, start: StartTarget): void {
  describe(`Imported-data store on ${runtime}`, () => {
    let target: ApiTarget;
    let db: Db;

    const site = async (domain: string): Promise<Site> => {
      await target.addSite(domain);
      return (await findSite(db, domain))!;
    };
    const count = async (table: string, where: string, params: Array<string | number>) =>
      (await target.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params))[0]!.n;
    /** Rows of the site in every imported table, plus its import records. */
    const importedRows = async (siteId: number) => {
      let n = 0;
      for (const table of [...IMPORTED_TABLE_NAMES, 'imports']) n += await count(table, 'site_id = ?', [siteId]);
      return n;
    };
    const api = (path: string, init: RequestInit = {}, token: string | null = ADMIN_TOKEN) =>
      target.request(path, { ...init, headers: token ? { authorization: `Bearer ${token}`, 'content-type': 'application/json' } : {} });
    const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });
    /** An own visit at noon of `day`, as the writer would have stored it. */
    const ownVisit = (siteId: number, day: string) => {
      const t = Date.parse(`${day}T12:00:00Z`) / 1000;
      return target.execute("INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, channel) VALUES (?, 1, ?, ?, 1, 'Direct')", [siteId, t, t]);
    };

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN_TOKEN });
      db = target.db;
    });
    afterAll(async () => {
      await target?.close();
    });

    it('stores an import larger than one batch in several batches, each statement within 100 parameters', async () => {
      const s = await site('chunked.example');
      const rows = rowsOfDays(days('2024-01-01', 40), 2);
      const stmts: Stmt[][] = [];
      const counted: Db = {
        all: (sql, params) => db.all(sql, params),
        first: (sql, params) => db.first(sql, params),
        run: (sql, params) => db.run(sql, params),
        batch: (batch) => (stmts.push([...batch]), db.batch(batch)),
      };
      const summary = await runImport(counted, s, memorySource(rows, { fileName: 'chunked.zip' }), { ...OPTIONS, rowsPerBatch: 50 });
      expect(summary).toEqual({ id: summary.id, days: 40, rows: rows.length, firstDay: '2024-01-01', lastDay: '2024-02-09', clippedDays: 0, note: null, noteDetail: null });
      expect(stmts.length).toBeGreaterThanOrEqual(Math.ceil(rows.length / 50));
      for (const stmt of stmts.flat()) expect(stmt.params.length).toBeLessThanOrEqual(100);
      for (const spec of IMPORTED_TABLES) {
        expect(await count(spec.name, 'site_id = ? AND import_id = ?', [s.id, summary.id]), spec.name).toBe(40);
      }
      const visitors = await target.query<{ date: string; visitors: number; visit_duration: number }>(
        'SELECT date, visitors, visit_duration FROM imported_visitors WHERE import_id = ? ORDER BY date LIMIT 1',
        [summary.id],
      );
      expect(visitors).toEqual([{ date: '2024-01-01', visitors: 2, visit_duration: 2 }]);

      const listed = await json(await api('/api/v1/sites/chunked.example/imports'));
      expect(listed).toEqual({
        status: 200,
        body: {
          imports: [
            {
              id: summary.id,
              kind: 'plausible',
              file_name: 'chunked.zip',
              file_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
              status: 'complete',
              first_day: '2024-01-01',
              last_day: '2024-02-09',
              days: 40,
              rows: rows.length,
              note: null,
              note_detail: null,
              created_at: new Date(NOW_SEC * 1000).toISOString(),
              created_by: 'cli',
            },
          ],
        },
      });
    });

    it('fills each imported source’s channel, search engine and search words with Teller’s own classifier', async () => {
      const s = await site('channels.example');
      const source = (values: Record<string, string | number>) => ({ table: 'imported_sources' as const, date: '2024-01-02', values: { visitors: 1, visits: 1, ...values } });
      await runImport(db, s, memorySource([
        source({ source: 'Google', referrer: 'google.com' }),
        source({ source: 'newsletter', utm_source: 'newsletter', utm_medium: 'email' }),
        source({ source: 'Bing', referrer: 'bing.com', utm_term: 'privacy analytics' }),
        source({ source: 'Bing', referrer: 'bing.com', search_keyword: 'given words' }),
      ], { fileName: 'channels.zip' }), OPTIONS);
      const stored = await target.query('SELECT source, channel, search_engine, search_keyword FROM imported_sources WHERE site_id = ? ORDER BY source, search_keyword', [s.id]);
      expect(stored).toEqual([
        { source: 'Bing', channel: 'Organic Search', search_engine: 'Bing', search_keyword: 'given words' },
        { source: 'Bing', channel: 'Organic Search', search_engine: 'Bing', search_keyword: 'privacy analytics' },
        { source: 'Google', channel: 'Organic Search', search_engine: 'Google', search_keyword: '' },
        { source: 'newsletter', channel: 'Email', search_engine: '', search_keyword: '' },
      ]);
    });

    it('stores nothing when the source fails part-way, after batches went in', async () => {
      const s = await site('failing.example');
      const rows = rowsOfDays(days('2024-01-01', 20));
      const failed = runImport(db, s, memorySource(rows, { failAt: 150 }), { ...OPTIONS, rowsPerBatch: 40 });
      await expect(failed).rejects.toThrow(ImportFormatError);
      await expect(failed).rejects.toThrow('imported_visitors_20240101_20240131.csv, line 152, column visitors: visitors: must be a whole number ≥ 0, got "-1"');
      expect(await importedRows(s.id)).toBe(0);
    });

    it('refuses to import the same file into a site twice, and stores nothing more', async () => {
      const s = await site('again.example');
      const rows = rowsOfDays(days('2024-03-01', 3));
      const first = await runImport(db, s, memorySource(rows, { fileName: 'march.zip' }), OPTIONS);
      const before = await importedRows(s.id);
      const again = runImport(db, s, memorySource(rows, { fileName: 'march-copy.zip' }), OPTIONS);
      await expect(again).rejects.toThrow(ImportError);
      await expect(again).rejects.toThrow(`march-copy.zip was already imported into again.example (import ${first.id}, ${localDayAt('Etc/UTC', NOW_SEC)}); delete that import first to import the file again`);
      expect(await importedRows(s.id)).toBe(before);
      // The same file into another site is another import.
      const other = await site('again-other.example');
      expect((await runImport(db, other, memorySource(rows, { fileName: 'march.zip' }), OPTIONS)).rows).toBe(rows.length);
    });

    it('keeps only the days before Teller’s own first day and says so, or refuses when asked to', async () => {
      const s = await site('clipped.example');
      await ownVisit(s.id, '2024-06-10');
      const rows = rowsOfDays(days('2024-06-07', 6));
      const refused = runImport(db, s, memorySource(rows), { ...OPTIONS, clip: 'refuse' });
      await expect(refused).rejects.toThrow('export.zip has 2024-06-10, but Teller counts clipped.example itself from 2024-06-10');
      expect(await importedRows(s.id)).toBe(0);

      const summary = await runImport(db, s, memorySource(rows), OPTIONS);
      expect(summary).toMatchObject({ days: 3, firstDay: '2024-06-07', lastDay: '2024-06-09', clippedDays: 3, rows: 3 * IMPORTED_TABLES.length });
      expect(summary.note).toBe('Teller counts this site itself from 2024-06-10, so only imported days before it are kept: 3 imported days (2024-06-10 to 2024-06-12) left out.');
      expect(summary.noteDetail).toEqual([{ code: 'own-days', since: '2024-06-10', left: 3, first: '2024-06-10', last: '2024-06-12' }]);
      expect(await count('imported_visitors', 'site_id = ? AND date >= ?', [s.id, '2024-06-10'])).toBe(0);
      const listed = await json(await api('/api/v1/sites/clipped.example/imports'));
      expect((listed.body.imports as Array<Record<string, unknown>>)[0]).toMatchObject({ note: summary.note, note_detail: summary.noteDetail });

      const late = runImport(db, s, memorySource(rowsOfDays(['2024-06-11'])), OPTIONS);
      await expect(late).rejects.toThrow('nothing to import, every day in it is on or after 2024-06-10');
    });

    it('deletes one import with exactly its rows over the admin API, and names what is wrong', async () => {
      const s = await site('delete.example');
      const kept = await runImport(db, s, memorySource(rowsOfDays(days('2024-01-01', 5)), { fileName: 'jan.zip' }), OPTIONS);
      const gone = await runImport(db, s, memorySource(rowsOfDays(days('2024-02-01', 5), 7), { fileName: 'feb.zip' }), OPTIONS);
      const other = await site('delete-other.example');
      await runImport(db, other, memorySource(rowsOfDays(days('2024-02-01', 5), 7), { fileName: 'feb.zip' }), OPTIONS);
      const otherRows = await importedRows(other.id);

      expect((await api(`/api/v1/sites/delete.example/imports/${gone.id}`, { method: 'DELETE' }, null)).status).toBe(401);
      expect(await json(await api(`/api/v1/sites/delete.example/imports/${gone.id}`, { method: 'DELETE' }))).toEqual({ status: 200, body: { deleted: true, id: gone.id } });
      for (const table of IMPORTED_TABLE_NAMES) {
        expect(await count(table, 'import_id = ?', [gone.id]), table).toBe(0);
        expect(await count(table, 'import_id = ?', [kept.id]), table).toBe(5);
      }
      expect(await importedRows(other.id)).toBe(otherRows);
      const listed = await json(await api('/api/v1/sites/delete.example/imports'));
      expect((listed.body.imports as Array<{ id: number }>).map((i) => i.id)).toEqual([kept.id]);

      expect(await json(await api(`/api/v1/sites/delete.example/imports/${gone.id}`, { method: 'DELETE' }))).toEqual({
        status: 404,
        body: { error: `delete.example has no import ${gone.id}` },
      });
      // Another site's import is not this site's to delete.
      const othersImport = (await target.query<{ id: number }>('SELECT id FROM imports WHERE site_id = ?', [other.id]))[0]!.id;
      expect((await api(`/api/v1/sites/delete.example/imports/${othersImport}`, { method: 'DELETE' })).status).toBe(404);
      expect(await importedRows(other.id)).toBe(otherRows);
      expect(await json(await api('/api/v1/sites/delete.example/imports/first', { method: 'DELETE' }))).toEqual({
        status: 400,
        body: { error: 'id: must be an import\'s number, got "first"' },
      });
      expect((await api('/api/v1/sites/nowhere.example/imports')).status).toBe(404);
      expect((await api('/api/v1/sites/delete.example/imports', {}, null)).status).toBe(401);
    });

    it('reset, purge and site removal delete imported rows with the rest', async () => {
      const reset = await site('reset-imports.example');
      await runImport(db, reset, memorySource(rowsOfDays(days('2024-01-01', 3))), OPTIONS);
      expect((await api('/api/v1/sites/reset-imports.example/reset', { method: 'POST', body: '{}' })).status).toBe(200);
      expect(await importedRows(reset.id)).toBe(0);

      const purged = await site('purge-imports.example');
      const whole = await runImport(db, purged, memorySource(rowsOfDays(days('2024-01-01', 5)), { fileName: 'early.zip' }), OPTIONS);
      const straddling = await runImport(db, purged, memorySource(rowsOfDays(days('2024-01-20', 20)), { fileName: 'late.zip' }), OPTIONS);
      // A purge does a bounded amount per request: the client asks again until it is done.
      const purge = () => api('/api/v1/sites/purge-imports.example/purge', { method: 'POST', body: JSON.stringify({ before: '2024-02-01' }) }).then(json);
      let res = await purge();
      for (let i = 0; i < 10 && res.status === 200 && res.body.done === false; i++) res = await purge();
      expect(res).toMatchObject({ status: 200, body: { done: true } });
      expect(await count('imported_visitors', 'site_id = ? AND date < ?', [purged.id, '2024-02-01'])).toBe(0);
      expect(await count('imported_visitors', 'site_id = ?', [purged.id])).toBe(8);
      const left = await target.query('SELECT id, first_day, last_day, day_count, row_count, status FROM imports WHERE site_id = ?', [purged.id]);
      expect(left).toEqual([{ id: straddling.id, first_day: '2024-02-01', last_day: '2024-02-08', day_count: 8, row_count: 8 * IMPORTED_TABLES.length, status: 'complete' }]);
      expect(left.map((r) => r.id)).not.toContain(whole.id);

      const removed = await site('remove-imports.example');
      await runImport(db, removed, memorySource(rowsOfDays(days('2024-01-01', 3))), OPTIONS);
      expect((await api('/api/v1/sites/remove-imports.example', { method: 'DELETE' })).status).toBe(200);
      expect(await importedRows(removed.id)).toBe(0);
    });

    it('removes an import a crash left loading, at the next import into the site and at maintenance', async () => {
      const s = await site('crashed.example');
      /**
       * A crash part-way: the record still loading, some rows in, last touched an hour before.
       * Written in one batch, as a crashed import left it: the server's own maintenance pass,
       * which may run at any moment, sees the whole crash or none of it (never rows it would
       * find no record for).
       */
      const crash = async (fileHash: string) => {
        const ofCrash = 'FROM imports WHERE file_hash = ? AND site_id = ?';
        await db.batch([
          {
            sql: "INSERT INTO imports (site_id, kind, file_name, file_hash, status, created_at, updated_at, created_by) VALUES (?, 'plausible', 'crashed.zip', ?, 'loading', ?, ?, 'cli')",
            params: [s.id, fileHash, NOW_SEC - 3600, NOW_SEC - 3600],
          },
          { sql: `INSERT INTO imported_visitors (site_id, import_id, date, visitors) SELECT ?, id, '2024-01-01', 5 ${ofCrash}`, params: [s.id, fileHash, s.id] },
          { sql: `INSERT INTO imported_pages (site_id, import_id, date, page, visitors) SELECT ?, id, '2024-01-01', '/', 5 ${ofCrash}`, params: [s.id, fileHash, s.id] },
        ]);
        return (await target.query<{ id: number }>('SELECT id FROM imports WHERE file_hash = ?', [fileHash]))[0]?.id ?? -1;
      };
      const first = await crash('a'.repeat(64));
      // One still loading, touched just now: another import is under way, not a crash.
      const running = await crash('b'.repeat(64));
      await target.execute('UPDATE imports SET updated_at = ? WHERE id = ?', [NOW_SEC - 5, running]);

      const next = await runImport(db, s, memorySource(rowsOfDays(['2024-01-02'])), OPTIONS);
      const ids = async () => (await target.query<{ id: number }>('SELECT id FROM imports WHERE site_id = ? ORDER BY id', [s.id])).map((r) => r.id);
      expect(await ids()).toEqual([running, next.id]);
      expect(await count('imported_visitors', 'import_id = ?', [first])).toBe(0);
      expect(await count('imported_pages', 'import_id = ?', [first])).toBe(0);

      const second = await crash('c'.repeat(64));
      expect(await removeAbandonedImports(db, NOW_SEC, s.id)).toBe(1);
      expect(await ids()).toEqual([running, next.id]);
      await crash('d'.repeat(64));
      await runMaintenance(db, (NOW_SEC + 601) * 1000);
      // Maintenance ran later: the one that was running is now long untouched too.
      expect(await ids()).toEqual([next.id]);
      expect(await count('imported_visitors', 'site_id = ?', [s.id])).toBe(1);
      expect(second).toBeGreaterThan(first);
    });
  });
}
