/**
 * Metric values from integer sums, rounded as Plausible returns them: bounce rate and
 * visit duration whole, views per visit to two decimals, percentage to one (null when
 * the total is 0). Ratios are rounded half up from the exact integer fraction, so both
 * query paths print the same digits. Also the change against a comparison period.
 * @module
 */
import { sumsFromRow } from '../store/measures.ts';
import type { EventSums, VisitSums } from './sums.ts';
import type { Metric } from './types.ts';

/** numerator / denominator rounded half up to `decimals` places (denominator > 0). */
export function roundedRatio(numerator: number, denominator: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.floor((2 * numerator * scale + denominator) / (2 * denominator)) / scale;
}

export interface GroupSums {
  visits: VisitSums | null;
  events: EventSums | null;
  /** The visits bounce rate, visit duration and views per visit describe (see execute.ts). */
  sessions: VisitSums | null;
}

const NO_VISITS: VisitSums = sumsFromRow('visits', {});
const NO_EVENTS: EventSums = sumsFromRow('events', {});

/** The visitors a group's visitors are a share of, per metric (0 where not asked). */
export interface Totals {
  /** All visitors within the filters: `percentage`. */
  visitors: number;
  /** All visitors without the goal and property filters: `conversion_rate`. */
  conversion: number;
  /** The group's visitors without the goal and property filters: `group_conversion_rate`. */
  group: number;
}

/** Plausible's conversion rates: percent to one decimal, 0 (not null) when nobody came. */
function conversionRate(visitors: number, total: number): number {
  return total > 0 ? roundedRatio(100 * visitors, total, 1) : 0;
}

/**
 * The value of `metric` for a group. Grouped by an event dimension, visitors and visits
 * are those with a matching event; otherwise those of the visits started in the period.
 * Revenue metrics are null here: revenue.ts fills them in.
 */
export function metricValue(metric: Metric, group: GroupSums, byEvent: boolean, totals: Totals): number | null {
  const v = group.visits ?? NO_VISITS;
  const e = group.events ?? NO_EVENTS;
  const s = group.sessions ?? NO_VISITS;
  const visitors = byEvent ? e.visitors : v.visitors;
  switch (metric) {
    case 'visitors':
      return visitors;
    case 'visits':
      return byEvent ? e.visits : v.visits;
    case 'pageviews':
      return e.pageviews;
    case 'events':
      return e.events;
    case 'bounce_rate':
      return s.visits > 0 ? roundedRatio(100 * s.bounces, s.visits, 0) : 0;
    case 'visit_duration':
      return s.visits > 0 ? roundedRatio(s.duration, s.visits, 0) : 0;
    case 'views_per_visit':
      return s.visits > 0 ? roundedRatio(s.pageviews, s.visits, 2) : 0;
    case 'percentage':
      return totals.visitors > 0 ? roundedRatio(100 * visitors, totals.visitors, 1) : null;
    case 'conversion_rate':
      return conversionRate(visitors, totals.conversion);
    case 'group_conversion_rate':
      return conversionRate(visitors, totals.group);
    case 'total_revenue':
    case 'average_revenue':
      return null;
  }
}

/** What a comparison shows for a group missing from the comparison period (Plausible's defaults). */
export function missingValue(metric: Metric): number | null {
  return metric === 'visit_duration' ? null : 0;
}

function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * The change from `previous` to `current`: percentage points for bounce rate (null when
 * there was none before) and conversion rates, else percent change rounded to a whole number.
 */
export function metricChange(metric: Metric, previous: number | null, current: number | null): number | null {
  if (previous === null || current === null) return null;
  if (metric === 'bounce_rate') return previous > 0 ? current - previous : null;
  // Conversion rates change by percentage points, to one decimal (Plausible's).
  if (metric === 'conversion_rate' || metric === 'group_conversion_rate') return Math.round((current - previous) * 10) / 10;
  if (previous === 0) return current > 0 ? 100 : 0;
  return roundHalfAwayFromZero(((current - previous) / previous) * 100);
}
