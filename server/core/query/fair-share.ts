/**
 * Each credential's fair share of stores that answer a few reads at a time (on Node the
 * reader threads' SQLite connections, one read each, and the columnar copy's DuckDB
 * connection). A store has `slots` turns (1 unless told); a query takes one for as long as
 * it keeps reading there, so its consecutive statements are not interleaved with another
 * query's on that turn; it gives the turn up when it goes to the other store or ends. Waiting queries get turns by credential (FairQueue): a light user waits for about
 * the stretch of one heavy query running now, not for a heavy user's whole backlog. A
 * credential may have `perCredential` queries in flight; its next one is refused (429), which
 * bounds what one credential holds in memory and in the queues.
 * @module
 */
import { StoreBusyError } from '../ports.ts';
import { FairQueue } from './fair-queue.ts';

/** Queries one credential may have in flight, unless TELLER_QUERY_QUEUE_LIMIT says otherwise: two dashboard views at once. */
export const DEFAULT_QUERIES_PER_CREDENTIAL = 32;

/** Queries in flight in all, whatever their credentials, past which one is answered busy (503): a bound on memory. */
const MAX_IN_FLIGHT = 1024;

/** A credential already has its share of queries in flight: answered 429. */
export class QueryLimitError extends Error {
  constructor(readonly limit: number) {
    super(`Too many queries at once: at most ${limit} waiting or running per API key, shared link or user. Try again when one has been answered.`);
  }
}

export interface FairShareOptions {
  /** False: reads go to their store at once, and only the bound holds (Workers, where D1 takes each request as it comes). */
  turns: boolean;
  /** Queries one credential may have in flight; 0: no bound. */
  perCredential: number;
  /** Turns each store gives at once, by store name (e.g. `{ reader: 2 }` for two reader threads); 1 for a store not named. */
  slots?: Record<string, number>;
}

/** One query's way to its stores. Its reads go one at a time, as runQuery makes them. */
export interface Turns {
  /** Runs `read` on `store` (any name: 'reader', 'columnar') in this query's turn there. */
  read<T>(store: string, read: () => Promise<T>): Promise<T>;
  /** Whether this query holds a turn on `store` now: while it does, others may be waiting for it. */
  holds(store: string): boolean;
}

export interface FairShare {
  /**
   * Runs `query` for `credential`. Rejects with QueryLimitError when the credential has its
   * share in flight, with StoreBusyError when too many queries are in flight in all.
   */
  run<T>(credential: string, query: (turns: Turns) => Promise<T>): Promise<T>;
  /** Queries waiting for a turn, on every store. */
  waiting(): number;
}

interface Store {
  queue: FairQueue<() => void>;
  /** Turns held now, at most `slots`. */
  held: number;
  slots: number;
}

const atOnce: Turns = { read: (_store, read) => read(), holds: () => false };

export function createFairShare(options: FairShareOptions): FairShare {
  const stores = new Map<string, Store>();
  const inFlight = new Map<string, number>();
  let total = 0;

  const storeOf = (name: string): Store => {
    let store = stores.get(name);
    if (!store) stores.set(name, (store = { queue: new FairQueue(), held: 0, slots: options.slots?.[name] ?? 1 }));
    return store;
  };

  const grant = (store: Store) => {
    while (store.held < store.slots) {
      const next = store.queue.shift();
      if (next === undefined) return;
      store.held++;
      next.item();
    }
  };

  const release = (store: Store) => {
    store.held--;
    grant(store);
  };

  /** A query's turns: the store whose turn it holds, if any. */
  const turnsOf = (credential: string) => {
    let held: Store | null = null;
    let reading = false;
    let ended = false;
    const turns: Turns = {
      async read(name, read) {
        // Two at once could hold one store while waiting for another, and so wait forever.
        if (reading) throw new Error('a query reads one statement at a time');
        reading = true;
        try {
          const store = storeOf(name);
          if (held !== store) {
            if (held) release(held);
            held = null;
            await new Promise<void>((resolve) => {
              store.queue.push(credential, resolve);
              grant(store);
            });
            // A read the query did not wait for must not keep the store once the query is over.
            if (ended) {
              release(store);
              throw new Error('the query ended before its read');
            }
            held = store;
          }
          return await read();
        } finally {
          reading = false;
        }
      },
      holds: (name) => held !== null && held === stores.get(name),
    };
    const end = () => {
      ended = true;
      if (held) release(held);
      held = null;
    };
    return { turns, end };
  };

  return {
    async run(credential, query) {
      const mine = inFlight.get(credential) ?? 0;
      if (options.perCredential > 0 && mine >= options.perCredential) throw new QueryLimitError(options.perCredential);
      if (total >= MAX_IN_FLIGHT) throw new StoreBusyError(`${MAX_IN_FLIGHT} queries are already waiting to be answered`);
      inFlight.set(credential, mine + 1);
      total++;
      const { turns, end } = options.turns ? turnsOf(credential) : { turns: atOnce, end: () => {} };
      try {
        return await query(turns);
      } finally {
        end();
        total--;
        const left = inFlight.get(credential)! - 1;
        if (left === 0) inFlight.delete(credential);
        else inFlight.set(credential, left);
      }
    },
    waiting: () => [...stores.values()].reduce((n, s) => n + s.queue.size, 0),
  };
}
