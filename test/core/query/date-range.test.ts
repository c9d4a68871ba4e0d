import { describe, expect, it } from 'vitest';
import { comparisonPeriod, periodEcho, resolveDateRange } from '../../../server/core/query/date-range.ts';
import { QueryError } from '../../../server/core/query/errors.ts';
import { resolveTime, timeLabels, weekStart } from '../../../server/core/query/time-buckets.ts';
import { dayStart, localDayAt, offsetSpans } from '../../../server/core/time.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = at('2024-03-15T10:00:00Z');

function days(input: unknown, tz = 'Etc/UTC', now = NOW, statsStart: string | null = null) {
  const p = resolveDateRange(input, tz, now, statsStart);
  return [p.firstDay, p.lastDay];
}

describe('date_range shortcuts, as Plausible resolves them', () => {
  it('day is today', () => expect(days('day')).toEqual(['2024-03-15', '2024-03-15']));
  it('Nd is the N days before today', () => {
    expect(days('7d')).toEqual(['2024-03-08', '2024-03-14']);
    expect(days('30d')).toEqual(['2024-02-14', '2024-03-14']);
    expect(days('1d')).toEqual(['2024-03-14', '2024-03-14']);
  });
  it('month and year are the whole current calendar month and year', () => {
    expect(days('month')).toEqual(['2024-03-01', '2024-03-31']);
    expect(days('year')).toEqual(['2024-01-01', '2024-12-31']);
  });
  it('Nmo is the N whole months before the current one', () => {
    expect(days('6mo')).toEqual(['2023-09-01', '2024-02-29']);
    expect(days('12mo')).toEqual(['2023-03-01', '2024-02-29']);
    expect(days('1mo', 'Etc/UTC', at('2024-01-10T00:00:00Z'))).toEqual(['2023-12-01', '2023-12-31']);
  });
  it('all runs from the first recorded day to today', () => {
    expect(days('all', 'Etc/UTC', NOW, '2023-05-05')).toEqual(['2023-05-05', '2024-03-15']);
    expect(days('all', 'Etc/UTC', NOW, null)).toEqual(['2024-03-15', '2024-03-15']);
  });
  it('today is the site-local day', () => {
    // 23:30 UTC is already 00:30 the next day in Oslo (CET, +01:00).
    expect(days('day', 'Europe/Oslo', at('2024-03-14T23:30:00Z'))).toEqual(['2024-03-15', '2024-03-15']);
    expect(days('day', 'America/New_York', at('2024-03-15T03:00:00Z'))).toEqual(['2024-03-14', '2024-03-14']);
  });
  it('ISO dates are whole local days', () => {
    const p = resolveDateRange(['2024-01-01', '2024-01-31'], 'Asia/Kolkata', NOW, null);
    expect(p.start).toBe(at('2023-12-31T18:30:00Z'));
    expect(p.end).toBe(at('2024-01-31T18:30:00Z'));
    expect(periodEcho('Asia/Kolkata', p)).toEqual(['2024-01-01T00:00:00+05:30', '2024-01-31T23:59:59+05:30']);
  });
  it('ISO date-times are instants, echoed in the site timezone', () => {
    const p = resolveDateRange(['2024-01-01T12:00:00+02:00', '2024-01-01T15:59:59+02:00'], 'Etc/UTC', NOW, null);
    expect([p.start, p.end]).toEqual([at('2024-01-01T10:00:00Z'), at('2024-01-01T14:00:00Z')]);
    expect(periodEcho('Etc/UTC', p)).toEqual(['2024-01-01T10:00:00Z', '2024-01-01T13:59:59Z']);
    expect([p.firstDay, p.lastDay]).toEqual(['2024-01-01', '2024-01-01']);
  });
  it.each([
    ['0d'],
    ['5001d'],
    ['101mo'],
    ['7 d'],
    ['realtime'],
    [42],
    [['2024-02-30', '2024-03-01']],
    [['2024-03-02', '2024-03-01']],
    [['2024-03-01', '2024-03-02T00:00:00Z']],
    [['2024-03-01T00:00:00', '2024-03-02T00:00:00']],
    [['1900-01-01', '2024-01-01']],
    [['2024-01-01']],
  ])('refuses %j naming date_range', (input) => {
    const run = () => resolveDateRange(input, 'Etc/UTC', NOW, null);
    expect(run).toThrow(QueryError);
    try {
      run();
    } catch (e) {
      expect((e as QueryError).field).toBe('date_range');
    }
  });
});

describe('timezone edges', () => {
  it('a spring-forward day has 23 hours and a fall-back day 25 (Europe/Oslo)', () => {
    const spring = resolveDateRange(['2024-03-31', '2024-03-31'], 'Europe/Oslo', NOW, null);
    expect(spring.end - spring.start).toBe(23 * 3600);
    expect(periodEcho('Europe/Oslo', spring)).toEqual(['2024-03-31T00:00:00+01:00', '2024-03-31T23:59:59+02:00']);
    const fall = resolveDateRange(['2024-10-27', '2024-10-27'], 'Europe/Oslo', NOW, null);
    expect(fall.end - fall.start).toBe(25 * 3600);
  });
  it('half-hour zones: Adelaide switches between +10:30 and +09:30', () => {
    expect(dayStart('Australia/Adelaide', '2024-04-07')).toBe(at('2024-04-06T13:30:00Z'));
    expect(dayStart('Australia/Adelaide', '2024-04-08')).toBe(at('2024-04-07T14:30:00Z'));
    expect(offsetSpans('Australia/Adelaide', at('2024-04-06T13:30:00Z'), at('2024-04-07T14:30:00Z'))).toEqual([
      { until: at('2024-04-06T16:30:00Z'), offset: 37_800 },
      { until: null, offset: 34_200 },
    ]);
  });
  it('a day whose midnight does not exist starts at the first instant after the gap', () => {
    // Santiago moved clocks from 24:00 to 01:00 on 2024-09-08.
    expect(dayStart('America/Santiago', '2024-09-08')).toBe(at('2024-09-08T04:00:00Z'));
    expect(localDayAt('America/Santiago', at('2024-09-08T03:59:59Z'))).toBe('2024-09-07');
  });
});

describe('time buckets', () => {
  const period = (a: string, b: string) => resolveDateRange([a, b], 'Etc/UTC', NOW, null);
  it('resolves time by the length of the period', () => {
    expect(resolveTime(period('2024-03-01', '2024-03-01'))).toBe('time:hour');
    expect(resolveTime(period('2024-03-01', '2024-03-02'))).toBe('time:hour');
    expect(resolveTime(period('2024-03-01', '2024-03-03'))).toBe('time:day');
    expect(resolveTime(period('2024-02-01', '2024-03-11'))).toBe('time:day');
    expect(resolveTime(period('2023-09-01', '2024-02-29'))).toBe('time:week');
    expect(resolveTime(period('2023-03-01', '2024-02-29'))).toBe('time:week');
    expect(resolveTime(period('2023-02-01', '2024-02-29'))).toBe('time:month');
  });
  it('labels weeks from Monday, the first clipped to the period start', () => {
    expect(weekStart('2024-01-03')).toBe('2024-01-01');
    expect(weekStart('2024-01-01')).toBe('2024-01-01');
    expect(weekStart('2024-01-07')).toBe('2024-01-01');
    expect(timeLabels('time:week', '2024-01-03', '2024-01-30')).toEqual(['2024-01-03', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29']);
  });
  it('labels months from their first day, hours per local day', () => {
    expect(timeLabels('time:month', '2023-11-15', '2024-02-01')).toEqual(['2023-11-01', '2023-12-01', '2024-01-01', '2024-02-01']);
    const hours = timeLabels('time:hour', '2024-03-31', '2024-03-31');
    expect(hours).toHaveLength(24);
    expect(hours[0]).toBe('2024-03-31 00:00:00');
    expect(hours[23]).toBe('2024-03-31 23:00:00');
  });
});

describe('comparison periods', () => {
  const main = (a: string, b: string) => resolveDateRange([a, b], 'Etc/UTC', NOW, null);
  const cmp = (p: ReturnType<typeof main>, mode: 'previous_period' | 'year_over_year', match = false) => {
    const c = comparisonPeriod({ mode }, p, 'Etc/UTC', NOW, match);
    return [c.firstDay, c.lastDay];
  };
  it('previous_period is the equal span just before', () => {
    expect(cmp(main('2024-03-08', '2024-03-14'), 'previous_period')).toEqual(['2024-03-01', '2024-03-07']);
  });
  it('a period reaching past today is compared up to today only', () => {
    expect(cmp(main('2024-03-01', '2024-03-31'), 'previous_period')).toEqual(['2024-02-15', '2024-02-29']);
  });
  it('year_over_year goes back 365 days', () => {
    expect(cmp(main('2024-03-08', '2024-03-14'), 'year_over_year')).toEqual(['2023-03-09', '2023-03-15']);
  });
  it('match_day_of_week moves to the nearest same weekday', () => {
    // 2024-03-08 is a Friday; 2023-03-09 a Thursday: the nearest Friday is 2023-03-10.
    expect(cmp(main('2024-03-08', '2024-03-14'), 'year_over_year', true)).toEqual(['2023-03-10', '2023-03-16']);
  });
  it('a running period is compared up to the same time of day', () => {
    // NOW is 10:00 UTC on 2024-03-15: today until now against yesterday until 10:00.
    const today = comparisonPeriod({ mode: 'previous_period' }, resolveDateRange('day', 'Etc/UTC', NOW, null), 'Etc/UTC', NOW, false);
    expect(periodEcho('Etc/UTC', today)).toEqual(['2024-03-14T00:00:00Z', '2024-03-14T10:00:00Z']);
    const month = comparisonPeriod({ mode: 'previous_period' }, resolveDateRange('month', 'Europe/Oslo', NOW, null), 'Europe/Oslo', NOW, false);
    expect(periodEcho('Europe/Oslo', month)).toEqual(['2024-02-15T00:00:00+01:00', '2024-02-29T11:00:00+01:00']);
    const week = comparisonPeriod({ mode: 'previous_period' }, resolveDateRange('day', 'Etc/UTC', NOW, null), 'Etc/UTC', NOW, true);
    expect(periodEcho('Etc/UTC', week)).toEqual(['2024-03-08T00:00:00Z', '2024-03-08T10:00:00Z']);
  });
  it('a period that has ended is compared in whole days', () => {
    const yesterday = comparisonPeriod({ mode: 'previous_period' }, main('2024-03-14', '2024-03-14'), 'Etc/UTC', NOW, false);
    expect(periodEcho('Etc/UTC', yesterday)).toEqual(['2024-03-13T00:00:00Z', '2024-03-13T23:59:59Z']);
  });
  it('custom dates are taken as given', () => {
    const c = comparisonPeriod({ mode: 'custom', first: '2023-01-01', last: '2023-01-31' }, main('2024-03-01', '2024-03-07'), 'Etc/UTC', NOW, false);
    expect([c.firstDay, c.lastDay]).toEqual(['2023-01-01', '2023-01-31']);
  });
});
