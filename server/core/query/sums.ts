/**
 * The integer sums every metric is computed from, per group of rows. Visit sums come from
 * the visits started in the period, event sums from the period's events. Unique visitors
 * are summed per local day, because the visitor hash only lives for one day.
 * @module
 */
import type { DimensionSpec } from './dimensions.ts';
import type { TimeDimension } from './types.ts';

export interface VisitSums {
  visitors: number;
  visits: number;
  bounces: number;
  duration: number;
  /** The visits' own counters: their pageviews, and pageviews plus custom events. */
  pageviews: number;
  events: number;
}

export interface EventSums {
  visitors: number;
  visits: number;
  pageviews: number;
  events: number;
}

/** Which rows a read groups: visits (by start time) or events. */
export type Relation = 'visits' | 'events';

/** One grouping key of a read: a time bucket or a dimension, in the query's order. */
export type Key = { time: TimeDimension } | { spec: DimensionSpec };

export type SumsOf<R extends Relation> = R extends 'visits' ? VisitSums : EventSums;

/** Groups of one relation, by their labels joined with {@link KEY_SEPARATOR}. */
export type Groups<R extends Relation> = Map<string, { labels: string[]; sums: SumsOf<R> }>;

export const KEY_SEPARATOR = '\u0000';

export function addVisitSums(a: VisitSums, b: VisitSums): VisitSums {
  return {
    visitors: a.visitors + b.visitors,
    visits: a.visits + b.visits,
    bounces: a.bounces + b.bounces,
    duration: a.duration + b.duration,
    pageviews: a.pageviews + b.pageviews,
    events: a.events + b.events,
  };
}

export function addEventSums(a: EventSums, b: EventSums): EventSums {
  return { visitors: a.visitors + b.visitors, visits: a.visits + b.visits, pageviews: a.pageviews + b.pageviews, events: a.events + b.events };
}

/** Adds a group's sums into `groups`, merging with a group of the same labels. */
export function addGroup<R extends Relation>(groups: Groups<R>, relation: R, labels: string[], sums: SumsOf<R>): void {
  const key = labels.join(KEY_SEPARATOR);
  const existing = groups.get(key);
  if (!existing) {
    groups.set(key, { labels, sums });
    return;
  }
  existing.sums = (
    relation === 'visits'
      ? addVisitSums(existing.sums as VisitSums, sums as VisitSums)
      : addEventSums(existing.sums as EventSums, sums as EventSums)
  ) as SumsOf<R>;
}
