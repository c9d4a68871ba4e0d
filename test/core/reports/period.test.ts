import { describe, expect, it } from 'vitest';
import { duePeriod, lastWholePeriod, previousPeriod, wallClock } from '../../../server/core/reports/period.ts';

const sec = (iso: string) => Date.parse(iso) / 1000;

describe('report periods', () => {
  it('a weekly report is due at 06:00 on Monday in the site timezone and covers Monday–Sunday before it', () => {
    // Monday 7 December 2026, Oslo is UTC+1: 06:00 local is 05:00Z.
    const before = duePeriod('week', sec('2026-12-07T04:59:59Z'), 'Europe/Oslo');
    expect([before.firstDay, before.lastDay]).toEqual(['2026-11-23', '2026-11-29']);
    const at = duePeriod('week', sec('2026-12-07T05:00:00Z'), 'Europe/Oslo');
    expect([at.firstDay, at.lastDay, at.dueAt]).toEqual(['2026-11-30', '2026-12-06', sec('2026-12-07T05:00:00Z')]);
    // All week the same period stays due (a server down on Monday sends it when back), until the next Monday.
    expect(duePeriod('week', sec('2026-12-13T22:00:00Z'), 'Europe/Oslo').firstDay).toBe('2026-11-30');
    expect(duePeriod('week', sec('2026-12-14T05:00:00Z'), 'Europe/Oslo').firstDay).toBe('2026-12-07');
  });

  it('follows the site timezone, not UTC: Auckland has its Monday morning while UTC is still on Sunday', () => {
    const p = duePeriod('week', sec('2026-12-06T17:00:00Z'), 'Pacific/Auckland');
    expect([p.firstDay, p.lastDay]).toEqual(['2026-11-30', '2026-12-06']);
    expect(duePeriod('week', sec('2026-12-06T16:59:59Z'), 'Pacific/Auckland').firstDay).toBe('2026-11-23');
    expect(duePeriod('week', sec('2026-12-06T17:00:00Z'), 'UTC').firstDay).toBe('2026-11-23');
  });

  it('keeps 06:00 wall-clock time across daylight saving changes', () => {
    // Oslo leaves summer time on Sunday 25 October 2026: the Monday after is UTC+1.
    expect(lastWholePeriod('week', sec('2026-10-26T12:00:00Z'), 'Europe/Oslo').dueAt).toBe(sec('2026-10-26T05:00:00Z'));
    // New York enters summer time on Sunday 8 March 2026: Monday 06:00 EDT is 10:00Z.
    const ny = lastWholePeriod('week', sec('2026-03-09T12:00:00Z'), 'America/New_York');
    expect([ny.firstDay, ny.lastDay, ny.dueAt]).toEqual(['2026-03-02', '2026-03-08', sec('2026-03-09T10:00:00Z')]);
    // The monthly report on 1 October (summer time, UTC+2) and on 1 November (UTC+1).
    expect(lastWholePeriod('month', sec('2026-10-15T00:00:00Z'), 'Europe/Oslo').dueAt).toBe(sec('2026-10-01T04:00:00Z'));
    expect(lastWholePeriod('month', sec('2026-11-15T00:00:00Z'), 'Europe/Oslo').dueAt).toBe(sec('2026-11-01T05:00:00Z'));
  });

  it('is 06:00 on a day whose midnight DST skipped', () => {
    // Santiago (Chile) moved clocks from 00:00 to 01:00 on 6 September 2026: 00:30 does not exist.
    expect(wallClock('America/Santiago', '2026-09-06', 6)).toBe(sec('2026-09-06T09:00:00Z'));
  });

  it('a monthly report on the 1st covers the whole month before, of any length', () => {
    const march = duePeriod('month', sec('2028-03-01T06:00:00Z'), 'UTC');
    expect([march.firstDay, march.lastDay]).toEqual(['2028-02-01', '2028-02-29']);
    const early = duePeriod('month', sec('2028-03-01T05:59:59Z'), 'UTC');
    expect([early.firstDay, early.lastDay]).toEqual(['2028-01-01', '2028-01-31']);
    const january = duePeriod('month', sec('2027-01-01T06:00:00Z'), 'UTC');
    expect([january.firstDay, january.lastDay]).toEqual(['2026-12-01', '2026-12-31']);
    expect(previousPeriod(march, 'UTC')).toMatchObject({ firstDay: '2028-01-01', lastDay: '2028-01-31' });
  });

  it('the period before a week is the week before it', () => {
    const week = lastWholePeriod('week', sec('2026-01-05T12:00:00Z'), 'UTC');
    expect([week.firstDay, week.lastDay]).toEqual(['2025-12-29', '2026-01-04']);
    expect(previousPeriod(week, 'UTC')).toMatchObject({ firstDay: '2025-12-22', lastDay: '2025-12-28' });
  });
});
