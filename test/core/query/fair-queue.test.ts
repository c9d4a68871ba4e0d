/**
 * The fair queue: each credential's queries in the order they came, credentials in turn,
 * a credential that starts waiting served before the one served last, and nothing gained
 * by queueing one query at a time.
 */
import { describe, expect, it } from 'vitest';
import { FairQueue } from '../../../server/core/query/fair-queue.ts';

/** Takes everything waiting, in the order served. */
function drain<T>(queue: FairQueue<T>): T[] {
  const served: T[] = [];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) served.push(next.item);
  return served;
}

describe('FairQueue', () => {
  it('serves one credential in the order its queries came, and counts what waits', () => {
    const queue = new FairQueue<string>();
    expect(queue.shift()).toBeUndefined();
    for (const q of ['a1', 'a2', 'a3']) queue.push('a', q);
    expect(queue.size).toBe(3);
    expect(queue.shift()).toEqual({ credential: 'a', item: 'a1' });
    expect(queue.size).toBe(2);
    expect(drain(queue)).toEqual(['a2', 'a3']);
    expect(queue.size).toBe(0);
  });

  it('serves credentials in turn, whatever their backlogs', () => {
    const queue = new FairQueue<string>();
    for (let i = 1; i <= 4; i++) queue.push('a', `a${i}`);
    queue.push('b', 'b1');
    queue.push('b', 'b2');
    queue.push('c', 'c1');
    expect(drain(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
  });

  it('serves a credential that starts waiting right after the query being served, not after the backlog', () => {
    const queue = new FairQueue<string>();
    for (let i = 1; i <= 30; i++) queue.push('heavy', `h${i}`);
    expect(queue.shift()!.item).toBe('h1');
    // The light user arrives while h1 runs.
    queue.push('light', 'l1');
    expect(queue.shift()!.item).toBe('l1');
    expect(queue.shift()!.item).toBe('h2');
    // And again later, as often as it comes.
    queue.push('light', 'l2');
    expect(queue.shift()!.item).toBe('l2');
    expect(queue.size).toBe(28);
  });

  it('puts the credential served last after a newcomer, even when it had nothing else waiting then', () => {
    const queue = new FairQueue<string>();
    queue.push('heavy', 'h1');
    expect(queue.shift()!.item).toBe('h1');
    // While h1 runs, the heavy user's backlog arrives, then the light user's query.
    for (let i = 2; i <= 5; i++) queue.push('heavy', `h${i}`);
    queue.push('light', 'l1');
    expect(drain(queue)).toEqual(['l1', 'h2', 'h3', 'h4', 'h5']);
  });

  it('places newcomers after credentials already waiting, except the one served last', () => {
    const queue = new FairQueue<string>();
    for (const c of ['a', 'b', 'c']) for (let i = 1; i <= 3; i++) queue.push(c, `${c}${i}`);
    expect([queue.shift()!.item, queue.shift()!.item]).toEqual(['a1', 'b1']);
    queue.push('d', 'd1');
    queue.push('e', 'e1');
    // c has waited since the start; b was served last; d and e came in that order.
    expect(drain(queue)).toEqual(['c1', 'a2', 'd1', 'e1', 'b2', 'c2', 'a3', 'b3', 'c3']);
  });

  it('gives nothing to a credential that queues one query at a time', () => {
    const queue = new FairQueue<string>();
    for (let i = 1; i <= 6; i++) queue.push('backlog', `b${i}`);
    const served: string[] = [];
    let trickled = 0;
    // The trickler asks its next query as soon as its last one is taken.
    queue.push('trickle', `t${++trickled}`);
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      served.push(next.item);
      if (next.credential === 'trickle' && trickled < 6) queue.push('trickle', `t${++trickled}`);
    }
    expect(served).toEqual(['b1', 't1', 'b2', 't2', 'b3', 't3', 'b4', 't4', 'b5', 't5', 'b6', 't6']);
  });
});
