/**
 * The time series as the chart draws it: one value per bucket of the period (buckets the
 * API returns no row for are zero), the comparison matched by position, and the bucket
 * labels written for people. Pure.
 * @module
 */
import type { StatsResult } from '../lib/api.ts';
import type { Interval } from '../../server/core/dashboard-api/view-queries/state.ts';

export interface Series {
  interval: Interval;
  labels: string[];
  values: Array<number | null>;
  /** Null when the view compares with nothing. */
  comparison: Array<number | null> | null;
  comparisonLabels: string[];
}

/**
 * `now` is the current bucket's label (`localHour`): later buckets of the period have not
 * happened yet and are left empty rather than drawn as zero, in the comparison too.
 */
export function toSeries(result: StatsResult, metricIndex: number, now: string): Series {
  const resolved = Array.isArray(result.query.dimensions) ? String(result.query.dimensions[0] ?? 'time:day') : 'time:day';
  const interval = (resolved.split(':')[1] ?? 'day') as Interval;
  const labels = result.meta.time_labels ?? result.results.map((r) => r.dimensions[0] ?? '');
  const byLabel = new Map(result.results.map((r) => [r.dimensions[0], r]));
  const compared = result.results.some((r) => r.comparison);
  const values: Array<number | null> = [];
  const comparison: Array<number | null> = [];
  const comparisonLabels: string[] = [];
  for (const label of labels) {
    const row = byLabel.get(label);
    values.push(label > now ? null : row ? (row.metrics[metricIndex] ?? null) : 0);
    // The comparison stops where this period stops: like is drawn against like.
    comparison.push(row?.comparison && label <= now ? (row.comparison.metrics[metricIndex] ?? null) : null);
    comparisonLabels.push((row?.comparison as { dimensions?: string[] } | undefined)?.dimensions?.[0] ?? '');
  }
  return { interval, labels, values, comparison: compared ? comparison : null, comparisonLabels };
}

/** The bucket an annotated day falls in: its first hour, its day, or the week or month that holds it; -1 outside. */
export function bucketOfDay(labels: string[], day: string): number {
  if (labels[0] && labels[0].length > 10) return labels.findIndex((label) => label.slice(0, 10) === day);
  let index = -1;
  for (let i = 0; i < labels.length && labels[i]! <= day; i++) index = i;
  return index;
}

/** Round steps for a duration axis, in seconds: 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, days. */
export const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/**
 * Ticks of a duration axis from 0 to `max` seconds: the smallest round step that needs no
 * more than `most` intervals, so labels read 30 s, 1 m, 1 m 30 s rather than 25 s, 1 m 15 s.
 */
export function durationTicks(max: number, most: number): number[] {
  if (!(max > 0)) return [0];
  const step = DURATION_STEPS.find((s) => max / s <= most) ?? Math.ceil(max / most / 86_400) * 86_400;
  const ticks: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) ticks.push(v);
  return ticks;
}
