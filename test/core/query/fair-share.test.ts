/**
 * Turns on the stores and the bound per credential, with reads the test finishes by hand:
 * a query keeps its turn while it reads one store and gives it up for another or at its
 * end; waiting queries get turns by credential; past the bound a query is refused at once.
 */
import { describe, expect, it } from 'vitest';
import { StoreBusyError } from '../../../server/core/ports.ts';
import { createFairShare, QueryLimitError, type FairShare, type Turns } from '../../../server/core/query/fair-share.ts';

/** A promise and the function that resolves it. */
function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A store whose reads finish when the test says: `started` lists the reads begun, in order;
 * `finish()` ends the oldest read under way, `finish(label)` that one.
 */
function manualStore() {
  const started: string[] = [];
  const running = new Map<string, () => void>();
  return {
    started,
    read: (label: string) => () => {
      started.push(label);
      const d = deferred();
      running.set(label, d.resolve);
      return d.promise.then(() => label);
    },
    async finish(label?: string) {
      await settle();
      const which = label ?? [...running.keys()][0]!;
      running.get(which)!();
      running.delete(which);
      await settle();
    },
  };
}

/** A query reading `labels` one after another on `store`. */
const reads = (turns: Turns, store: string, read: (label: string) => () => Promise<string>, labels: string[]) =>
  labels.reduce<Promise<unknown>>((previous, label) => previous.then(() => turns.read(store, read(label))), Promise.resolve());

describe('createFairShare', () => {
  it('keeps a query’s consecutive reads of a store together; another credential’s query waits for them', async () => {
    const share = createFairShare({ turns: true, perCredential: 0 });
    const store = manualStore();
    const heavy = share.run('heavy', (turns) => reads(turns, 'reader', store.read, ['h1', 'h2', 'h3']));
    await settle();
    const light = share.run('light', (turns) => reads(turns, 'reader', store.read, ['l1', 'l2']));
    await settle();
    expect(share.waiting()).toBe(1);
    for (let i = 0; i < 5; i++) await store.finish();
    expect(store.started).toEqual(['h1', 'h2', 'h3', 'l1', 'l2']);
    await Promise.all([heavy, light]);
    expect(share.waiting()).toBe(0);
  });

  it('gives a light credential the turn after the query reading now, before a heavy credential’s backlog', async () => {
    const share = createFairShare({ turns: true, perCredential: 0 });
    const store = manualStore();
    const done: string[] = [];
    const heavy = Array.from({ length: 10 }, (_, i) => share.run('heavy', (turns) => reads(turns, 'reader', store.read, [`h${i}`])).then(() => done.push(`h${i}`)));
    await settle();
    const light = share.run('light', (turns) => reads(turns, 'reader', store.read, ['l'])).then(() => done.push('l'));
    await settle();
    expect(share.waiting()).toBe(10);
    for (let i = 0; i < 11; i++) await store.finish();
    await Promise.all([...heavy, light]);
    expect(done).toEqual(['h0', 'l', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9']);
  });

  it('gives up a store’s turn while the query reads another, so each store serves another query meanwhile', async () => {
    const share = createFairShare({ turns: true, perCredential: 0 });
    const store = manualStore();
    const mixed = share.run('a', async (turns) => {
      await turns.read('reader', store.read('a reader'));
      await turns.read('columnar', store.read('a columns'));
      await turns.read('reader', store.read('a reader again'));
    });
    const readerOnly = share.run('b', (turns) => reads(turns, 'reader', store.read, ['b reader']));
    await settle();
    expect(store.started).toEqual(['a reader']);
    await store.finish('a reader');
    // a went to the copy: b reads the reader at the same time.
    expect(store.started.slice(1).sort()).toEqual(['a columns', 'b reader']);
    await store.finish('a columns');
    // a's turn on the reader comes after b's read there.
    expect(store.started).toHaveLength(3);
    await store.finish('b reader');
    expect(store.started.at(-1)).toBe('a reader again');
    await store.finish('a reader again');
    await Promise.all([mixed, readerOnly]);
  });

  it('serves one credential’s queries in the order they came', async () => {
    const share = createFairShare({ turns: true, perCredential: 0 });
    const store = manualStore();
    const queries = ['q1', 'q2', 'q3', 'q4'].map((q) => share.run('one', (turns) => reads(turns, 'reader', store.read, [`${q} first`, `${q} second`])));
    for (let i = 0; i < 8; i++) await store.finish();
    await Promise.all(queries);
    expect(store.started).toEqual(['q1 first', 'q1 second', 'q2 first', 'q2 second', 'q3 first', 'q3 second', 'q4 first', 'q4 second']);
  });

  it('refuses a credential’s query past its bound at once, takes others’, and takes it again once one is answered', async () => {
    const share = createFairShare({ turns: true, perCredential: 2 });
    const store = manualStore();
    const first = share.run('a', (turns) => reads(turns, 'reader', store.read, ['a1']));
    const second = share.run('a', (turns) => reads(turns, 'reader', store.read, ['a2']));
    const refused = await share.run('a', () => Promise.resolve('never run')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QueryLimitError);
    expect(refused).toMatchObject({ limit: 2, message: expect.stringMatching(/^Too many queries at once: at most 2 waiting or running per API key, shared link or user/) });
    const other = share.run('b', (turns) => reads(turns, 'reader', store.read, ['b1']));
    await settle();
    await store.finish();
    await first;
    const again = share.run('a', (turns) => reads(turns, 'reader', store.read, ['a3']));
    for (let i = 0; i < 3; i++) await store.finish();
    await Promise.all([second, other, again]);
    expect(store.started).toEqual(['a1', 'b1', 'a2', 'a3']);
  });

  it('frees the turn and the bound of a query that fails', async () => {
    const share = createFairShare({ turns: true, perCredential: 1 });
    const failing = share.run('a', async (turns) => {
      await turns.read('reader', () => Promise.reject(new Error('SQLITE_ERROR')));
    });
    await expect(failing).rejects.toThrow('SQLITE_ERROR');
    await expect(share.run('a', (turns) => turns.read('reader', () => Promise.resolve(42)))).resolves.toBe(42);
    expect(share.waiting()).toBe(0);
  });

  it('refuses two reads of one query at once rather than risk waiting forever', async () => {
    const share = createFairShare({ turns: true, perCredential: 0 });
    const outcome = share.run('a', (turns) => Promise.all([turns.read('reader', () => Promise.resolve(1)), turns.read('columnar', () => Promise.resolve(2))]));
    await expect(outcome).rejects.toThrow('a query reads one statement at a time');
    await expect(share.run('b', (turns) => turns.read('columnar', () => Promise.resolve('free')))).resolves.toBe('free');
  });

  it('does not let a read its query left behind keep the store after the query ended', async () => {
    const share = createFairShare({ turns: true, perCredential: 0 });
    const store = manualStore();
    const holder = share.run('a', (turns) => reads(turns, 'reader', store.read, ['a1']));
    await settle();
    let leftBehind: Promise<string> = Promise.resolve('not asked');
    await share.run('b', async (turns) => {
      leftBehind = turns.read('reader', store.read('never read')).catch((e: Error) => e.message);
    });
    await store.finish('a1');
    await holder;
    expect(await leftBehind).toBe('the query ended before its read');
    await expect(share.run('c', (turns) => turns.read('reader', () => Promise.resolve('free')))).resolves.toBe('free');
    expect(store.started).toEqual(['a1']);
  });

  it('answers busy past 1024 queries in flight in all', async () => {
    const share = createFairShare({ turns: true, perCredential: 0 });
    const hold = deferred();
    const held = Array.from({ length: 1024 }, (_, i) => share.run(`c${i % 50}`, (turns) => turns.read('reader', () => hold.promise)));
    await expect(share.run('late', () => Promise.resolve())).rejects.toThrow(new StoreBusyError('1024 queries are already waiting to be answered'));
    hold.resolve();
    await Promise.all(held);
    await expect(share.run('late', () => Promise.resolve('taken'))).resolves.toBe('taken');
  });

  it('without turns reads at once, and still bounds each credential', async () => {
    const share: FairShare = createFairShare({ turns: false, perCredential: 1 });
    const store = manualStore();
    const a = share.run('a', (turns) => reads(turns, 'reader', store.read, ['a1', 'a2']));
    const b = share.run('b', (turns) => reads(turns, 'reader', store.read, ['b1']));
    await settle();
    expect(store.started).toEqual(['a1', 'b1']);
    await expect(share.run('a', () => Promise.resolve())).rejects.toBeInstanceOf(QueryLimitError);
    for (let i = 0; i < 3; i++) await store.finish();
    await Promise.all([a, b]);
    expect(share.waiting()).toBe(0);
  });
});

describe('createFairShare with several turns on a store (reader threads)', () => {
  it('reads two credentials’ queries side by side, and the third waits for a turn', async () => {
    const share = createFairShare({ turns: true, perCredential: 0, slots: { reader: 2 } });
    const store = manualStore();
    const done: string[] = [];
    const slow = share.run('a', (turns) => reads(turns, 'reader', store.read, ['a'])).then(() => done.push('a'));
    const fast = share.run('b', (turns) => reads(turns, 'reader', store.read, ['b'])).then(() => done.push('b'));
    const third = share.run('c', (turns) => reads(turns, 'reader', store.read, ['c'])).then(() => done.push('c'));
    await settle();
    expect(store.started).toEqual(['a', 'b']);
    expect(share.waiting()).toBe(1);
    // The slow read on one turn does not hold up the other turn's read, nor the query waiting for a turn.
    await store.finish('b');
    expect(done).toEqual(['b']);
    expect(store.started).toEqual(['a', 'b', 'c']);
    await store.finish('c');
    await store.finish('a');
    await Promise.all([slow, fast, third]);
    expect(done).toEqual(['b', 'c', 'a']);
    expect(share.waiting()).toBe(0);
  });

  it('keeps each query’s reads in order on its turn, and gives turns by credential', async () => {
    const share = createFairShare({ turns: true, perCredential: 0, slots: { reader: 2 } });
    const store = manualStore();
    const heavy = Array.from({ length: 4 }, (_, i) => share.run('heavy', (turns) => reads(turns, 'reader', store.read, [`h${i}.1`, `h${i}.2`])));
    await settle();
    const light = share.run('light', (turns) => reads(turns, 'reader', store.read, ['l.1', 'l.2']));
    await settle();
    expect(store.started).toEqual(['h0.1', 'h1.1']);
    await store.finish('h0.1');
    // h0 keeps its turn for its next statement.
    expect(store.started).toEqual(['h0.1', 'h1.1', 'h0.2']);
    await store.finish('h0.2');
    // The turn h0 gave up goes to the light credential, ahead of heavy's backlog.
    expect(store.started.at(-1)).toBe('l.1');
    await store.finish('l.1');
    expect(store.started.at(-1)).toBe('l.2');
    while (store.started.length < 10) await store.finish();
    await store.finish();
    await store.finish();
    await Promise.all([...heavy, light]);
    for (const q of ['h0', 'h1', 'h2', 'h3', 'l']) expect(store.started.indexOf(`${q}.1`)).toBeLessThan(store.started.indexOf(`${q}.2`));
    expect(share.waiting()).toBe(0);
  });

  it('gives the columnar copy its own number of turns (1 unless told)', async () => {
    const share = createFairShare({ turns: true, perCredential: 0, slots: { reader: 2 } });
    const store = manualStore();
    const queries = ['a', 'b'].map((q) => share.run(q, (turns) => reads(turns, 'columnar', store.read, [q])));
    await settle();
    expect(store.started).toEqual(['a']);
    await store.finish('a');
    expect(store.started).toEqual(['a', 'b']);
    await store.finish('b');
    await Promise.all(queries);
  });
});
