/**
 * The comparison's arithmetic on the Stats API's answers: the period compared with
 * (`meta.comparison_date_range`, which the server cuts at the same time of day while the
 * period runs) set against the site's first day, so a period before tracking began reads as
 * "nothing to compare" rather than "↑ 100 %". Pure, for the tests; compare-picker.ts shows it.
 * @module
 */
import type { StatsResult } from '../lib/api.ts';

/** Two site-local ISO date-times, as the Stats API echoes a period. */
export type EchoedRange = [string, string];

const echoed = (value: unknown): EchoedRange | null =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' ? [value[0], value[1]] : null;

/** The site's first recorded day, from the answer to `everQuery` (`all` starts there). */
export function firstDayOf(ever: StatsResult): string | null {
  return echoed(ever.query.date_range)?.[0].slice(0, 10) ?? null;
}

/** The period a result was compared with, if it was. */
export function comparedRange(result: StatsResult): EchoedRange | null {
  return echoed(result.meta.comparison_date_range);
}

/** How much of the comparison period the site was tracked in. */
export type Coverage = 'none' | 'partial' | 'full';

export function coverage(range: EchoedRange, firstDay: string): Coverage {
  if (range[1].slice(0, 10) < firstDay) return 'none';
  if (range[0].slice(0, 10) < firstDay) return 'partial';
  return 'full';
}
