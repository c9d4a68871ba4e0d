/**
 * The store of started answers (http/early-answers.ts): handed once, to their holder, within
 * the window; bounded in pages and bytes; gone after the window though nobody asked.
 */
import { describe, expect, it } from 'vitest';
import { type AnsweredQuery, EarlyAnswers } from '../../server/core/http/early-answers.ts';

const ok = (body: string): Promise<AnsweredQuery> => Promise.resolve({ status: 200, body, retryAfter: null });

describe('started answers', () => {
  it('are handed once, to their holder, for the same text', async () => {
    const store = new EarlyAnswers();
    const key = store.start('session a', ['q1', 'q2'], (text) => ok(`{"${text}":1}`))!;
    expect(store.take(key, 'session b', 'q1')).toBeNull();
    expect(store.take(key, 'session a', 'q3')).toBeNull();
    expect(await store.take(key, 'session a', 'q1')).toEqual({ status: 200, body: '{"q1":1}', retryAfter: null });
    expect(store.take(key, 'session a', 'q1')).toBeNull();
    expect(store.take('0'.repeat(32), 'session a', 'q2')).toBeNull();
    expect(store.served).toBe(1);
    // The page's last answer taken: nothing of it is kept.
    await store.take(key, 'session a', 'q2');
    expect(store.pages).toBe(0);
  });

  it('wait for a query still running rather than run it again', async () => {
    const store = new EarlyAnswers();
    let finish!: (a: AnsweredQuery) => void;
    let runs = 0;
    const key = store.start('link 1', ['q'], () => {
      runs++;
      return new Promise((resolve) => (finish = resolve));
    })!;
    const taken = store.take(key, 'link 1', 'q')!;
    finish({ status: 429, body: '{}', retryAfter: 1 });
    expect(await taken).toEqual({ status: 429, body: '{}', retryAfter: 1 });
    expect(runs).toBe(1);
  });

  it('are not handed out past the window, and leave nothing behind when never asked', async () => {
    let now = 0;
    const store = new EarlyAnswers({ clock: () => now, keepMs: 20 });
    const key = store.start('session a', ['q'], () => ok('{}'))!;
    now = 21;
    expect(store.take(key, 'session a', 'q')).toBeNull();
    expect(store.pages).toBe(0);
    store.start('session a', ['q'], () => ok('{}'));
    expect(store.pages).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(store.pages).toBe(0);
    expect(store.unused).toBe(2);
  });

  it('keep a bounded number of pages and bytes', async () => {
    const store = new EarlyAnswers({ maxPages: 2, maxBytes: 10 });
    const first = store.start('s', ['a', 'b'], (text) => ok(text === 'a' ? '123456' : '1234567'))!;
    expect(store.start('s', ['c'], () => ok('{}'))).not.toBeNull();
    expect(store.start('s', ['d'], () => ok('{}'))).toBeNull();
    await Promise.resolve();
    await Promise.resolve();
    // Six bytes kept, seven more would pass ten: that answer is not kept, and runs when asked.
    expect(store.take(first, 's', 'b')).toBeNull();
    expect(await store.take(first, 's', 'a')).toMatchObject({ body: '123456' });
  });
});
