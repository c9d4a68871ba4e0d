/**
 * The queries of one dashboard batch share the reader's answers to the same statement
 * (reader-turns.ts, SharedReads): a statement read for one query is not read again for the
 * others, and they take it without a turn; a query holding the reader's turn never waits for
 * an answer another query is still waiting to read (with one turn that would wait forever);
 * large answers are not kept; writes are never shared. Reads are finished by the test, no
 * timing.
 */
import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Access } from '../../server/core/http/api-auth.ts';
import { inTurn, type ReaderDeps, SharedReads } from '../../server/core/http/reader-turns.ts';
import type { Db, SqlValue } from '../../server/core/ports.ts';
import { createFairShare } from '../../server/core/query/fair-share.ts';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A reader whose reads the test finishes by hand (`finish(sql)`), answering `rows(sql)`; `asked` lists every read begun. */
function manualDb(rows: (sql: string) => Array<Record<string, SqlValue>> = (sql) => [{ sql }]) {
  const asked: string[] = [];
  const running: Array<{ sql: string; done: () => void }> = [];
  const read = (sql: string) => {
    asked.push(sql);
    return new Promise<Array<Record<string, SqlValue>>>((resolve) => running.push({ sql, done: () => resolve(rows(sql)) }));
  };
  const db: Db = {
    all: <T>(sql: string) => read(sql) as Promise<T[]>,
    first: async <T>(sql: string) => ((await read(sql))[0] ?? null) as T | null,
    run: async (sql) => {
      asked.push(sql);
      return { changes: 1, lastRowId: 0 };
    },
    batch: async () => {},
  };
  return {
    db,
    asked,
    /** Ends the read of `sql` under way (the oldest if several). */
    async finish(sql: string) {
      await settle();
      const i = running.findIndex((r) => r.sql === sql);
      if (i === -1) throw new Error(`no read of ${sql} under way; under way: ${running.map((r) => r.sql).join(', ')}`);
      running.splice(i, 1)[0]!.done();
      await settle();
    },
    underWay: () => running.map((r) => r.sql),
  };
}

const USER = { via: 'session', user: { id: 1 } } as unknown as Access;
const context = {} as Context;

function depsOf(db: Db, slots: number, turns = true): ReaderDeps {
  return { db, readDb: db, queryShare: createFairShare({ turns, perCredential: 0, slots: { reader: slots } }) } as unknown as ReaderDeps;
}

/** A query of the batch: `statements` read one after another, their answers' first rows' `sql` in order. */
const query = (deps: ReaderDeps, shared: SharedReads, statements: string[]) =>
  inTurn(
    deps,
    context,
    USER,
    async ({ db }) => {
      const seen: string[] = [];
      for (const sql of statements) seen.push(String((await db.all<{ sql: string }>(sql))[0]!.sql));
      return seen;
    },
    shared,
  );

describe('reads shared by the queries of a batch', () => {
  it('reads a statement once for all the queries that ask it, which take it without a turn', async () => {
    const store = manualDb();
    const deps = depsOf(store.db, 1);
    const shared = new SharedReads();
    const answers = ['a', 'b', 'c'].map((own) => query(deps, shared, ['site', `own ${own}`]));
    await store.finish('site');
    // All three have the site's answer; only the first holds the one turn, for its own read.
    expect(store.underWay()).toEqual(['own a']);
    await store.finish('own a');
    await store.finish('own b');
    await store.finish('own c');
    expect((await Promise.all(answers)).map((a) => ('ok' in a ? a.ok : null))).toEqual([
      ['site', 'own a'],
      ['site', 'own b'],
      ['site', 'own c'],
    ]);
    expect(store.asked).toEqual(['site', 'own a', 'own b', 'own c']);
  });

  it('reads again, rather than waits for, a statement whose reader waits for the turn the asking query holds', async () => {
    const store = manualDb();
    const deps = depsOf(store.db, 1);
    const shared = new SharedReads();
    // The first holds the one turn; the second asks "site" first and waits for that turn.
    const first = query(deps, shared, ['own a', 'site']);
    const second = query(deps, shared, ['site', 'own b']);
    await store.finish('own a');
    // Waiting for the second's "site" would wait for the turn held by the first: it reads it itself.
    await store.finish('site');
    expect(await first).toEqual({ ok: ['own a', 'site'] });
    await store.finish('site');
    await store.finish('own b');
    expect(await second).toEqual({ ok: ['site', 'own b'] });
  });

  it('keeps no answer of more than a few rows, and shares nothing between batches', async () => {
    const store = manualDb((sql) => Array.from({ length: sql === 'many' ? 65 : 1 }, () => ({ sql })));
    const deps = depsOf(store.db, 2);
    const shared = new SharedReads();
    const one = query(deps, shared, ['many']);
    await store.finish('many');
    await one;
    const again = query(deps, shared, ['many', 'few']);
    await store.finish('many');
    await store.finish('few');
    await again;
    const other = query(deps, new SharedReads(), ['few']);
    await store.finish('few');
    await other;
    expect(store.asked).toEqual(['many', 'many', 'few', 'few']);
  });

  it('gives each query rows of its own: one that changes or sorts them leaves the others as read', async () => {
    const store = manualDb((sql) => [{ sql, n: 2 }, { sql, n: 1 }]);
    const deps = depsOf(store.db, 2);
    const shared = new SharedReads();
    const changing = inTurn(deps, context, USER, async ({ db }) => {
      const rows = await db.all<{ sql: string; n: number }>('site');
      rows.sort((a, b) => a.n - b.n);
      rows[0]!.n = 99;
      return rows;
    }, shared);
    await store.finish('site');
    await changing;
    const reading = inTurn(deps, context, USER, ({ db }) => db.all('site'), shared);
    const first = inTurn(deps, context, USER, ({ db }) => db.first('site'), shared);
    // `first` reads its own: a row, not the rows `all` read.
    await store.finish('site');
    expect(await reading).toEqual({ ok: [{ sql: 'site', n: 2 }, { sql: 'site', n: 1 }] });
    expect(await first).toEqual({ ok: { sql: 'site', n: 2 } });
    expect(store.asked).toEqual(['site', 'site']);
  });

  it('shares reads where queries read at once (Workers), and never shares writes', async () => {
    const store = manualDb();
    const deps = depsOf(store.db, 1, false);
    const shared = new SharedReads();
    const write = (sql: string) => inTurn(deps, context, USER, ({ db }) => db.run(sql), shared);
    const answers = [query(deps, shared, ['site']), query(deps, shared, ['site'])];
    await store.finish('site');
    await Promise.all(answers);
    await write('UPDATE x');
    await write('UPDATE x');
    expect(store.asked).toEqual(['site', 'UPDATE x', 'UPDATE x']);
  });
});
