/**
 * Plausible's CSV export read as imported rows: the `imported_*_YYYYMMDD_YYYYMMDD.csv` files
 * of Plausible CE, plausible.io and Teller's own export, loose or in a ZIP. Runtime-
 * independent: files come as names and byte streams (a ZIP through `../unzip.ts`, a folder
 * read by the Node CLI).
 *
 * The format follows Plausible's own source (plausible/analytics; docs/import.md cites the
 * commits): the file name pattern and tables of `lib/plausible/imported/csv_importer.ex`,
 * the columns its `lib/plausible/exports.ex` writes today, and the older column sets its
 * importer and `priv/ingest_repo/migrations` have had. As Plausible's importer does
 * (ClickHouse `CSVWithNames`), columns are matched by header name and a known column left
 * out reads as empty or 0; a column no version had is refused.
 *
 * Every field is checked; the first bad one is an ImportFormatError naming file, line and
 * column. Limits (stated in docs/import.md): a CSV file up to 1 GiB, a field up to 2048
 * characters, a ZIP up to 10,000 entries and 4 GiB inflated, 200 : 1 at most per entry.
 * @module
 */
import { iso31661 } from 'iso-3166';
import { MAX_TEXT_LENGTH } from './store.ts';
import { ImportFormatError, type ImportedRow, type ImportedTableName, type ImportSource } from './tables.ts';
import { bytesAccess, readZip, ZipError, type RandomAccess, type ZipLimits } from '../unzip.ts';

const GiB = 1024 * 1024 * 1024;

export const PLAUSIBLE_LIMITS = {
  maxFileSize: GiB,
  /** The store's own bound on a text, refused here already so the file and line are named. */
  maxFieldLength: MAX_TEXT_LENGTH,
  zip: { maxEntries: 10_000, maxEntrySize: GiB, maxTotalSize: 4 * GiB - 1, maxRatio: 200 } satisfies ZipLimits,
};

/** One CSV file: its name (a path inside an archive or folder) and its bytes. */
export interface CsvFile {
  name: string;
  /** Bytes, when known before reading (refused early past the limit). */
  size: number | null;
  bytes(): AsyncIterable<Uint8Array>;
}

type Kind = 'date' | 'text' | 'country' | 'region' | 'count' | 'nullable-count';

interface Column {
  kind: Kind;
  /** The current column it is stored as; null: read and checked, not stored. */
  as?: string | null;
}

interface TableFormat {
  table: ImportedTableName;
  /** Every column any version of the export has written. */
  columns: Record<string, Column>;
  /** Columns every version has: a header without one is not this table's. */
  required: string[];
}

const text: Column = { kind: 'text' };
const count: Column = { kind: 'count' };
const counts = (...names: string[]) => Object.fromEntries(names.map((n) => [n, count]));
const VISIT_METRICS = counts('visitors', 'visits', 'visit_duration', 'bounces', 'pageviews');

/** Plausible's tables and the columns they have had, current ones first. */
export const PLAUSIBLE_FORMATS: TableFormat[] = [
  { table: 'imported_visitors', columns: { date: { kind: 'date' }, ...counts('visitors', 'pageviews', 'bounces', 'visits', 'visit_duration') }, required: ['date', 'visitors'] },
  {
    table: 'imported_sources',
    columns: {
      date: { kind: 'date' },
      ...Object.fromEntries(['source', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'].map((n) => [n, text])),
      ...counts('pageviews', 'visitors', 'visits', 'visit_duration', 'bounces'),
    },
    required: ['date', 'source'],
  },
  {
    table: 'imported_pages',
    columns: {
      date: { kind: 'date' },
      hostname: text,
      page: text,
      ...counts('visits', 'visitors', 'pageviews'),
      // From LEFT JOINs in exports.ex: a page without engagement data may read NULL (`\N`), as 0.
      ...Object.fromEntries(['total_scroll_depth', 'total_scroll_depth_visits', 'total_time_on_page', 'total_time_on_page_visits'].map((n) => [n, { kind: 'nullable-count' } as Column])),
      // Before 2025: exits and a time on page of another meaning, then a scroll depth total
      // (NULL without data) over pageleave_visitors, which Plausible renamed in February 2025.
      exits: count,
      time_on_page: { kind: 'count', as: null },
      active_visitors: { kind: 'count', as: null },
      scroll_depth: { kind: 'nullable-count', as: 'total_scroll_depth' },
      pageleave_visitors: { kind: 'count', as: 'total_scroll_depth_visits' },
    },
    required: ['date', 'page'],
  },
  { table: 'imported_entry_pages', columns: { date: { kind: 'date' }, entry_page: text, ...counts('visitors', 'entrances', 'visit_duration', 'bounces', 'pageviews') }, required: ['date', 'entry_page'] },
  { table: 'imported_exit_pages', columns: { date: { kind: 'date' }, exit_page: text, ...counts('visitors', 'visit_duration', 'exits', 'bounces', 'pageviews') }, required: ['date', 'exit_page'] },
  { table: 'imported_custom_events', columns: { date: { kind: 'date' }, name: text, link_url: text, path: text, ...counts('visitors', 'events') }, required: ['date', 'name'] },
  { table: 'imported_locations', columns: { date: { kind: 'date' }, country: { kind: 'country' }, region: { kind: 'region' }, city: count, ...VISIT_METRICS }, required: ['date', 'country'] },
  { table: 'imported_devices', columns: { date: { kind: 'date' }, device: text, ...VISIT_METRICS }, required: ['date', 'device'] },
  { table: 'imported_browsers', columns: { date: { kind: 'date' }, browser: text, browser_version: text, ...VISIT_METRICS }, required: ['date', 'browser'] },
  {
    table: 'imported_operating_systems',
    columns: { date: { kind: 'date' }, operating_system: text, operating_system_version: text, ...VISIT_METRICS },
    required: ['date', 'operating_system'],
  },
];

/** ISO 3166-1 alpha-2, and XK (Kosovo), which GeoNames and the geolocation databases use. */
const COUNTRIES = new Set([...iso31661.map((c) => c.alpha2), 'XK']);

export interface PlausibleFileName {
  format: TableFormat;
  from: string;
  to: string;
}

const FILE_NAME = /^(?:imported_)?([a-z_]+)_(\d{8})_(\d{8})\.csv$/;

function isoDay(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

/**
 * The table and day range of a file name (its last path segment), as Plausible's
 * `parse_filename!`: `imported_pages_20240101_20241231.csv` or `pages_…`; null for any other.
 */
export function parsePlausibleFileName(path: string): PlausibleFileName | null {
  const match = FILE_NAME.exec(path.slice(path.lastIndexOf('/') + 1));
  if (!match) return null;
  const format = PLAUSIBLE_FORMATS.find((f) => f.table === `imported_${match[1]}`);
  if (!format) return null;
  const from = isoDay(match[2]!);
  const to = isoDay(match[3]!);
  if (!isCalendarDay(from) || !isCalendarDay(to) || from > to) return null;
  return { format, from, to };
}

interface CsvRecord {
  line: number;
  fields: string[];
}

/** start: a field begins; plain: unquoted; quoted: inside quotes; quote: a quote seen inside quotes; cr: a CR seen. */
type CsvState = 'start' | 'plain' | 'quoted' | 'quote' | 'cr';

/** Whether a UTF-16 code is one the CSV grammar acts on: `,` `"` LF CR. */
function special(code: number): boolean {
  return code === 44 || code === 34 || code === 10 || code === 13;
}

/**
 * RFC 4180 records (CRLF or LF, as Teller and ClickHouse write them) from UTF-8 bytes,
 * with the line each starts on, a batch per chunk read. Invalid UTF-8, a stray quote, an
 * unclosed quote or an over-long field is an ImportFormatError. A state machine, so a
 * chunk may end anywhere; runs of plain text are sliced, not added a character at a time.
 */
async function* csvRecords(file: string, bytes: AsyncIterable<Uint8Array>, maxSize: number): AsyncGenerator<CsvRecord[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const max = PLAUSIBLE_LIMITS.maxFieldLength;
  let state = 'start' as CsvState;
  let line = 1;
  let start = 1;
  let fields: string[] = [];
  let field = '';
  let size = 0;
  let batch: CsvRecord[] = [];
  const fail = (problem: string): never => {
    throw new ImportFormatError(problem, { file, line, column: null });
  };
  const add = (part: string) => {
    field += part;
    if (field.length > max) fail(`a field longer than ${max} characters`);
  };
  const endField = () => {
    fields.push(field);
    field = '';
    if (fields.length > 64) fail('more than 64 fields on a line');
  };
  const endRecord = () => {
    endField();
    batch.push({ line: start, fields });
    fields = [];
    line++;
    start = line;
  };
  /** The chunk's text; for bytes that are not UTF-8, the text before them and `bad`. */
  const decode = (chunk?: Uint8Array): { text: string; bad: boolean } => {
    try {
      return { text: chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode(), bad: false };
    } catch {
      const text = new TextDecoder().decode(chunk);
      return { text: text.slice(0, Math.max(0, text.indexOf('\uFFFD'))), bad: true };
    }
  };
  const consume = (text: string) => {
    let i = 0;
    while (i < text.length) {
      if (state === 'quoted') {
        const q = text.indexOf('"', i);
        const part = text.slice(i, q < 0 ? text.length : q);
        for (let n = part.indexOf('\n'); n >= 0; n = part.indexOf('\n', n + 1)) line++;
        add(part);
        if (q < 0) return;
        state = 'quote';
        i = q + 1;
        continue;
      }
      if (state === 'start' || state === 'plain') {
        let j = i;
        while (j < text.length && !special(text.charCodeAt(j))) j++;
        if (j > i) {
          add(text.slice(i, j));
          state = 'plain';
          i = j;
          continue;
        }
      }
      const c = text[i++]!;
      if (state === 'cr') {
        if (c !== '\n') fail('a carriage return not followed by a line feed');
        endRecord();
        state = 'start';
      } else if (c === '"') {
        if (state === 'start') state = 'quoted';
        else if (state === 'quote') {
          add('"');
          state = 'quoted';
        } else fail('a quote inside an unquoted field');
      } else if (c === ',') {
        endField();
        state = 'start';
      } else if (c === '\n') {
        endRecord();
        state = 'start';
      } else if (c === '\r') {
        state = 'cr';
      } else {
        fail('text after a closing quote');
      }
    }
  };
  const flush = function* () {
    if (batch.length > 0) yield batch;
    batch = [];
  };
  for await (const chunk of bytes) {
    size += chunk.length;
    if (size > maxSize) fail(`the file is larger than ${maxSize} bytes, the most read from one file`);
    const { text, bad } = decode(chunk);
    consume(text);
    yield* flush();
    if (bad) fail('not UTF-8 text');
  }
  const rest = decode();
  consume(rest.text);
  if (rest.bad) fail('not UTF-8 text: the file ends inside a character');
  if (state === 'quoted') fail('a quoted field is not closed before the end of the file');
  if (state === 'cr' || field !== '' || fields.length > 0 || state === 'quote') endRecord();
  yield* flush();
}

interface Header {
  /** Per field: its name and column, in file order. */
  fields: Array<[name: string, column: Column]>;
  /** The country field's index, or -1. */
  country: number;
  /** Days already found valid and inside the file's range. */
  days: Set<string>;
}

function readHeader(file: string, format: TableFormat, names: string[]): Header {
  const seen = new Set<string>();
  const fields = names.map((name, i): [string, Column] => {
    const column = format.columns[name];
    const where = { file, line: 1, column: name.length > 40 || name === '' ? `#${i + 1}` : name };
    if (!column) throw new ImportFormatError(`unknown column ${quoted(name)} for ${format.table}; its columns are ${Object.keys(format.columns).join(', ')}`, where);
    if (seen.has(name)) throw new ImportFormatError(`column ${quoted(name)} twice`, where);
    seen.add(name);
    return [name, column];
  });
  const missing = format.required.filter((name) => !seen.has(name));
  if (missing.length > 0) throw new ImportFormatError(`the header lacks ${missing.join(', ')}, which every ${format.table} file has`, { file, line: 1, column: null });
  return { fields, country: names.indexOf('country'), days: new Set() };
}

/** A refused value as a message quotes it: at most 40 characters, control characters escaped. */
function quoted(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

/** A field's value as stored, or the reason it is refused. */
function fieldValue(kind: Kind, raw: string, country: string): string | number | { problem: string } {
  switch (kind) {
    case 'date':
      return isCalendarDay(raw) ? raw : { problem: `${quoted(raw)} is not a date written YYYY-MM-DD` };
    case 'text':
      return raw.includes('\u0000') ? { problem: 'a NUL character' } : raw;
    case 'country':
      return raw === '' || COUNTRIES.has(raw) ? raw : { problem: `${quoted(raw)} is not an ISO 3166-1 alpha-2 country code` };
    case 'region':
      if (raw === '') return raw;
      if (!/^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(raw)) return { problem: `${quoted(raw)} is not an ISO 3166-2 region code` };
      return raw.startsWith(`${country}-`) ? raw : { problem: `region ${quoted(raw)} is not in country ${quoted(country)}` };
    case 'nullable-count':
      if (raw === '' || raw === '\\N') return 0;
    // falls through: otherwise a count
    case 'count':
      if (!/^\d{1,15}$/.test(raw)) return { problem: `${quoted(raw)} is not a whole number of 0 or more` };
      return Number(raw);
  }
}

function mib(bytes: number): string {
  return bytes >= GiB ? `${bytes / GiB} GiB` : `${Math.round(bytes / 1024 / 1024)} MiB`;
}

function tooLarge(file: string, size: number, max: number): ImportFormatError {
  return new ImportFormatError(`the file has ${size} bytes; at most ${max} (${mib(max)}) are read from one file`, { file });
}

/** A record's row, every field checked; null for a blank line. */
function rowOf(file: string, name: PlausibleFileName, header: Header, record: CsvRecord): ImportedRow | null {
  const { format, from, to } = name;
  if (record.fields.length === 1 && record.fields[0] === '') return null;
  if (record.fields.length !== header.fields.length) {
    throw new ImportFormatError(`${record.fields.length} fields where the header has ${header.fields.length}`, { file, line: record.line, column: null });
  }
  const country = header.country >= 0 ? record.fields[header.country]! : '';
  const values: Record<string, string | number> = {};
  let date = '';
  for (let i = 0; i < header.fields.length; i++) {
    const [column, spec] = header.fields[i]!;
    const raw = record.fields[i]!;
    // A file has few days, each checked once (a Date per row would be the reader's main cost).
    const value = spec.kind === 'date' && header.days.has(raw) ? raw : fieldValue(spec.kind, raw, country);
    if (typeof value === 'object') throw new ImportFormatError(value.problem, { file, line: record.line, column });
    if (column === 'date') {
      if (value < from || value > to) throw new ImportFormatError(`${value} is outside the file's range ${from} to ${to}`, { file, line: record.line, column });
      header.days.add(raw);
      date = raw;
      continue;
    }
    const as = spec.as === undefined ? column : spec.as;
    if (as !== null) values[as] = value;
  }
  if (values.region && !values.country) throw new ImportFormatError('a region without a country', { file, line: record.line, column: 'region' });
  return { table: format.table, date, values };
}

/** One file's rows; every field checked, the day inside the file name's range. */
export async function* plausibleFileRows(file: CsvFile, name: PlausibleFileName, maxFileSize = PLAUSIBLE_LIMITS.maxFileSize): AsyncGenerator<ImportedRow> {
  if (file.size !== null && file.size > maxFileSize) throw tooLarge(file.name, file.size, maxFileSize);
  let header: Header | null = null;
  for await (const batch of csvRecords(file.name, file.bytes(), maxFileSize)) {
    for (const record of batch) {
      if (header === null) header = readHeader(file.name, name.format, record.fields);
      else {
        const row = rowOf(file.name, name, header, record);
        if (row) yield row;
      }
    }
  }
  if (header === null) throw new ImportFormatError('the file is empty: not even a header', { file: file.name, line: 1 });
}

export interface PlausibleFiles {
  files: Array<{ file: CsvFile; name: PlausibleFileName }>;
  /** Files left out: not Plausible's (Teller's raw `events_…csv`, a README, `__MACOSX/…`). */
  skipped: string[];
}

/**
 * Which of `files` are Plausible's tables; two files of one table, none at all, or one
 * larger than the limit (by its size, before a byte is read) are refused.
 */
export function selectPlausibleFiles(files: CsvFile[], archive: string): PlausibleFiles {
  const chosen: PlausibleFiles = { files: [], skipped: [] };
  for (const file of files) {
    const name = file.name.includes('__MACOSX/') ? null : parsePlausibleFileName(file.name);
    if (!name) {
      chosen.skipped.push(file.name);
      continue;
    }
    if (file.size !== null && file.size > PLAUSIBLE_LIMITS.maxFileSize) throw tooLarge(file.name, file.size, PLAUSIBLE_LIMITS.maxFileSize);
    const twin = chosen.files.find((f) => f.name.format.table === name.format.table);
    if (twin) throw new ImportFormatError(`a second file for ${name.format.table}, after ${twin.file.name}: import one export at a time`, { file: file.name });
    chosen.files.push({ file, name });
  }
  if (chosen.files.length === 0) {
    throw new ImportFormatError('no file of a Plausible CSV export in it (imported_visitors_YYYYMMDD_YYYYMMDD.csv, imported_pages_…, …)', { file: archive });
  }
  return chosen;
}

/** The CSV files of a ZIP archive; a damaged or hostile archive is an ImportFormatError naming it. */
export async function zipCsvFiles(archive: string, src: RandomAccess): Promise<CsvFile[]> {
  try {
    const entries = await readZip(src, PLAUSIBLE_LIMITS.zip);
    return entries.map((entry) => ({ name: entry.name, size: entry.size, bytes: () => zipErrorsNamed(archive, entry.open()) }));
  } catch (error) {
    if (error instanceof ZipError) throw new ImportFormatError(error.message, { file: archive });
    throw error;
  }
}

async function* zipErrorsNamed(archive: string, bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* bytes;
  } catch (error) {
    if (error instanceof ZipError) throw new ImportFormatError(error.message, { file: error.entry ?? archive });
    throw error;
  }
}

export interface PlausibleSource extends ImportSource {
  skipped: string[];
  /** The days the file names cover, first to last. */
  range: { from: string; to: string };
}

/** An ImportSource over Plausible's files; `rows()` may be read more than once. */
export function plausibleSource(fileName: string, fileHash: string, files: CsvFile[]): PlausibleSource {
  const chosen = selectPlausibleFiles(files, fileName);
  const froms = chosen.files.map((f) => f.name.from).sort();
  const tos = chosen.files.map((f) => f.name.to).sort();
  return {
    kind: 'plausible',
    fileName,
    fileHash,
    skipped: chosen.skipped,
    range: { from: froms[0]!, to: tos.at(-1)! },
    async *rows() {
      for (const { file, name } of chosen.files) yield* plausibleFileRows(file, name);
    },
  };
}

/** The SHA-256 of bytes held in memory, lower-case hex (an upload's `fileHash`). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A ZIP upload held in memory (the admin API, the settings page) as a source. */
export async function plausibleZipSource(fileName: string, bytes: Uint8Array): Promise<PlausibleSource> {
  return plausibleSource(fileName, await sha256Hex(bytes), await zipCsvFiles(fileName, bytesAccess(bytes)));
}
