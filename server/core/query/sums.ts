/**
 * The integer sums every metric is computed from, per group of rows. Visit sums come from
 * the visits started in the period, event sums from the period's events. Unique visitors
 * are summed per local day, because the visitor hash only lives for one day.
 * @module
 */
import { addSums, type Relation, type SumsOfRelation } from '../store/measures.ts';
import type { DimensionSpec } from './dimensions.ts';
import type { TimeDimension } from './types.ts';

export type { Relation } from '../store/measures.ts';

/** A visit group's sums (store/measures.ts): its visits' own counters give pageviews and events. */
export type VisitSums = SumsOfRelation<'visits'>;

/** An event group's sums (store/measures.ts). */
export type EventSums = SumsOfRelation<'events'>;

/** One grouping key of a read: a time bucket or a dimension, in the query's order. */
export type Key = { time: TimeDimension } | { spec: DimensionSpec };

/** The sums of a group of relation `R`. */
export type SumsOf<R extends Relation> = SumsOfRelation<R>;

/** Groups of one relation, by their labels joined with {@link KEY_SEPARATOR}. */
export type Groups<R extends Relation> = Map<string, { labels: string[]; sums: SumsOf<R> }>;

export const KEY_SEPARATOR = '\u0000';

/** Adds a group's sums into `groups`, merging with a group of the same labels. */
export function addGroup<R extends Relation>(groups: Groups<R>, relation: R, labels: string[], sums: SumsOf<R>): void {
  const key = labels.join(KEY_SEPARATOR);
  const existing = groups.get(key);
  if (!existing) {
    groups.set(key, { labels, sums });
    return;
  }
  existing.sums = addSums(relation, existing.sums, sums);
}
