/**
 * The imported-data store: runs an import from an `ImportSource` into the `imported_*`
 * tables (tables.ts), lists and deletes imports, and tells the query engine which days
 * imports hold. Same code on Node (better-sqlite3) and Workers (D1), through `Db`.
 *
 * Nothing half is ever counted: an import is recorded `loading` first, its rows go in
 * chunks (each chunk one `db.batch`, each statement within D1's 100 parameters), and only
 * the last batch marks it `complete`; readers count rows of complete imports within their
 * days only (`countedRowSql`, `importedRange`). A failure removes the import's rows and
 * record. An import left `loading` by a crash (no chunk stored for `STALE_LOADING_SEC`) is
 * removed by the next import into the same site and by every maintenance pass. No day is
 * counted twice: days Teller counted itself or an earlier import holds are left out.
 * @module
 */
import type { Clock, Db, SqlValue, Stmt } from '../ports.ts';
import type { Site } from '../sites.ts';
import { dayNumber, dayString, localDayAt } from '../time.ts';
import { acquisitionFiller } from './acquisition.ts';
import { noteFields, readStoredNotes, storedNotes, type ImportNote } from './notes.ts';
import { IMPORTED_TABLE_NAMES, importedTable, type ImportedRow, type ImportKind, type ImportSource, type ImportedTableSpec } from './tables.ts';

/**
 * What to do with imported days Teller already has: on or after the site's first own day,
 * or within an earlier import's days. `before-own-data` leaves them out (and says so).
 */
export type ClipMode = 'before-own-data' | 'refuse';

export interface ImportOptions {
  /** Who imports: the user's email, or 'cli' / 'api'. */
  by: string;
  nowSec: number;
  /** The clock for the heartbeat of a long import (default: `nowSec` throughout). */
  clock?: Clock;
  /** Default 'before-own-data': keep only the days before Teller's first own day that no earlier import holds. */
  clip?: ClipMode;
  /** Rows stored per batch (default 2,000); tests make it small. */
  rowsPerBatch?: number;
}

export interface ImportSummary {
  id: number;
  /** Distinct days stored. */
  days: number;
  rows: number;
  firstDay: string;
  lastDay: string;
  /** Distinct days of the source left out: Teller counted them itself, or earlier imports hold them. */
  clippedDays: number;
  /** How overlap with Teller's own data was handled, in English; null when the site has none. */
  note: string | null;
  /** The same as data, for the reader's language (notes.ts); null when the site has none. */
  noteDetail: ImportNote[] | null;
}

export type ImportStatus = 'loading' | 'complete';

export interface ImportRecord {
  id: number;
  siteId: number;
  kind: ImportKind;
  fileName: string;
  fileHash: string;
  firstDay: string | null;
  lastDay: string | null;
  days: number;
  rows: number;
  status: ImportStatus;
  note: string | null;
  /** The note as data; null when there is none, or for an import stored before notes were data. */
  noteDetail: ImportNote[] | null;
  /** Unix seconds. */
  createdAt: number;
  createdBy: string;
}

/** A complete import's days: its rows count on first..last only (a purge moves `firstDay` on first). */
export interface ImportedSpan {
  id: number;
  firstDay: string;
  lastDay: string;
}

/** The days complete imports hold, for the query engine. */
export interface ImportedRange {
  firstDay: string;
  lastDay: string;
  imports: ImportedSpan[];
}

/** Why an import is refused: a clear message, and a code the routes map to a status. */
export type ImportErrorCode = 'no-site' | 'duplicate' | 'overlap' | 'empty' | 'invalid-row' | 'abandoned';

export class ImportError extends Error {
  readonly code: ImportErrorCode;
  constructor(code: ImportErrorCode, message: string) {
    super(message);
    this.name = 'ImportError';
    this.code = code;
  }
}

/**
 * The condition an imported row (of the table aliased `alias`) meets when it counts: its
 * import is the site's, complete, and holds the row's day (a purge in progress has moved
 * the import's first day already). One parameter: the site id.
 */
export function countedRowSql(alias: string): string {
  return `EXISTS (SELECT 1 FROM imports i WHERE i.id = ${alias}.import_id AND i.site_id = ? AND i.status = 'complete' AND ${alias}.date BETWEEN i.first_day AND i.last_day)`;
}

/** A `loading` import untouched this long was left by a crash (a chunk takes well under a second). */
export const STALE_LOADING_SEC = 600;
/** D1's limit of bound parameters per statement. */
const MAX_PARAMS = 100;
const DEFAULT_ROWS_PER_BATCH = 2_000;
/** Rows per delete statement, so one statement never holds a whole import. */
const DELETE_CHUNK = 5_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** Longest text value stored (a page with its query, a referrer URL): longer is bad input. */
export const MAX_TEXT_LENGTH = 2_048;

const isDay = (text: string) => DAY_PATTERN.test(text) && dayString(dayNumber(text)) === text;

interface ImportRow {
  id: number;
  site_id: number;
  kind: ImportKind;
  file_name: string;
  file_hash: string;
  first_day: string | null;
  last_day: string | null;
  day_count: number;
  row_count: number;
  status: ImportStatus;
  note: string | null;
  created_at: number;
  created_by: string;
}

const toRecord = (r: ImportRow): ImportRecord => {
  const { text, detail } = readStoredNotes(r.note);
  return {
    id: r.id,
    siteId: r.site_id,
    kind: r.kind,
    fileName: r.file_name,
    fileHash: r.file_hash,
    firstDay: r.first_day,
    lastDay: r.last_day,
    days: r.day_count,
    rows: r.row_count,
    status: r.status,
    note: text,
    noteDetail: detail,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
};

/** A site's imports, complete and loading, oldest first. */
export async function listImports(db: Db, siteId: number): Promise<ImportRecord[]> {
  const rows = await db.all<ImportRow>('SELECT * FROM imports WHERE site_id = ? ORDER BY id', [siteId]);
  return rows.map(toRecord);
}

/** The days the site's complete imports hold, or null when it has none. */
export async function importedRange(db: Db, siteId: number): Promise<ImportedRange | null> {
  const rows = await db.all<{ id: number; first_day: string; last_day: string }>(
    "SELECT id, first_day, last_day FROM imports WHERE site_id = ? AND status = 'complete' ORDER BY id",
    [siteId],
  );
  if (rows.length === 0) return null;
  return {
    firstDay: rows.map((r) => r.first_day).sort()[0]!,
    lastDay: rows.map((r) => r.last_day).sort().at(-1)!,
    imports: rows.map((r) => ({ id: r.id, firstDay: r.first_day, lastDay: r.last_day })),
  };
}

/** Deletes every row of import `id`, a chunk per statement, then its record. */
async function removeImport(db: Db, id: number): Promise<void> {
  for (const table of IMPORTED_TABLE_NAMES) {
    for (;;) {
      const { changes } = await db.run(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE import_id = ? LIMIT ?)`, [id, DELETE_CHUNK]);
      if (changes < DELETE_CHUNK) break;
    }
  }
  await db.run('DELETE FROM imports WHERE id = ?', [id]);
}

/**
 * Deletes import `id` of the site with exactly its rows; false when the site has no such
 * import. It stops being counted at once (marked `loading` first), so a delete cut short
 * is finished by the crash clean-up.
 */
export async function deleteImport(db: Db, siteId: number, id: number, nowSec: number): Promise<boolean> {
  const marked = await db.run("UPDATE imports SET status = 'loading', updated_at = ? WHERE id = ? AND site_id = ?", [nowSec, id, siteId]);
  if (marked.changes === 0) return false;
  await removeImport(db, id);
  return true;
}

/**
 * Removes imports left `loading` by a crash: of one site, or of every site when `siteId`
 * is null (maintenance). Returns how many.
 */
export async function removeAbandonedImports(db: Db, nowSec: number, siteId: number | null): Promise<number> {
  const stale = await db.all<{ id: number }>(
    `SELECT id FROM imports WHERE status = 'loading' AND updated_at < ?${siteId === null ? '' : ' AND site_id = ?'}`,
    siteId === null ? [nowSec - STALE_LOADING_SEC] : [nowSec - STALE_LOADING_SEC, siteId],
  );
  for (const { id } of stale) await removeImport(db, id);
  return stale.length;
}

/** The site-local day of the site's first own visit, raw or rolled up, or null. */
async function firstOwnDay(db: Db, site: Site): Promise<string | null> {
  const raw = await db.first<{ t: number | null }>('SELECT min(started_at) AS t FROM visits WHERE site_id = ?', [site.id]);
  const rolled = await db.first<{ day: string | null }>("SELECT min(day) AS day FROM rollup_visits WHERE site_id = ? AND dimension = ''", [site.id]);
  const days = [raw?.t == null ? null : localDayAt(site.timezone, raw.t), rolled?.day ?? null].filter((d): d is string => d !== null);
  return days.length === 0 ? null : days.sort()[0]!;
}

/** A row's values in its table's column order after site_id, import_id and date; throws on a bad row. */
function rowValues(spec: ImportedTableSpec, row: ImportedRow): SqlValue[] {
  const known = new Set([...spec.dimensions.map((d) => d.name), ...spec.metrics]);
  const unknown = Object.keys(row.values).find((k) => !known.has(k));
  if (unknown !== undefined) throw new ImportError('invalid-row', `${spec.name}: no column "${unknown}"`);
  const dims = spec.dimensions.map(({ name, type }) => {
    const value = row.values[name] ?? (type === 'integer' ? 0 : '');
    if (type === 'text' && typeof value !== 'string') throw new ImportError('invalid-row', `${spec.name}: ${name} on ${row.date} must be text`);
    if (type === 'text' && (value as string).length > MAX_TEXT_LENGTH) {
      throw new ImportError('invalid-row', `${spec.name}: ${name} on ${row.date} is longer than ${MAX_TEXT_LENGTH} characters`);
    }
    if (type === 'integer' && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      throw new ImportError('invalid-row', `${spec.name}: ${name} on ${row.date} must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
    }
    return value;
  });
  const metrics = spec.metrics.map((name) => {
    const value = row.values[name] ?? 0;
    if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
      throw new ImportError('invalid-row', `${spec.name}: ${name} on ${row.date} must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
    }
    return value;
  });
  return [row.date, ...dims, ...metrics];
}

/** INSERT statements for rows of one table, each within D1's parameter limit. */
function insertStatements(spec: ImportedTableSpec, siteId: number, importId: number, rows: SqlValue[][]): Stmt[] {
  const columns = ['date', ...spec.dimensions.map((d) => d.name), ...spec.metrics];
  const perStatement = Math.floor(MAX_PARAMS / columns.length);
  const tuple = `(${siteId}, ${importId}, ${columns.map(() => '?').join(', ')})`;
  const stmts: Stmt[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    stmts.push({
      sql: `INSERT INTO ${spec.name} (site_id, import_id, ${columns.join(', ')}) VALUES ${part.map(() => tuple).join(', ')}`,
      params: part.flat(),
    });
  }
  return stmts;
}

const bounds = (set: Set<string>) => {
  const sorted = [...set].sort();
  return { first: sorted[0] ?? null, last: sorted.at(-1) ?? null };
};

/** The notes saying how the import met Teller's own days and earlier imports' days. */
function clipNotes(firstOwn: string | null, clipped: Set<string>, held: Set<string>): ImportNote[] {
  const notes: ImportNote[] = [];
  if (firstOwn !== null) notes.push({ code: 'own-days', since: firstOwn, left: clipped.size, ...bounds(clipped) });
  if (held.size > 0) {
    const { first, last } = bounds(held);
    notes.push({ code: 'held-days', left: held.size, first: first!, last: last! });
  }
  return notes;
}

/** Records the import as `loading`; a file already imported into the site is refused. */
async function startImport(db: Db, site: Site, source: ImportSource, options: ImportOptions): Promise<number> {
  await refuseDuplicate(db, site, source);
  try {
    const { lastRowId } = await db.run(
      "INSERT INTO imports (site_id, kind, file_name, file_hash, status, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, 'loading', ?, ?, ?)",
      [site.id, source.kind, source.fileName, source.fileHash, options.nowSec, options.nowSec, options.by],
    );
    return lastRowId;
  } catch (error) {
    // Two imports of the same file at once: the unique index lets one in, the other is a duplicate.
    await refuseDuplicate(db, site, source);
    throw error;
  }
}

async function refuseDuplicate(db: Db, site: Site, source: ImportSource): Promise<void> {
  const same = await db.first<{ id: number; created_at: number; status: ImportStatus }>(
    'SELECT id, created_at, status FROM imports WHERE site_id = ? AND file_hash = ?',
    [site.id, source.fileHash],
  );
  if (!same) return;
  const on = localDayAt(site.timezone, same.created_at);
  const what = same.status === 'complete' ? 'was already imported' : 'is being imported';
  throw new ImportError('duplicate', `${source.fileName} ${what} into ${site.domain} (import ${same.id}, ${on}); delete that import first to import the file again`);
}

/**
 * Imports `source` into `site`: every row stored and the import `complete`, or nothing
 * stored and the error thrown (ImportError, the source's ImportFormatError, or any other).
 * Days on or after the site's first own day, and days within an earlier complete import's
 * first..last day, are left out (clip 'before-own-data', said in the summary's note) or
 * refuse the import (clip 'refuse'): no day is ever counted twice.
 */
export async function runImport(db: Db, site: Site, source: ImportSource, options: ImportOptions): Promise<ImportSummary> {
  const siteRow = await db.first<{ id: number }>('SELECT id FROM sites WHERE id = ?', [site.id]);
  if (!siteRow) throw new ImportError('no-site', `there is no site ${site.domain}`);
  await removeAbandonedImports(db, options.nowSec, site.id);
  const firstOwn = await firstOwnDay(db, site);
  const held = (await importedRange(db, site.id))?.imports ?? [];
  const id = await startImport(db, site, source, options);
  try {
    return await loadRows(db, site, source, id, { firstOwn, held }, options);
  } catch (error) {
    await removeImport(db, id);
    throw error;
  }
}

/** Days the import may not add to: Teller's own from `firstOwn` on, and earlier imports' spans. */
interface Taken {
  firstOwn: string | null;
  held: readonly ImportedSpan[];
}

async function loadRows(db: Db, site: Site, source: ImportSource, id: number, taken: Taken, options: ImportOptions): Promise<ImportSummary> {
  const { firstOwn } = taken;
  const clip = options.clip ?? 'before-own-data';
  const perBatch = options.rowsPerBatch ?? DEFAULT_ROWS_PER_BATCH;
  const heartbeat = () => (options.clock ? Math.floor(options.clock() / 1000) : options.nowSec);
  const days = new Set<string>();
  const clipped = new Set<string>();
  const heldDays = new Set<string>();
  let pending = new Map<ImportedTableSpec, SqlValue[][]>();
  let pendingRows = 0;
  let rows = 0;
  const flush = async (extra: Stmt[]) => {
    const stmts = [...pending].flatMap(([spec, values]) => insertStatements(spec, site.id, id, values));
    // The heartbeat goes first: it finds nothing when a clean-up removed this import meanwhile.
    await db.batch([{ sql: "UPDATE imports SET updated_at = ? WHERE id = ? AND status = 'loading'", params: [heartbeat(), id] }, ...stmts, ...extra]);
    const alive = await db.first<{ id: number }>('SELECT id FROM imports WHERE id = ?', [id]);
    if (!alive) throw new ImportError('abandoned', `import ${id} of ${source.fileName} was removed while it ran (left untouched too long); import the file again`);
    pending = new Map();
    pendingRows = 0;
  };
  // Imported sources get their channel, search engine and words here, whatever the importer.
  const complete = acquisitionFiller(site.domain);
  for await (const given of source.rows()) {
    const row = complete(given);
    const spec = importedTable(row.table);
    if (!spec) throw new ImportError('invalid-row', `${source.fileName}: no imported table "${row.table}"`);
    if (typeof row.date !== 'string' || !isDay(row.date)) throw new ImportError('invalid-row', `${spec.name}: date must be a day written YYYY-MM-DD, got ${JSON.stringify(row.date)}`);
    const values = rowValues(spec, row);
    if (firstOwn !== null && row.date >= firstOwn) {
      if (clip === 'refuse') {
        throw new ImportError('overlap', `${source.fileName} has ${row.date}, but Teller counts ${site.domain} itself from ${firstOwn}: import only days before it, or let the import clip them`);
      }
      clipped.add(row.date);
      continue;
    }
    const holder = taken.held.find((h) => row.date >= h.firstDay && row.date <= h.lastDay);
    if (holder) {
      if (clip === 'refuse') {
        throw new ImportError('overlap', `${source.fileName} has ${row.date}, which import ${holder.id} holds already (${holder.firstDay} to ${holder.lastDay}): delete that import first, or let the import clip the days`);
      }
      heldDays.add(row.date);
      continue;
    }
    const list = pending.get(spec) ?? [];
    list.push(values);
    pending.set(spec, list);
    pendingRows++;
    rows++;
    days.add(row.date);
    if (pendingRows >= perBatch) await flush([]);
  }
  if (rows === 0) {
    const own = `on or after ${firstOwn}, from when Teller counts ${site.domain} itself`;
    const why =
      heldDays.size === 0
        ? clipped.size === 0
          ? 'it holds no rows'
          : `every day in it is ${own}`
        : clipped.size === 0
          ? 'earlier imports hold every day in it'
          : `every day in it is ${own}, or held by earlier imports`;
    throw new ImportError('empty', `${source.fileName}: nothing to import, ${why}`);
  }
  const sorted = [...days].sort();
  const notes = clipNotes(firstOwn, clipped, heldDays);
  const { text, detail } = noteFields(notes);
  const summary: ImportSummary = { id, days: days.size, rows, firstDay: sorted[0]!, lastDay: sorted.at(-1)!, clippedDays: clipped.size + heldDays.size, note: text, noteDetail: detail };
  await flush([
    {
      sql: "UPDATE imports SET status = 'complete', first_day = ?, last_day = ?, day_count = ?, row_count = ?, note = ? WHERE id = ? AND status = 'loading'",
      params: [summary.firstDay, summary.lastDay, summary.days, summary.rows, storedNotes(notes), id],
    },
  ]);
  return summary;
}

/** How a purge's deletes go on: `more` is asked before each statement, `run` runs it. */
export interface PurgeSteps {
  more(): boolean;
  run(stmt: Stmt): Promise<{ changes: number }>;
}

/**
 * The statement that makes import `id`'s record say the days and rows it holds now. Read
 * table by table: D1 refuses a compound SELECT of this many terms.
 */
async function recountStatement(db: Db, id: number): Promise<Stmt> {
  const days = new Set<string>();
  let rows = 0;
  for (const table of IMPORTED_TABLE_NAMES) {
    const found = await db.all<{ date: string; n: number }>(`SELECT date, count(*) AS n FROM ${table} WHERE import_id = ? GROUP BY date`, [id]);
    for (const { date, n } of found) {
      days.add(date);
      rows += n;
    }
  }
  const sorted = [...days].sort();
  return {
    sql: 'UPDATE imports SET first_day = ?, last_day = ?, day_count = ?, row_count = ? WHERE id = ?',
    params: [sorted[0] ?? null, sorted.at(-1) ?? null, days.size, rows, id],
  };
}

/**
 * Purge of imported days before site-local day `before`, resumable like the rest of purge:
 * the imports stop counting those days first (their first day moves on; an import held
 * wholly before it stops being complete), then the rows go, then the records of emptied
 * imports, and the others are counted again. Only statements with work to do are run (a
 * read finds it first), so each call makes progress however few statements it may run.
 */
export async function purgeImportsBefore(db: Db, siteId: number, before: string, steps: PurgeSteps): Promise<void> {
  const moving = await db.first("SELECT 1 AS x FROM imports WHERE site_id = ? AND status = 'complete' AND first_day < ? LIMIT 1", [siteId, before]);
  if (moving) {
    if (!steps.more()) return;
    await steps.run({
      sql: `UPDATE imports SET status = CASE WHEN last_day < ? THEN 'loading' ELSE status END,
              first_day = CASE WHEN last_day < ? THEN first_day ELSE ? END
            WHERE site_id = ? AND status = 'complete' AND first_day < ?`,
      params: [before, before, before, siteId, before],
    });
  }
  for (const table of IMPORTED_TABLE_NAMES) {
    const older = `SELECT rowid FROM ${table} WHERE site_id = ? AND date < ?`;
    if (!(await db.first(`${older} LIMIT 1`, [siteId, before]))) continue;
    for (;;) {
      if (!steps.more()) return;
      const { changes } = await steps.run({ sql: `DELETE FROM ${table} WHERE rowid IN (${older} LIMIT ?)`, params: [siteId, before, DELETE_CHUNK] });
      if (changes < DELETE_CHUNK) break;
    }
  }
  if (await db.first('SELECT 1 AS x FROM imports WHERE site_id = ? AND last_day < ? LIMIT 1', [siteId, before])) {
    if (!steps.more()) return;
    await steps.run({ sql: 'DELETE FROM imports WHERE site_id = ? AND last_day < ?', params: [siteId, before] });
  }
  // Moved imports start on the boundary until counted again (then on their first day left).
  const moved = await db.all<{ id: number }>("SELECT id FROM imports WHERE site_id = ? AND status = 'complete' AND first_day = ?", [siteId, before]);
  for (const { id } of moved) {
    if (!steps.more()) return;
    await steps.run(await recountStatement(db, id));
  }
}
