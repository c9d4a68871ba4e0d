/**
 * The tests' way into the Worker's D1, without Miniflare's synchronous proxy
 * (`mf.getD1Database`; `mf.getWorker` goes through it too).
 *
 * That proxy blocks Node's main thread in `Atomics.wait` until a helper thread has the
 * answer, and the helper thread stores its "done" flag and notifies in two steps. On a
 * loaded machine the main thread can see the flag before the notification is sent, go on to
 * its next call, and then be woken by the late notification of the previous one, with no
 * answer yet: `assert(message?.id === id)` in Miniflare's SynchronousFetcher fails.
 *
 * Here a small helper Worker, in the same workerd and bound to the same D1 database, runs
 * the statements the tests send it over `mf.dispatchFetch` (plain async HTTP). Tests keep
 * D1's own API (prepare, bind, all, first, run, batch, exec) against the real local D1.
 */
import type { Miniflare, WorkerOptions } from 'miniflare';
import type { SqlValue } from '../../server/core/ports.ts';

/** The helper Worker's name, and the host that `mf.dispatchFetch` routes to it. */
const SQL_WORKER = 'teller-test-sql';
const SQL_ORIGIN = `https://${SQL_WORKER}.invalid`;

const SQL_WORKER_SCRIPT = /* javascript */ `
const statement = (db, s) => (s.params.length ? db.prepare(s.sql).bind(...s.params) : db.prepare(s.sql));

async function answer(env, path, body) {
  switch (path) {
    case '/all': return statement(env.DB, body).all();
    case '/first': return { row: await (body.column === undefined ? statement(env.DB, body).first() : statement(env.DB, body).first(body.column)) };
    case '/run': return statement(env.DB, body).run();
    case '/batch': return env.DB.batch(body.statements.map((s) => statement(env.DB, s)));
    case '/exec': return env.DB.exec(body.sql);
    default: throw new Error('no such operation: ' + path);
  }
}

export default {
  async fetch(request, env) {
    try {
      return Response.json(await answer(env, new URL(request.url).pathname, await request.json()));
    } catch (error) {
      return Response.json({ error: error instanceof Error ? error.message : String(error) }, { status: 500 });
    }
  },
};
`;

/** The helper Worker's Miniflare options, bound to the Teller Worker's D1 database(s). */
export function sqlWorkerOptions(teller: { compatibilityDate?: string; d1Databases?: WorkerOptions['d1Databases'] }): WorkerOptions {
  return {
    name: SQL_WORKER,
    modules: true,
    script: SQL_WORKER_SCRIPT,
    compatibilityDate: teller.compatibilityDate,
    d1Databases: teller.d1Databases,
    routes: [`${SQL_WORKER}.invalid/*`],
  };
}

export interface D1Meta {
  changes: number;
  last_row_id: number;
  rows_read: number;
  rows_written: number;
  duration: number;
  size_after?: number;
  [key: string]: unknown;
}

export interface D1Result<T> {
  results: T[];
  success: boolean;
  meta: D1Meta;
}

type Send = <R>(path: string, body: unknown) => Promise<R>;

/** A prepared statement: only its SQL and parameters until all/first/run sends it. */
export class Statement {
  constructor(
    private readonly send: Send,
    readonly sql: string,
    readonly params: readonly SqlValue[] = [],
  ) {}

  bind(...params: SqlValue[]): Statement {
    // JSON would turn undefined into null; D1 refuses it, so refuse it here too.
    const missing = params.findIndex((p) => p === undefined);
    if (missing >= 0) throw new TypeError(`parameter ${missing + 1} of "${this.sql}" is undefined`);
    return new Statement(this.send, this.sql, params);
  }

  all<T = Record<string, SqlValue>>(): Promise<D1Result<T>> {
    return this.send('/all', this.toJSON());
  }

  async first<T = Record<string, SqlValue>>(column?: string): Promise<T | null> {
    return (await this.send<{ row: T | null }>('/first', { ...this.toJSON(), column })).row;
  }

  run<T = Record<string, SqlValue>>(): Promise<D1Result<T>> {
    return this.send('/run', this.toJSON());
  }

  toJSON(): { sql: string; params: readonly SqlValue[] } {
    return { sql: this.sql, params: this.params };
  }
}

/** D1's API over the helper Worker: what the tests used Miniflare's D1 proxy for. */
export class D1OverFetch {
  constructor(private readonly send: Send) {}

  prepare(sql: string): Statement {
    return new Statement(this.send, sql);
  }

  batch<T = Record<string, SqlValue>>(statements: Statement[]): Promise<Array<D1Result<T>>> {
    return this.send('/batch', { statements: statements.map((s) => s.toJSON()) });
  }

  exec(sql: string): Promise<{ count: number; duration: number }> {
    return this.send('/exec', { sql });
  }
}

/** D1 over the helper Worker of `mf` (which must include sqlWorkerOptions' Worker). */
export function d1OverFetch(mf: Miniflare): D1OverFetch {
  return new D1OverFetch(async <R>(path: string, body: unknown): Promise<R> => {
    const response = await mf.dispatchFetch(`${SQL_ORIGIN}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const answer = (await response.json()) as R & { error?: string };
    if (!response.ok) throw new Error(answer.error ?? `${path} answered ${response.status}`);
    return answer;
  });
}
