/**
 * Who a request's reads are counted against, and their turns: the Stats API's queries and
 * the dashboard's heavy reads read the reader (`readDb`) and the columnar copy in their
 * credential's turns (query/fair-share.ts), and a credential with its share of queries in
 * flight is answered 429.
 * @module
 */
import type { Context } from 'hono';
import type { ColumnarReader, Db, SqlValue } from '../ports.ts';
import type { AppDeps } from './app-deps.ts';
import { QueryLimitError, type Turns } from '../query/fair-share.ts';
import { TOKEN_PREFIX_LENGTH } from '../tokens.ts';
import type { Access, ApiDeps } from './api-auth.ts';
import type { Outcome } from './dashboard-access.ts';

/** What the routes that read through the reader need besides ApiDeps. */
export type ReaderDeps = ApiDeps & Pick<AppDeps, 'queryShare'>;

/** Where one query reads: the reader and the columnar copy, in its turns. */
export interface QueryStores {
  db: Db;
  columnar: ColumnarReader | null;
}

/**
 * What a credential's requests and queries are counted against: one API token (keyed by its
 * public prefix, never the secret), one shared link (anyone holding its URL may use it)
 * or one dashboard user, whichever of their sessions asks.
 */
export function credentialKey(access: Access): string {
  if (access.via === 'share') return `link ${access.link.id}`;
  if (access.via === 'token') return `token ${access.token.slice(0, TOKEN_PREFIX_LENGTH)}`;
  return `user ${access.user.id}`;
}

/** Small answers a batch's queries share: more rows than this are read by each query that asks. */
const SHARED_ROWS = 64;

/**
 * The reader's answers shared by the queries of one request (a dashboard batch): each query
 * of a view reads the same few rows before its own statements (the site's privacy settings,
 * its rollup state, ranges, imports and goals), and without sharing the batch's 15 queries
 * each made those round trips to a reader thread in its turn, holding a turn while doing
 * little and queueing the next query behind it. A statement another query of the batch has
 * asked (the same SQL and parameters) takes its answer and no turn.
 */
export class SharedReads {
  private readonly answers = new Map<string, { answer: Promise<unknown>; done: boolean }>();

  /**
   * The answer of `sql` with `params`, read `how`, if a query of this request asked it, else `read`'s, kept
   * for the others. `mayWait` false (the asking query holds a turn): an answer still being read
   * is read again rather than waited for, since its reader may be waiting for that very turn.
   */
  read<T>(how: 'all' | 'first', sql: string, params: readonly SqlValue[] | undefined, mayWait: boolean, read: () => Promise<T>): Promise<T> {
    // By how it is read too: `first` answers a row, `all` the rows.
    const key = `${how}\u0000${sql}\u0000${JSON.stringify(params ?? [])}`;
    const known = this.answers.get(key);
    // Each query gets rows of its own: one that sorts or changes them leaves the others' alone.
    if (known && (known.done || mayWait)) return (known.answer as Promise<T>).then(ownCopy);
    const answer = read();
    if (known) return answer;
    const entry = { answer: answer as Promise<unknown>, done: false };
    this.answers.set(key, entry);
    answer.then(
      (rows) => {
        entry.done = true;
        if (Array.isArray(rows) && rows.length > SHARED_ROWS) this.answers.delete(key);
      },
      () => this.answers.delete(key),
    );
    return answer.then(ownCopy);
  }
}

/** Rows (or a row) as a new array of new objects: the shared answer itself is never handed out. */
function ownCopy<T>(answer: T): T {
  const row = (r: unknown) => (r !== null && typeof r === 'object' ? { ...r } : r);
  return (Array.isArray(answer) ? answer.map(row) : row(answer)) as T;
}

/** `db` with its reads taken from `shared` when another query of the request asked them; `mayWait` as in SharedReads.read. */
function sharing(db: Db, shared: SharedReads | undefined, mayWait: () => boolean = () => true): Db {
  if (!shared) return db;
  return {
    all: (sql, params) => shared.read('all', sql, params, mayWait(), () => db.all(sql, params)),
    first: (sql, params) => shared.read('first', sql, params, mayWait(), () => db.first(sql, params)),
    run: (sql, params) => db.run(sql, params),
    batch: (stmts) => db.batch(stmts),
  };
}

/** The stores with each read in the query's turn. Writes never come this way; they pass as they are. */
function inTurns(db: Db, columnar: ColumnarReader | null, turns: Turns): QueryStores {
  return {
    db: {
      all: (sql, params) => turns.read('reader', () => db.all(sql, params)),
      first: (sql, params) => turns.read('reader', () => db.first(sql, params)),
      run: (sql, params) => db.run(sql, params),
      batch: (stmts) => db.batch(stmts),
    },
    // The copy keeps its coverage in memory and answers it at once: no turn needed.
    columnar: columnar && { coverage: (siteId, timeZone) => columnar.coverage(siteId, timeZone), all: (sql, params, sets) => turns.read('columnar', () => columnar.all(sql, params, sets)) },
  };
}

/**
 * What `query` answers, reading in the credential's turns, or the 429 when the credential
 * already has its share of queries in flight. Retry-After is one second: a query usually
 * takes less. Without a share, `query` reads at once. `shared`: the reads of the request's
 * other queries, which this one may take (SharedReads).
 */
export async function inTurn<T>(deps: ReaderDeps, c: Context, access: Access, query: (stores: QueryStores) => Promise<T>, shared?: SharedReads): Promise<Outcome<T>> {
  const db = deps.readDb ?? deps.db;
  const columnar = deps.columnar ?? null;
  if (!deps.queryShare) return { ok: await query({ db: sharing(db, shared), columnar }) };
  try {
    // Shared reads outside the turns: a query waits for a turn only for reads of its own.
    return { ok: await deps.queryShare.run(credentialKey(access), (turns) => {
      const stores = inTurns(db, columnar, turns);
      return query({ ...stores, db: sharing(stores.db, shared, () => !turns.holds('reader')) });
    }) };
  } catch (e) {
    if (e instanceof QueryLimitError) return { response: c.json({ error: e.message }, 429, { 'retry-after': '1' }) };
    throw e;
  }
}
