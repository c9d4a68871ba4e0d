/**
 * SQL over the rollup tables: sums of closed days (or whole months) for at most one
 * dimension, bucketed by day, week or month. Rows have the same shape as raw reads.
 * @module
 */
import type { SqlValue, Stmt } from '../ports.ts';
import { rollupDimension } from './dimensions.ts';
import type { Key, Relation } from './sums.ts';
import { bucketOfDay } from './time-buckets.ts';

export interface RollupRead {
  relation: Relation;
  keys: Key[];
  siteId: number;
  granularity: 'day' | 'month';
  /** First and last day (YYYY-MM-DD) or month (YYYY-MM) read. */
  first: string;
  last: string;
  /** First day of the query period, where the first week bucket starts. */
  firstDay: string;
}

const VISIT_SUMS =
  'SUM(visitors) AS visitors, SUM(visits) AS visits, SUM(bounces) AS bounces, SUM(duration) AS duration, SUM(visit_pageviews) AS visit_pageviews';
/** Event sums kept beside visit dimensions: visitors there are the visits' own. */
const EVENT_SUMS_OF_VISITS = '0 AS visitors, 0 AS visits, SUM(pageviews) AS pageviews, SUM(events) AS events';
const EVENT_SUMS = 'SUM(visitors) AS visitors, SUM(visits) AS visits, SUM(pageviews) AS pageviews, SUM(events) AS events';

export function rollupStatement(read: RollupRead): Stmt {
  const spec = read.keys.find((k) => 'spec' in k);
  const dimension = spec && 'spec' in spec ? spec.spec : null;
  const eventTable = dimension?.scope === 'event' && read.relation === 'events';
  const base = eventTable ? 'rollup_events' : 'rollup_visits';
  const table = read.granularity === 'month' ? `${base}_monthly` : base;
  const period = read.granularity === 'month' ? 'month' : 'day';
  const sums = read.relation === 'visits' ? VISIT_SUMS : eventTable ? EVENT_SUMS : EVENT_SUMS_OF_VISITS;

  const columns: string[] = [];
  const params: SqlValue[] = [];
  read.keys.forEach((key, i) => {
    if ('spec' in key) {
      columns.push(`value AS k${i}`);
    } else if (read.granularity === 'month') {
      columns.push(`month || '-01' AS k${i}`);
    } else if (key.time !== 'time:hour') {
      const bucket = bucketOfDay(key.time, 'day', read.firstDay);
      columns.push(`${bucket.sql} AS k${i}`);
      params.push(...bucket.params);
    } else {
      throw new Error('hourly buckets are never read from rollups');
    }
  });
  params.push(read.siteId, dimension ? rollupDimension(dimension) : '', read.first, read.last);
  const names = read.keys.map((_, i) => `k${i}`);
  const sql =
    `SELECT ${[...columns, sums].join(', ')} FROM ${table} WHERE site_id = ? AND dimension = ? AND ${period} >= ? AND ${period} <= ?` +
    (names.length > 0 ? ` GROUP BY ${names.join(', ')}` : '');
  return { sql, params };
}
