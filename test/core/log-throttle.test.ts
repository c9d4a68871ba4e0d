/** throttledLog: one line per interval at most, the next one counting those held back. */
import { describe, expect, it } from 'vitest';
import { throttledLog } from '../../server/core/log-throttle.ts';

describe('throttledLog', () => {
  it('writes the first line, holds back the rest of the interval, and counts them into the next', () => {
    const lines: string[] = [];
    let now = 10_000;
    const log = throttledLog((l) => lines.push(l), () => now, 1000);
    log('disk full');
    now += 999;
    log('disk full');
    log('disk full');
    expect(lines).toEqual(['disk full']);
    now += 1;
    log('disk full again');
    expect(lines).toEqual(['disk full', 'disk full again (and 2 more since the last report)']);
    // The count starts over after a line is written, and a quiet spell writes at once.
    now += 5000;
    log('recovered?');
    expect(lines.at(-1)).toBe('recovered?');
  });

  it('writes every line when they come an interval apart', () => {
    const lines: string[] = [];
    let now = 0;
    const log = throttledLog((l) => lines.push(l), () => now, 60_000);
    for (let i = 0; i < 4; i++, now += 60_000) log(`line ${i}`);
    expect(lines).toEqual(['line 0', 'line 1', 'line 2', 'line 3']);
  });
});
