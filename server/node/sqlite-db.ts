/**
 * The Db port on better-sqlite3: synchronous calls wrapped in promises, prepared
 * statements cached by their SQL text, `batch` as one transaction.
 * @module
 */
import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Db, RunResult, SqlValue, Stmt } from '../core/ports.ts';

export interface SqliteDb extends Db {
  readonly raw: Database.Database;
  close(): void;
}

/** The file at TELLER_DB is not a Teller database; it is left exactly as it is. */
export class DatabaseFileError extends Error {}

/** Tables every Teller database has from its first migration on. */
const TELLER_TABLES = ['d1_migrations', 'sites', 'visits', 'events'];

/**
 * Refuses a file that is not a SQLite database, is damaged, or is some other program's
 * database, before anything is written to it: opening it read-write would set WAL mode and
 * create tables in it. An empty or missing file is a new database.
 */
export function checkDatabaseFile(path: string): void {
  if (path === ':memory:' || !existsSync(path) || statSync(path).size === 0) return;
  let tables: string[];
  try {
    const probe = new Database(path, { readonly: true, fileMustExist: true });
    try {
      tables = probe.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    } finally {
      probe.close();
    }
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new DatabaseFileError(`${path} is not a readable SQLite database (${code}); it was left untouched. Restore it from a backup or point TELLER_DB at another file.`);
    }
    throw error;
  }
  if (tables.length > 0 && !TELLER_TABLES.every((t) => tables.includes(t))) {
    throw new DatabaseFileError(`${path} is a SQLite database of another program (no Teller tables in it); it was left untouched. Point TELLER_DB at a Teller database or a new file.`);
  }
}

/**
 * The database file, its -wal and -shm files (those present) and its folder, where this
 * process may not write, each with access()'s error code (EACCES, EROFS).
 */
function unwritableParts(path: string): { part: string; errno: string }[] {
  const dir = dirname(path);
  const parts = [path, `${path}-wal`, `${path}-shm`].filter((p) => existsSync(p));
  // The folder matters only when SQLite must create the -wal or -shm file there.
  if (!existsSync(`${path}-wal`) || !existsSync(`${path}-shm`)) parts.push(dir);
  return parts.flatMap((part) => {
    try {
      accessSync(part, constants.W_OK);
      return [];
    } catch (error) {
      return [{ part, errno: (error as { code?: string }).code ?? '' }];
    }
  });
}

/**
 * A database this process cannot write, told in one line. SQLite opens such a file (or one
 * whose -wal or -shm file it cannot write) read-only without a word, every write then fails
 * with SQLITE_READONLY, and the connection stays read-only when write access returns: a
 * server would start and answer 503 to every event.
 */
function notWritable(path: string, cause: string): DatabaseFileError {
  const user = process.getuid ? ` (uid ${process.getuid()})` : '';
  return new DatabaseFileError(`${path} cannot be written by this user${user}: ${cause}.`);
}

const isNotWritable = (error: unknown): boolean => /^SQLITE_(READONLY|CANTOPEN)/.test((error as { code?: string }).code ?? '');

/** The one-line refusal for SQLite's read-only and cannot-open errors, or null for any other. */
function notWritableError(path: string, error: unknown): DatabaseFileError | null {
  if (!isNotWritable(error)) return null;
  return notWritable(path, `${error instanceof Error ? error.message : String(error)} (${(error as { code: string }).code}). Give this user write access (chown or chmod) and start again`);
}

/**
 * The options that make the filesystem holding `path` read-only, or null (or where there is
 * no /proc/self/mountinfo). Read there, since access() and statfs() do not see ext4's
 * emergency_ro, and opening the file to try would release SQLite's locks on it.
 */
export function readOnlyMount(path: string): string | null {
  let mounts: string;
  let dir: string;
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    dir = realpathSync(dirname(path));
  } catch {
    return null;
  }
  let options: string[] = [];
  let longest = -1;
  for (const line of mounts.split('\n')) {
    // ID parent major:minor root mount-point mount-options [tags] - type source super-options
    const [head, tail] = line.split(' - ');
    const fields = head?.split(' ') ?? [];
    const point = fields[4]?.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    if (tail === undefined || point === undefined) continue;
    const holds = dir === point || dir.startsWith(point.endsWith('/') ? point : `${point}/`);
    // The longest mount point holding the folder; of two on one point, the later covers the earlier.
    if (!holds || point.length < longest) continue;
    longest = point.length;
    options = [...(fields[5] ?? '').split(','), ...(tail.split(' ')[2] ?? '').split(',')];
  }
  const readOnly = options.filter((o) => o === 'ro' || o === 'emergency_ro');
  return readOnly.length > 0 ? [...new Set(readOnly)].join(',') : null;
}

/**
 * Refuses before SQLite opens anything: opened read-only, SQLite creates the -wal and -shm
 * files with the database file's mode, so they would stay read-only after its mode is fixed.
 */
function checkPermissions(path: string): void {
  const problem = permissionProblem(path);
  if (problem) throw notWritable(path, problem);
}

/**
 * Why this process could not open the database for writing now (a read-only filesystem, or
 * a file or folder it may not write), or null. A running server keeps writing through the
 * files it has open, so for it this is what its next start would refuse.
 */
export function permissionProblem(path: string): string | null {
  const parts = unwritableParts(path);
  const readOnly = readOnlyMount(path) ?? (parts.some((p) => p.errno === 'EROFS') ? 'ro' : null);
  if (readOnly) return `its filesystem is mounted read-only (${readOnly}); after a disk error the kernel does that: see the system log, unmount, run fsck`;
  if (parts.length === 0) return null;
  const names = parts.map(({ part }) => (part === dirname(path) ? `its folder ${part}` : basename(part)));
  return `no write permission on ${names.join(', ')}. Give this user write access (chown or chmod) and start again`;
}

function connect(path: string): Database.Database {
  const raw = new Database(path);
  try {
    raw.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before the writer acknowledges it, so a kill -9 loses nothing acknowledged.
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = OFF');
    // A write that changes nothing: SQLite tells a read-only connection (a read-only
    // filesystem, or what the permission check cannot see) only when it writes. It says so
    // before it waits for the lock, so the probe does not wait; a busy database or a full
    // disk is no reason to refuse, the writes that follow meet and report it.
    raw.pragma('busy_timeout = 0');
    try {
      raw.pragma(`user_version = ${Number(raw.pragma('user_version', { simple: true }))}`);
    } catch (error) {
      if (isNotWritable(error)) throw error;
    }
    raw.pragma('busy_timeout = 5000');
    return raw;
  } catch (error) {
    raw.close();
    throw error;
  }
}

/** Opens (creating if needed) a database file with WAL and synchronous=FULL; refuses one it cannot write. */
export function openSqlite(path: string): SqliteDb {
  if (path !== ':memory:') {
    // Visitors' hashes, sessions and settings are nobody else's to read: a new folder and
    // file are the owner's alone, whatever the umask (SQLite gives -wal and -shm the file's mode).
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
    checkPermissions(path);
  }
  checkDatabaseFile(path);
  let raw: Database.Database;
  try {
    raw = connect(path);
  } catch (error) {
    throw notWritableError(path, error) ?? error;
  }

  // Queries vary with the Stats API's filters, so the cache is bounded: past the bound it
  // starts over, and the few hot statements are prepared again on their next use.
  const MAX_CACHED = 500;
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = raw.prepare(sql);
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  };
  const runBatch = raw.transaction((stmts: readonly Stmt[]) => {
    for (const s of stmts) prepare(s.sql).run(...s.params);
  });

  return {
    raw,
    async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
      return prepare(sql).all(...params) as T[];
    },
    async first<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | null> {
      return (prepare(sql).get(...params) as T | undefined) ?? null;
    },
    async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
      const r = prepare(sql).run(...params);
      return { changes: r.changes, lastRowId: Number(r.lastInsertRowid) };
    },
    async batch(stmts: readonly Stmt[]): Promise<void> {
      runBatch(stmts);
    },
    close() {
      cache.clear();
      raw.close();
    },
  };
}
