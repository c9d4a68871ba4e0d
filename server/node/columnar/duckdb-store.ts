/**
 * The columnar copy of closed days in DuckDB (`@duckdb/node-api`, whose binary ships in the
 * npm package): a file beside the SQLite database holding the same visits, events and
 * properties for whole closed days, which DuckDB scans column by column, many times faster
 * than SQLite reads rows for a filtered view. It is derived data: deleting the file is
 * safe, and the copy is written again from SQLite in the background.
 *
 * A day is written in one transaction together with its row in `copied_days`, which is what
 * queries go by: a crash in the middle leaves no half day visible, and writing a day again
 * replaces it. Reads go to a few connections (`readers`), each one statement at a time, so a
 * view's queries read side by side; each sees the days committed before it began, never a
 * day half written. Its memory is bounded by `memory_limit` and its threads by `threads`.
 * @module
 */
import { rmSync } from 'node:fs';
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api';
import { EVENT_COLUMNS, PROP_COLUMNS, VISIT_COLUMNS, type ColumnKind } from '../../core/columnar/day-rows.ts';
import type { ColumnarCoverage, ColumnarStore, HeldSite } from '../../core/ports.ts';
import type { SqlValue, Stmt } from '../../core/ports.ts';
import { KEPT_SET_REF } from '../../core/query/kept-sets.ts';
import { RAW_TABLES } from '../../core/store/site-days.ts';
import { STALE_SET_MESSAGE } from './options.ts';

export interface DuckStoreOptions {
  path: string;
  /** DuckDB's `memory_limit`, e.g. `256MB`. */
  memoryLimit: string;
  /** DuckDB's `threads`: the most cores one statement uses. */
  threads: number;
  /** Read connections, each answering one statement at a time: reads of different queries run side by side (1 unless told). */
  readers?: number;
}

export interface DuckStore extends ColumnarStore {
  close(): void;
}

type Columns = ReadonlyArray<readonly [string, ColumnKind]>;

/** The copy's tables, with their columns from the schema (day-rows.ts). */
const TABLES: Array<[string, Columns]> = [
  ['visits', VISIT_COLUMNS],
  ['events', EVENT_COLUMNS],
  ['event_props', PROP_COLUMNS],
];

const SQL_TYPES: Record<ColumnKind, string> = { int: 'BIGINT', text: 'VARCHAR', flag: 'UTINYINT' };

function createTable(name: string, columns: Columns): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (${columns.map(([c, kind]) => `${c} ${SQL_TYPES[kind]}`).join(', ')})`;
}

/** Bump when what a column holds changes. */
const MEANING = 2;

/**
 * The copy's format: a copy of another is dropped and written again. The tables are part
 * of it, so an attribute added to the schema rewrites the copy by itself.
 */
const FORMAT = `${MEANING}\n${TABLES.map(([name, columns]) => createTable(name, columns)).join('\n')}`;

/** JavaScript values for DuckDB: integers bound as BIGINT so they compare with the BIGINT columns as such. */
function bindable(value: SqlValue): string | number | bigint | null {
  return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
}

function plain(row: Record<string, unknown>): Record<string, SqlValue> {
  const out: Record<string, SqlValue> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? Number(v) : (v as SqlValue);
  return out;
}

/** Prepared statements kept per connection: the generator writes few distinct shapes. */
const PREPARED_KEPT = 64;

/** Runs tasks one after another: a DuckDB connection runs one statement at a time. */
function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** A read connection with the statements it has prepared (a statement belongs to its connection). */
interface ReadConnection {
  connection: DuckDBConnection;
  prepared: Map<string, DuckDBPreparedStatement>;
}

/** Parsing and planning cost DuckDB a few milliseconds a statement; a dashboard asks the same ones again. */
async function prepareOn(reader: ReadConnection, sql: string): Promise<DuckDBPreparedStatement> {
  const { prepared } = reader;
  let statement = prepared.get(sql);
  if (statement) {
    prepared.delete(sql);
  } else {
    statement = await reader.connection.prepare(sql);
    if (prepared.size >= PREPARED_KEPT) {
      const [oldest, old] = prepared.entries().next().value!;
      prepared.delete(oldest);
      old.destroySync();
    }
  }
  prepared.set(sql, statement);
  return statement;
}

/**
 * Read connections taken one task each, waiting tasks served in the order they came: as many
 * statements run at once as there are connections, each on DuckDB's shared threads.
 */
function readPool(readers: ReadConnection[]): <T>(task: (reader: ReadConnection) => Promise<T>) => Promise<T> {
  const free = [...readers];
  const waiting: Array<(reader: ReadConnection) => void> = [];
  const release = (reader: ReadConnection) => {
    const next = waiting.shift();
    if (next) next(reader);
    else free.push(reader);
  };
  return async (task) => {
    const reader = free.pop() ?? (await new Promise<ReadConnection>((resolve) => waiting.push(resolve)));
    try {
      return await task(reader);
    } finally {
      release(reader);
    }
  };
}

/** Kept sets at most (query/kept-sets.ts): tables of visit ids in memory, the least recently used dropped first. */
const SETS_KEPT = 16;
/**
 * Their rows at most, together (8 bytes each: about 32 MB, room for a 10 M-event site's
 * filtered year view, ~2.5 M): past it, unused sets are dropped, so that sets of earlier views
 * do not take the memory reads need (sixteen years' sets made DuckDB spill, twice as slow).
 */
const SET_ROWS_KEPT = 4_000_000;

/** A read with kept sets overlapped a write of the copy: its set may predate the rows it read. */
export class StaleSetError extends Error {
  constructor() {
    super(STALE_SET_MESSAGE);
  }
}

/** A kept set: its table, made once by the first read that names it, dropped once stale (or old) and unused. */
interface KeptTable {
  name: string;
  ready: Promise<unknown>;
  /** Its rows, once made. */
  rows: number;
  users: number;
  stale: boolean;
}

/**
 * The copy's kept sets, in a database in memory that every connection of the instance sees:
 * a set is made by the first read that names it (its statement, as a table) and read by every
 * later read naming the same statement and parameters, until the copy is written.
 */
function keptTables() {
  const tables = new Map<string, KeptTable>();
  let made = 0;
  const drop = (connection: DuckDBConnection, table: KeptTable) => connection.run(`DROP TABLE IF EXISTS ${table.name}`);
  return {
    async acquire(connection: DuckDBConnection, set: Stmt): Promise<KeptTable> {
      const key = JSON.stringify([set.sql, set.params]);
      let table = tables.get(key);
      if (table) {
        tables.delete(key);
      } else {
        const name = `kept.s${++made}`;
        const created: KeptTable = { name, users: 0, stale: false, rows: 0, ready: Promise.resolve() };
        created.ready = connection.run(`CREATE TABLE ${name} AS ${set.sql}`, set.params.map(bindable)).then(async () => {
          created.rows = Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM ${name}`)).getRowObjectsJS()[0]!.n);
        });
        table = created;
      }
      tables.set(key, table);
      table.users += 1;
      try {
        await table.ready;
      } catch (error) {
        table.users -= 1;
        if (tables.get(key) === table) tables.delete(key);
        throw error;
      }
      return table;
    },
    async release(connection: DuckDBConnection, table: KeptTable): Promise<void> {
      table.users -= 1;
      if (table.stale && table.users === 0) await drop(connection, table);
      let rows = [...tables.values()].reduce((sum, kept) => sum + kept.rows, 0);
      for (const [key, old] of tables) {
        if (tables.size <= SETS_KEPT && rows <= SET_ROWS_KEPT) break;
        if (old.users > 0) continue;
        tables.delete(key);
        rows -= old.rows;
        await drop(connection, old);
      }
    },
    /** The copy is being written: no set made before is read again. */
    async invalidate(connection: DuckDBConnection): Promise<void> {
      const old = [...tables.values()];
      tables.clear();
      for (const table of old) {
        table.stale = true;
        if (table.users === 0) await table.ready.then(() => drop(connection, table), () => undefined);
      }
    },
  };
}

async function openInstance(duckdb: typeof import('@duckdb/node-api'), options: DuckStoreOptions): Promise<DuckDBInstance> {
  const settings = { memory_limit: options.memoryLimit, threads: String(options.threads) };
  const instance = await duckdb.DuckDBInstance.create(options.path, settings);
  const connection = await instance.connect();
  try {
    await connection.run('CREATE TABLE IF NOT EXISTS copy_format (format VARCHAR)');
    const rows = (await connection.runAndReadAll('SELECT format FROM copy_format')).getRowObjectsJS();
    if (rows.length === 0 || String(rows[0]!.format) === FORMAT) return instance;
  } finally {
    connection.closeSync();
  }
  // Another format: the copy is derived, so it is simply written again.
  instance.closeSync();
  rmSync(options.path, { force: true });
  rmSync(`${options.path}.wal`, { force: true });
  // Opened as new, so that copy_format is created in it too.
  return openInstance(duckdb, options);
}

/**
 * Opens (or creates) the copy. Rejects when DuckDB cannot be loaded or opened; the caller
 * then answers from SQLite alone.
 */
export async function openDuckStore(options: DuckStoreOptions, load: () => Promise<typeof import('@duckdb/node-api')> = () => import('@duckdb/node-api')): Promise<DuckStore> {
  const duckdb = await load();
  const instance = await openInstance(duckdb, options);
  const writer: DuckDBConnection = await instance.connect();
  for (const [name, columns] of TABLES) await writer.run(createTable(name, columns));
  // `varying`: the columns first-flags.ts must not rely on for that day, comma-separated.
  await writer.run(
    'CREATE TABLE IF NOT EXISTS copied_days (site_id BIGINT NOT NULL, day VARCHAR NOT NULL, timezone VARCHAR NOT NULL, varying VARCHAR NOT NULL, PRIMARY KEY (site_id, day))',
  );
  await writer.run('DELETE FROM copy_format');
  await writer.run('INSERT INTO copy_format VALUES (?)', [FORMAT]);

  await writer.run("ATTACH ':memory:' AS kept");
  const kept = keptTables();
  const readers: ReadConnection[] = [];
  for (let i = 0; i < (options.readers ?? 1); i++) readers.push({ connection: await instance.connect(), prepared: new Map() });
  const reads = readPool(readers);
  const writes = serial();
  // What each site's copy holds, kept in memory: every query asks. Replaced whole once read,
  // so a query never sees the days of one write with the varying columns of another.
  let held = new Map<number, HeldSite>();
  let varying = new Map<number, Record<string, string[]>>();
  const loadHeld = async () => {
    const sites = new Map<number, HeldSite>();
    const days = new Map<number, Record<string, string[]>>();
    // A row a day: a few hundred a site, read once after each write.
    const rows = (await writer.runAndReadAll('SELECT site_id, day, timezone, varying FROM copied_days ORDER BY site_id, day')).getRowObjectsJS();
    for (const r of rows) {
      const siteId = Number(r.site_id);
      const day = String(r.day);
      const site = sites.get(siteId);
      if (site) site.through = day;
      else sites.set(siteId, { siteId, timezone: String(r.timezone), first: day, through: day });
      if (r.varying === '') continue;
      const varied = days.get(siteId) ?? {};
      varied[day] = String(r.varying).split(',');
      days.set(siteId, varied);
    }
    held = sites;
    varying = days;
  };
  await loadHeld();

  // A read with kept sets that overlaps a write may have made its set before the write and
  // read rows after it: it is refused (its caller reads SQLite instead), not answered wrong.
  let writing = false;
  let writesBegun = 0;
  const inTransaction = (work: () => Promise<void>) =>
    writes(async () => {
      writing = true;
      writesBegun += 1;
      // Before and after: a set made while the day was being written holds the copy before it.
      await kept.invalidate(writer);
      await writer.run('BEGIN TRANSACTION');
      try {
        await work();
        await writer.run('COMMIT');
      } catch (error) {
        await writer.run('ROLLBACK');
        throw error;
      } finally {
        await kept.invalidate(writer);
        await loadHeld();
        writing = false;
      }
    });

  const append = async (table: string, columns: Columns, rows: SqlValue[][]) => {
    if (rows.length === 0) return;
    const appender = await writer.createAppender(table);
    for (const row of rows) {
      columns.forEach(([, kind], i) => {
        const value = row[i] ?? null;
        if (value === null) appender.appendNull();
        else if (kind === 'int') appender.appendBigInt(BigInt(value));
        else if (kind === 'flag') appender.appendUTinyInt(Number(value));
        else appender.appendVarchar(String(value));
      });
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  };

  return {
    coverage: (siteId: number, timeZone: string): Promise<ColumnarCoverage | null> => {
      const h = held.get(siteId);
      return Promise.resolve(h && h.timezone === timeZone ? { first: h.first, through: h.through, varying: varying.get(siteId) ?? {} } : null);
    },
    all: (sql, params, sets = []) =>
      reads(async (reader) => {
        const tables: KeptTable[] = [];
        const begun = writesBegun;
        const overlapsWrite = () => sets.length > 0 && (writing || writesBegun !== begun);
        try {
          if (overlapsWrite()) throw new StaleSetError();
          for (const set of sets) tables.push(await kept.acquire(reader.connection, set));
          const statement = await prepareOn(reader, sql.replace(KEPT_SET_REF, (_, i: string) => tables[Number(i)]!.name));
          statement.bind(params.map(bindable));
          const rows = (await statement.runAndReadAll()).getRowObjectsJS().map(plain);
          if (overlapsWrite()) throw new StaleSetError();
          return rows;
        } finally {
          for (const table of tables) await kept.release(reader.connection, table);
        }
      }),
    held: () => Promise.resolve([...held.values()]),
    writeDay: (siteId, timezone, day, start, end, rows) =>
      inTransaction(async () => {
        const range = [BigInt(siteId), BigInt(start), BigInt(end)];
        await writer.run('DELETE FROM visits WHERE site_id = ? AND started_at >= ? AND started_at < ?', range);
        await writer.run('DELETE FROM events WHERE site_id = ? AND ts >= ? AND ts < ?', range);
        await writer.run('DELETE FROM event_props WHERE site_id = ? AND ts >= ? AND ts < ?', range);
        await writer.run('DELETE FROM copied_days WHERE site_id = ? AND day = ?', [BigInt(siteId), day]);
        await append('visits', VISIT_COLUMNS, rows.visits);
        await append('events', EVENT_COLUMNS, rows.events);
        await append('event_props', PROP_COLUMNS, rows.props);
        await writer.run('INSERT INTO copied_days VALUES (?, ?, ?, ?)', [BigInt(siteId), day, timezone, rows.varying.join(',')]);
      }),
    deleteBefore: (siteId, day, before) =>
      inTransaction(async () => {
        const params = [BigInt(siteId), BigInt(before)];
        // As retention deletes raw rows: a visit only once it ended before the cutoff.
        await writer.run('DELETE FROM visits WHERE site_id = ? AND started_at < ? AND ended_at < ?', [...params, BigInt(before)]);
        await writer.run('DELETE FROM events WHERE site_id = ? AND ts < ?', params);
        await writer.run('DELETE FROM event_props WHERE site_id = ? AND ts < ?', params);
        await writer.run('DELETE FROM copied_days WHERE site_id = ? AND day < ?', [BigInt(siteId), day]);
      }),
    deleteSite: (siteId) =>
      inTransaction(async () => {
        for (const table of [...RAW_TABLES, 'copied_days']) await writer.run(`DELETE FROM ${table} WHERE site_id = ?`, [BigInt(siteId)]);
      }),
    close() {
      for (const reader of readers) {
        for (const statement of reader.prepared.values()) statement.destroySync();
        reader.connection.closeSync();
      }
      writer.closeSync();
      instance.closeSync();
    },
  };
}
