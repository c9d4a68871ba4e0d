/** The realtime view's window is a date-time range the Stats API reads as exactly the last 30 minutes. */
import { expect, it } from 'vitest';
import { lastMinutes, REALTIME_REFRESH_MS, TODAY_REFRESH_MS } from '../../dashboard/site-view/realtime-times.ts';
import { parseIsoDateTime } from '../../server/core/query/date-range.ts';

it('asks for the last 30 minutes to the second, in a form the Stats API reads', () => {
  const now = Date.parse('2026-12-05T17:40:12.345Z');
  const [from, to] = lastMinutes(now);
  expect([from, to]).toEqual(['2026-12-05T17:10:12Z', '2026-12-05T17:40:12Z']);
  expect(parseIsoDateTime(to)! - parseIsoDateTime(from)!).toBe(30 * 60);
});

it('refreshes "Today" every 30 to 60 seconds, and the realtime view more often', () => {
  expect(TODAY_REFRESH_MS).toBeGreaterThanOrEqual(30_000);
  expect(TODAY_REFRESH_MS).toBeLessThanOrEqual(60_000);
  expect(REALTIME_REFRESH_MS).toBeLessThan(TODAY_REFRESH_MS);
});
