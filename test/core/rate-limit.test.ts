import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../server/core/rate-limit.ts';

describe('createRateLimiter', () => {
  it('lets `perMinute` events through per key and window, then says how long to wait', () => {
    const limiter = createRateLimiter(3);
    const t0 = 1_000_000;
    expect([0, 1, 2].map((i) => limiter.take('1 84.208.20.0', t0 + i))).toEqual([null, null, null]);
    expect(limiter.take('1 84.208.20.0', t0 + 10_000)).toBe(50);
    // Another site, or another address block, has its own allowance.
    expect(limiter.take('2 84.208.20.0', t0 + 10_000)).toBeNull();
    expect(limiter.take('1 84.208.21.0', t0 + 10_000)).toBeNull();
    // A new window starts a minute after the first event of the last one.
    expect(limiter.take('1 84.208.20.0', t0 + 60_000)).toBeNull();
  });

  it('never refuses with a limit of 0', () => {
    const limiter = createRateLimiter(0);
    for (let i = 0; i < 10_000; i++) expect(limiter.take('1 84.208.20.0', i)).toBeNull();
  });

  it('lets exactly the limit through in any minute, whatever the timing of the events', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 59_999 }), { maxLength: 200 }), (limit, offsets) => {
        const limiter = createRateLimiter(limit);
        const times = [...offsets].sort((a, b) => a - b);
        const allowed = times.filter((t) => limiter.take('k', 5_000_000 + t) === null).length;
        expect(allowed).toBe(Math.min(limit, times.length));
      }),
    );
  });
});
