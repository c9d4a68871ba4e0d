/**
 * SQL over the rollup tables: sums of closed days, whole months or a ready preset range,
 * for at most one dimension, bucketed by day, week or month; and over the day pair rollups
 * under one filter label. Rows have the same shape as raw reads.
 * @module
 */
import type { SqlValue, Stmt } from '../ports.ts';
import { measureColumns, summedMeasures } from '../store/measures.ts';
import { PAGEVIEW_PAGES, PAIR_ROLLUP_TABLES, ROLLUP_FAMILIES } from '../store/site-days.ts';
import { rollupDimension } from './dimensions.ts';
import type { Key, Relation } from './sums.ts';
import { bucketOfDay } from './time-buckets.ts';

const PAIR_TABLES = { visits: PAIR_ROLLUP_TABLES[0], events: PAIR_ROLLUP_TABLES[1] } as const;

export interface RollupRead {
  relation: Relation;
  keys: Key[];
  siteId: number;
  /** Day rows, month rows, or the rows of one preset range. */
  granularity: 'day' | 'month' | 'range';
  /** First and last day (YYYY-MM-DD) or month (YYYY-MM) read; a range's first and last day. */
  first: string;
  last: string;
  /** First day of the query period, where the first week bucket starts. */
  firstDay: string;
  /** Read Top Pages' rows (store/site-days.ts PAGEVIEW_PAGES), page views alone, in place of `event:page`'s. */
  pageviewPages?: boolean;
}

/** The grouping columns of a rollup read (named k0, k1…) and their parameters. */
function keyColumns(read: RollupRead, table: string): { columns: string[]; params: SqlValue[] } {
  const columns: string[] = [];
  const params: SqlValue[] = [];
  read.keys.forEach((key, i) => {
    if ('spec' in key) {
      columns.push(`value AS k${i}`);
    } else if (read.granularity === 'month' && key.time === 'time:month') {
      columns.push(`month || '-01' AS k${i}`);
    } else if (read.granularity === 'day' && key.time !== 'time:hour') {
      const bucket = bucketOfDay(key.time, 'day', read.firstDay);
      columns.push(`${bucket.sql} AS k${i}`);
      params.push(...bucket.params);
    } else {
      throw new Error(`${key.time} buckets cannot be read from ${table}`);
    }
  });
  return { columns, params };
}

const specOf = (read: RollupRead) => read.keys.flatMap((k) => ('spec' in k ? [k.spec] : []))[0] ?? null;

function groupedBy(read: RollupRead): string {
  return read.keys.length > 0 ? ` GROUP BY ${read.keys.map((_, i) => `k${i}`).join(', ')}` : '';
}

export function rollupStatement(read: RollupRead): Stmt {
  const spec = specOf(read);
  // Visit dimensions (and totals) live with the visits, event dimensions with the events.
  if ((spec?.scope === 'event') !== (read.relation === 'events')) throw new Error(`no ${read.relation} rollup for ${spec?.name ?? 'totals'}`);
  const table = ROLLUP_FAMILIES[read.relation][read.granularity];
  const { columns, params } = keyColumns(read, table);
  const where =
    read.granularity === 'range'
      ? 'site_id = ? AND first_day = ? AND last_day = ? AND dimension = ?'
      : `site_id = ? AND dimension = ? AND ${read.granularity} >= ? AND ${read.granularity} <= ?`;
  const dimension = read.pageviewPages ? PAGEVIEW_PAGES.dimension : spec ? rollupDimension(spec) : '';
  params.push(...(read.granularity === 'range' ? [read.siteId, read.first, read.last, dimension] : [read.siteId, dimension, read.first, read.last]));
  // A range already has one row per value: nothing to add up.
  if (read.granularity === 'range') return { sql: `SELECT ${[...columns, measureColumns(read.relation)].join(', ')} FROM ${table} WHERE ${where}`, params };
  return { sql: `SELECT ${[...columns, summedMeasures(read.relation)].join(', ')} FROM ${table} WHERE ${where}${groupedBy(read)}`, params };
}

/**
 * A read of day pair rollups (pair-rollups.ts): the rows of the visits whose filter
 * dimension reads `filter.value`, by the read's dimension (or totals), days first..last.
 */
export function pairRollupStatement(read: RollupRead, filter: { dimension: string; value: string }): Stmt {
  if (read.granularity !== 'day') throw new Error('pair rollups hold days only');
  const spec = specOf(read);
  const table = PAIR_TABLES[read.relation];
  const { columns, params } = keyColumns(read, table);
  params.push(read.siteId, filter.dimension, spec ? rollupDimension(spec) : '', filter.value, read.first, read.last);
  const where = 'site_id = ? AND filter_dimension = ? AND dimension = ? AND filter_value = ? AND day >= ? AND day <= ?';
  return { sql: `SELECT ${[...columns, summedMeasures(read.relation)].join(', ')} FROM ${table} WHERE ${where}${groupedBy(read)}`, params };
}
