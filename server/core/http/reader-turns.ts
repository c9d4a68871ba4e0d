/**
 * Who a request's reads are counted against, and their turns: the Stats API's queries and
 * the dashboard's heavy reads read the reader (`readDb`) and the columnar copy in their
 * credential's turns (query/fair-share.ts), and a credential with its share of queries in
 * flight is answered 429.
 * @module
 */
import type { Context } from 'hono';
import type { ColumnarReader, Db } from '../ports.ts';
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
 * takes less. Without a share, `query` reads at once.
 */
export async function inTurn<T>(deps: ReaderDeps, c: Context, access: Access, query: (stores: QueryStores) => Promise<T>): Promise<Outcome<T>> {
  const db = deps.readDb ?? deps.db;
  const columnar = deps.columnar ?? null;
  if (!deps.queryShare) return { ok: await query({ db, columnar }) };
  try {
    return { ok: await deps.queryShare.run(credentialKey(access), (turns) => query(inTurns(db, columnar, turns))) };
  } catch (e) {
    if (e instanceof QueryLimitError) return { response: c.json({ error: e.message }, 429, { 'retry-after': '1' }) };
    throw e;
  }
}
