/**
 * Reading what a WP Statistics owner can produce: the plugin's own export (Optimization →
 * Export, one table per file, CSV, TSV or "XML" = an Excel 2003 SpreadsheetML workbook, with
 * or without a header row) and a mysqldump of its tables. The result is each table's rows as
 * named cells; wp-statistics.ts maps them. Runtime-independent.
 *
 * Formats as WP Statistics writes them (includes/libraries/ExportData.php, v14.15.6): every
 * CSV/TSV cell quoted, an inner `"` written `\"` (backslashes themselves not escaped); the CSV
 * writer turns every falsy value ('0', NULL) into ''. The XML writer types cells String,
 * Number or DateTime (dates become `YYYY-MM-DDTHH:MM:SS`). Column order is `SELECT *`, i.e.
 * the table's physical order, which for the tables below is the order in
 * src/Service/Database/Schema/Manager.php (v14) and includes/class-wp-statistics-install.php (v13).
 * @module
 */
import { ImportFormatError } from './tables.ts';

/** The WP Statistics tables Teller reads or recognises, each with its columns in physical order. */
export const WPS_COLUMNS = {
  visitor: ['ID', 'last_counter', 'referred', 'agent', 'platform', 'version', 'device', 'model', 'UAString', 'ip', 'location',
    'user_id', 'hits', 'honeypot', 'city', 'region', 'continent', 'source_channel', 'source_name', 'first_page', 'first_view',
    'last_page', 'last_view'],
  pages: ['page_id', 'uri', 'type', 'date', 'count', 'id'],
  visitor_relationships: ['ID', 'visitor_id', 'page_id', 'date'],
  summary_totals: ['ID', 'date', 'visitors', 'views'],
  search: ['ID', 'last_counter', 'engine', 'host', 'words', 'visitor'],
  visit: ['ID', 'last_visit', 'last_counter', 'visit'],
  historical: ['ID', 'category', 'page_id', 'uri', 'value'],
  exclusions: ['ID', 'date', 'reason', 'count'],
} as const;

export type WpsTableName = keyof typeof WPS_COLUMNS;

/** v13 wrote the first 14 visitor columns; v14 releases appended city…continent, then the source and page columns. */
const VISITOR_WIDTHS = new Set([14, 17, 19, 23]);

export interface WpsRow {
  /** 1-based line in the file where the row starts. */
  line: number;
  /** In the order of the table's `columns`. */
  cells: readonly string[];
}

export interface WpsTable {
  file: string;
  table: WpsTableName;
  /** Each column's position in a row's cells. */
  columns: ReadonlyMap<string, number>;
  rows: WpsRow[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$/;
const INTEGER = /^\d+$/;

/** What WP Statistics writes for an empty table: only `No data in table!` (after the XML preamble in XML). */
export function isEmptyTableExport(text: string): boolean {
  return /No data in table!\s*$/.test(text) && !/<Row\b|INSERT INTO/i.test(text);
}

/** Reads one file: an export of one table (none for an empty table's export), or a dump holding several. */
export function readWpsFile(file: string, text: string): WpsTable[] {
  const body = text.replace(/^\uFEFF/, '');
  const start = body.trimStart();
  if (isEmptyTableExport(body)) return [];
  if (start.startsWith('<?xml') || start.startsWith('<Workbook')) return [fromGrid(file, readSpreadsheetXml(file, body))];
  if (/^\s*(?:--|\/\*|CREATE TABLE|INSERT INTO|DROP TABLE|SET |LOCK TABLES)/i.test(start)) return readDump(file, body);
  if (start === '') throw new ImportFormatError('the file is empty', { file });
  const firstLine = body.slice(0, body.indexOf('\n') === -1 ? body.length : body.indexOf('\n'));
  const delimiter = firstLine.split('\t').length > firstLine.split(',').length ? '\t' : ',';
  return [fromGrid(file, readDelimited(file, body, delimiter))];
}

/** A table from rows of cells: by its header when the first row is one, else by the shape of its cells. */
function fromGrid(file: string, grid: WpsRow[], known?: { table: WpsTableName; columns: readonly string[] }): WpsTable {
  const first = grid[0];
  if (!first) throw new ImportFormatError('no rows', { file });
  let columns: readonly string[];
  let table: WpsTableName;
  let data = grid;
  const header = known ? null : tableOfHeader(first.cells);
  if (known) {
    ({ table, columns } = known);
  } else if (header) {
    table = header;
    columns = first.cells;
    data = grid.slice(1);
  } else {
    const guessed = tableOfShape(first.cells);
    if (!guessed) {
      throw new ImportFormatError(
        `not a WP Statistics table export: ${first.cells.length} columns and no header row naming them`,
        { file, line: first.line },
      );
    }
    ({ table, columns } = guessed);
  }
  for (const row of data) {
    if (row.cells.length !== columns.length) {
      throw new ImportFormatError(`expected ${columns.length} columns, found ${row.cells.length}`, { file, line: row.line });
    }
  }
  return { file, table, columns: new Map(columns.map((name, i) => [name, i])), rows: data };
}

/** The table whose columns the header names (all of the ones Teller needs, any order). */
function tableOfHeader(cells: readonly string[]): WpsTableName | null {
  const names = new Set(cells);
  const needs: ReadonlyArray<readonly [WpsTableName, readonly string[]]> = [
    ['visitor', ['last_counter', 'agent', 'hits']],
    ['pages', ['uri', 'date', 'count']],
    ['visitor_relationships', ['visitor_id', 'page_id', 'date']],
    ['summary_totals', ['date', 'visitors', 'views']],
    ['search', ['last_counter', 'engine', 'words']],
    ['visit', ['last_visit', 'last_counter', 'visit']],
    ['historical', ['category', 'uri', 'value']],
    ['exclusions', ['date', 'reason', 'count']],
  ];
  return needs.find(([, columns]) => columns.every((c) => names.has(c)))?.[0] ?? null;
}

/** A headerless export: the table whose physical column order fits the first row's cells. */
function tableOfShape(cells: readonly string[]): { table: WpsTableName; columns: readonly string[] } | null {
  const c = (i: number) => cells[i] ?? '';
  const width = cells.length;
  const date = (i: number) => DATE.test(c(i).slice(0, 10));
  const datetime = (i: number) => DATETIME.test(c(i));
  const int = (i: number) => c(i) === '' || INTEGER.test(c(i));
  if (VISITOR_WIDTHS.has(width) && int(0) && date(1)) return { table: 'visitor', columns: WPS_COLUMNS.visitor.slice(0, width) };
  if (width === 6 && int(0) && c(1).startsWith('/') && date(3)) return { table: 'pages', columns: WPS_COLUMNS.pages };
  // Sites upgraded from before v12.6 have page_id appended last rather than first.
  if (width === 6 && c(0).startsWith('/') && date(2)) return { table: 'pages', columns: ['uri', 'type', 'date', 'count', 'id', 'page_id'] };
  if (width === 6 && int(0) && date(1)) return { table: 'search', columns: WPS_COLUMNS.search };
  if (width === 4 && int(0) && datetime(1) && date(2)) return { table: 'visit', columns: WPS_COLUMNS.visit };
  if (width === 4 && int(0) && int(1) && int(2) && datetime(3)) return { table: 'visitor_relationships', columns: WPS_COLUMNS.visitor_relationships };
  if (width === 4 && int(0) && date(1) && int(2) && int(3)) return { table: 'summary_totals', columns: WPS_COLUMNS.summary_totals };
  if (width === 4 && int(0) && date(1)) return { table: 'exclusions', columns: WPS_COLUMNS.exclusions };
  if (width === 5 && int(0) && int(2) && int(4)) return { table: 'historical', columns: WPS_COLUMNS.historical };
  return null;
}

/** CSV/TSV as ExportData.php writes it, and as spreadsheets re-save it (`""` escapes, unquoted cells). */
function readDelimited(file: string, text: string, delimiter: string): WpsRow[] {
  const rows: WpsRow[] = [];
  const newlines = (from: number, to: number) => {
    let n = 0;
    for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) n++;
    return n;
  };
  const endsCell = (ch: string) => ch === delimiter || ch === '\n' || ch === '\r' || ch === '';
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const rowLine = line;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (text.charAt(i) === '"') {
        i++;
        // Whole runs up to the next quote at a time: a quote after a backslash, or doubled, is part of the cell.
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote === -1) throw new ImportFormatError('a quoted cell is not closed', { file, line: rowLine, column: String(cells.length + 1) });
          line += newlines(i, quote);
          const run = text.slice(i, quote);
          if (run.endsWith('\\')) {
            cell += `${run.slice(0, -1)}"`;
            i = quote + 1;
          } else if (text.charAt(quote + 1) === '"') {
            cell += `${run}"`;
            i = quote + 2;
          } else {
            cell += run;
            i = quote + 1;
            break;
          }
        }
        if (!endsCell(text.charAt(i))) {
          throw new ImportFormatError('unexpected text after a quoted cell', { file, line, column: String(cells.length + 1) });
        }
      } else {
        const start = i;
        while (!endsCell(text.charAt(i))) i++;
        cell = text.slice(start, i);
      }
      cells.push(cell);
      if (text.charAt(i) === delimiter) {
        i++;
        continue;
      }
      break;
    }
    if (text.charAt(i) === '\r') i++;
    if (text.charAt(i) === '\n') {
      i++;
      line++;
    }
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
  }
  return rows;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(file: string, line: number, text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code > 0x10ffff) throw new ImportFormatError(`bad character reference ${whole}`, { file, line });
      return String.fromCodePoint(code);
    }
    const decoded = ENTITIES[name];
    if (decoded === undefined) throw new ImportFormatError(`unknown entity ${whole}`, { file, line });
    return decoded;
  });
}

/** The rows of SpreadsheetML's first table: `<Row>` of `<Cell><Data ss:Type=…>value</Data></Cell>`. */
function readSpreadsheetXml(file: string, text: string): WpsRow[] {
  const lineAt = lineCounter(text);
  const rows: WpsRow[] = [];
  const rowPattern = /<Row\b[^>]*?(?:\/>|>([\s\S]*?)<\/Row>)/g;
  for (let m = rowPattern.exec(text); m; m = rowPattern.exec(text)) {
    const line = lineAt(m.index);
    const cells: string[] = [];
    const cellPattern = /<Cell\b[^>]*?(?:\/>|>([\s\S]*?)<\/Cell>)/g;
    for (let c = cellPattern.exec(m[1] ?? ''); c; c = cellPattern.exec(m[1] ?? '')) {
      const data = /<Data\b([^>]*)>([\s\S]*?)<\/Data>/.exec(c[1] ?? '');
      if (!data) {
        cells.push('');
        continue;
      }
      const value = decodeEntities(file, line, data[2] ?? '');
      // DateTime cells were dates or datetimes in MySQL; the time part of a date is midnight.
      cells.push(/ss:Type="DateTime"/.test(data[1] ?? '') ? value.replace('T', ' ') : value);
    }
    rows.push({ line, cells });
  }
  if (rows.length === 0 && !/<Workbook\b/.test(text)) throw new ImportFormatError('not a SpreadsheetML workbook', { file, line: 1 });
  return rows;
}

function lineCounter(text: string): (offset: number) => number {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** The WP Statistics table a MySQL table name is (`wp_statistics_visitor` with any prefix), or null. */
function wpsTableOf(name: string): WpsTableName | null {
  const table = /statistics_([a-z_]+)$/.exec(name)?.[1];
  return table !== undefined && table in WPS_COLUMNS ? (table as WpsTableName) : null;
}

/** A mysqldump (or phpMyAdmin SQL export): CREATE TABLE gives the column order, INSERT the rows. */
function readDump(file: string, text: string): WpsTable[] {
  const lineAt = lineCounter(text);
  const columnsOf = new Map<string, string[]>();
  // One entry per INSERT statement: statements may list their columns differently.
  const tables: WpsTable[] = [];
  const create = /CREATE TABLE (?:IF NOT EXISTS )?`?([\w$]+)`?\s*\(([\s\S]*?)\n\)/g;
  for (let m = create.exec(text); m; m = create.exec(text)) {
    const columns = [...(m[2] ?? '').matchAll(/^\s*`([^`]+)`\s/gm)].map((c) => c[1] ?? '');
    columnsOf.set(m[1] ?? '', columns);
  }
  const insert = /INSERT (?:IGNORE )?INTO `?([\w$]+)`?\s*(\(([^)]*)\))?\s*VALUES\s*/gi;
  for (let m = insert.exec(text); m; m = insert.exec(text)) {
    const name = m[1] ?? '';
    const table = wpsTableOf(name);
    const { tuples, end } = readTuples(file, text, insert.lastIndex, lineAt);
    insert.lastIndex = end;
    if (!table) continue;
    const listed = m[3]?.split(',').map((c) => c.trim().replace(/`/g, ''));
    const columns = listed ?? columnsOf.get(name);
    const grid = tuples.map((t) => ({ line: t.line, cells: t.values }));
    const read = columns ? fromGrid(file, grid, { table, columns }) : fromGrid(file, grid);
    if (read.table !== table) throw new ImportFormatError(`the rows of ${name} do not look like WP Statistics' ${table} table`, { file, line: lineAt(m.index) });
    tables.push(read);
  }
  if (tables.length === 0) throw new ImportFormatError('no INSERT statements for WP Statistics tables (…statistics_visitor, …statistics_pages…)', { file });
  return tables;
}

const SQL_ESCAPES: Readonly<Record<string, string>> = { '0': '\0', n: '\n', r: '\r', t: '\t', Z: '\x1a', b: '\b' };

/** The `(v, v, …), (…);` list after VALUES: strings, numbers and NULL (read as ''). */
function readTuples(file: string, text: string, from: number, lineAt: (offset: number) => number) {
  const tuples: Array<{ line: number; values: string[] }> = [];
  let i = from;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
  };
  for (;;) {
    skipSpace();
    if (text.charAt(i) !== '(') throw new ImportFormatError('expected "(" in an INSERT statement', { file, line: lineAt(i) });
    const line = lineAt(i);
    i++;
    const values: string[] = [];
    for (;;) {
      skipSpace();
      if (text.charAt(i) === "'") {
        i++;
        let value = '';
        for (;;) {
          if (i >= text.length) throw new ImportFormatError('a quoted value is not closed', { file, line, column: String(values.length + 1) });
          const ch = text.charAt(i);
          if (ch === '\\') {
            const next = text.charAt(i + 1) ?? '';
            value += SQL_ESCAPES[next] ?? next;
            i += 2;
          } else if (ch === "'" && text.charAt(i + 1) === "'") {
            value += "'";
            i += 2;
          } else if (ch === "'") {
            i++;
            break;
          } else {
            value += ch;
            i++;
          }
        }
        values.push(value);
      } else {
        const m = /^(NULL|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/i.exec(text.slice(i, i + 64));
        if (!m) throw new ImportFormatError('expected a value in an INSERT statement', { file, line, column: String(values.length + 1) });
        const token = m[1] ?? '';
        values.push(token.toUpperCase() === 'NULL' ? '' : token);
        i += token.length;
      }
      skipSpace();
      if (text.charAt(i) === ',') {
        i++;
        continue;
      }
      if (text.charAt(i) === ')') {
        i++;
        break;
      }
      throw new ImportFormatError('expected "," or ")" in an INSERT statement', { file, line, column: String(values.length) });
    }
    tuples.push({ line, values });
    skipSpace();
    if (text.charAt(i) === ',') {
      i++;
      continue;
    }
    if (text.charAt(i) === ';') return { tuples, end: i + 1 };
    throw new ImportFormatError('an INSERT statement does not end with ";"', { file, line: lineAt(i) });
  }
}
