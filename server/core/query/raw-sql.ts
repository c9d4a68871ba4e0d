/**
 * SQL over raw visits and events for one stretch of time: SQLite's raw tables, or the
 * columnar copy of closed days in DuckDB, which has the same tables and columns (see
 * dialect.ts for the few differences). Rows are first grouped per local day (to count each
 * day's distinct visitors), then summed over days; over the copy, first-of-day flags often
 * stand in for the distinct counts (first-flags.ts). The local wall-clock time `lt` is the
 * Unix time plus the zone's offset, so date functions label days and buckets in the site's
 * timezone without timezone support of their own.
 * @module
 */
import type { SqlValue, Stmt } from '../ports.ts';
import { countMeasures, dayMeasures, flagMeasures, flagRowMeasures, rowMeasures, summedMeasures } from '../store/measures.ts';
import { addDays, dayNumber, dayStart } from '../time.ts';
import type { Dialect } from './dialect.ts';
import { labelSql, type SqlPart } from './dimensions.ts';
import { filterSql, filtersNeedVisit, type VisitsBeyond } from './filters.ts';
import { GOAL_ALIAS, goalJoinSql } from './goal-sql.ts';
import { firstFlags, type FirstFlags } from './first-flags.ts';
import { KEPT_ALONE, type KeptSets } from './kept-sets.ts';
import type { Key, Relation } from './sums.ts';
import type { Filter } from './types.ts';

export interface RawRead {
  /** SQLite over the raw tables, or DuckDB over the columnar copy of closed days. */
  dialect: Dialect;
  relation: Relation;
  keys: Key[];
  filters: Filter[];
  siteId: number;
  timeZone: string;
  /** The stretch read: [start, end) in Unix seconds. */
  start: number;
  end: number;
  /** The whole period of the query: events of a visit count for an event filter within it. */
  periodStart: number;
  periodEnd: number;
  /** First day of the query period, where the first week bucket starts. */
  firstDay: string;
  /** Visits passing event filters on events the tables read do not hold (see filters.ts). */
  visitsBeyond?: VisitsBeyond;
  /** Only the sums that are not distinct counts are wanted: those read as 0 (countStatement). */
  countsOnly?: boolean;
  /** Columnar reads: the visit sets the copy keeps for the statement, in place of what they stand for (kept-sets.ts). */
  kept?: KeptSets;
}

function keyName(i: number): string {
  return `k${i}`;
}

/** A condition on the local day of a row, given its local time (which it names once). */
type DayCondition = (lt: string) => string;

/** The innermost rows of a read: one per visit or event, with its key labels, `measures` and local time; `only` narrows them further. */
function rowsSql(read: RawRead, measures: string, days: DayCondition | null, only: string | null = null): SqlPart {
  const visits = read.relation === 'visits';
  const time = visits ? 'v.started_at' : 'e.ts';
  const columns: string[] = [];
  const params: SqlValue[] = [];
  let goalJoin = '';
  read.keys.forEach((key, i) => {
    if (!('spec' in key)) return;
    if (key.spec.goals) {
      goalJoin = ` ${goalJoinSql(key.spec.goals, read.dialect.name === 'duckdb' ? 'in' : 'exists')}`;
      columns.push(`${GOAL_ALIAS}.goal_name AS ${keyName(i)}`);
      return;
    }
    const label = labelSql(key.spec);
    columns.push(`${label.sql} AS ${keyName(i)}`);
    params.push(...label.params);
  });
  const lt = read.dialect.localTime(visits ? 'v' : 'e', time, read.timeZone, read.start, read.end);
  columns.push(measures, `${lt.sql} AS lt`);
  params.push(...lt.params);
  // Filters on visit dimensions alone, read as a kept set of the visits passing them: no join for them.
  const keptVisits = visits ? null : (read.kept?.visits ?? null);
  // A kept set of the visits' rows (kept-sets.ts) holds every visit the filters can pass: read in place of the table,
  // without the event filters it stands for, which each of its rows passes.
  const visitRows = read.kept?.visitRows;
  const units: ReadonlyMap<Filter, string> | undefined = read.kept?.units;
  const filters = keptVisits
    ? read.filters.filter((f) => !keptVisits.filters.includes(f))
    : visitRows
      ? read.filters.filter((f) => units?.get(f) !== visitRows)
      : read.filters;
  const needVisit = !visits && (read.keys.some((k) => 'spec' in k && k.spec.scope === 'visit') || filtersNeedVisit(filters));
  const from = (visits ? `${visitRows ?? 'visits'} v` : needVisit ? 'events e JOIN visits v ON v.id = e.visit_id' : 'events e') + goalJoin;
  const where = [`${visits ? 'v' : 'e'}.site_id = ?`, `${time} >= ?`, `${time} < ?`];
  params.push(read.siteId, read.start, read.end);
  if (keptVisits) where.push(`e.visit_id IN (SELECT id FROM ${keptVisits.ref})`);
  const joined = needVisit ? read.dialect.joinedVisits(read.siteId, read.start, read.end) : null;
  if (joined) {
    where.push(joined.sql);
    params.push(...joined.params);
  }
  for (const f of filters) {
    const part = filterSql(f, { rows: read.relation, siteId: read.siteId, start: read.periodStart, end: read.periodEnd, visitsBeyond: read.visitsBeyond, kept: read.kept?.units });
    where.push(part.sql);
    params.push(...part.params);
  }
  if (days) {
    where.push(days(lt.sql));
    params.push(...lt.params);
  }
  if (only) where.push(only);
  return { sql: `SELECT ${columns.join(', ')} FROM ${from} WHERE ${where.join(' AND ')}`, params };
}

/** The select list of the keys above the rows: dimension labels as they are, time buckets from `lt`. */
function keyColumns(read: RawRead): SqlPart {
  const columns: string[] = [];
  const params: SqlValue[] = [];
  read.keys.forEach((key, i) => {
    if ('time' in key) {
      const bucket = read.dialect.bucket(key.time, 'lt', read.firstDay);
      columns.push(`${bucket.sql} AS ${keyName(i)}`);
      params.push(...bucket.params);
    } else {
      columns.push(keyName(i));
    }
  });
  return { sql: columns.join(', '), params };
}

const groupBy = (names: string[]) => (names.length > 0 ? ` GROUP BY ${names.join(', ')}` : '');

/** Each local day's visitors counted distinct, then summed over the days. */
function distinctStatement(read: RawRead, days: DayCondition | null, only: string | null = null): Stmt {
  const names = read.keys.map((_, i) => keyName(i));
  const rows = rowsSql(read, rowMeasures(read.relation), days, only);
  const keys = keyColumns(read);
  const perDay = `SELECT ${[keys.sql, dayMeasures(read.relation)].filter(Boolean).join(', ')} FROM (${rows.sql}) GROUP BY ${[read.dialect.dayOf('lt'), ...names].join(', ')}`;
  return { sql: `SELECT ${[...names, summedMeasures(read.relation)].join(', ')} FROM (${perDay})${groupBy(names)}`, params: [...keys.params, ...rows.params] };
}

/** First-of-day flags summed: each day's distinct counts without grouping by day at all. */
function flagStatement(read: RawRead, flags: FirstFlags, days: DayCondition | null, only: string | null = null): Stmt {
  const names = read.keys.map((_, i) => keyName(i));
  const rows = rowsSql(read, flagRowMeasures(read.relation, flags), days, only);
  const keys = keyColumns(read);
  return { sql: `SELECT ${[keys.sql, flagMeasures(read.relation)].filter(Boolean).join(', ')} FROM (${rows.sql})${groupBy(names)}`, params: [...keys.params, ...rows.params] };
}

/** The rows' sums that are not distinct counts, by key, in one grouping: no day needed. */
function countStatement(read: RawRead): Stmt {
  const names = read.keys.map((_, i) => keyName(i));
  const rows = rowsSql(read, rowMeasures(read.relation), null);
  const keys = keyColumns(read);
  return { sql: `SELECT ${[keys.sql, countMeasures(read.relation)].filter(Boolean).join(', ')} FROM (${rows.sql})${groupBy(names)}`, params: [...keys.params, ...rows.params] };
}

/**
 * The statement for a raw read. Its rows have `k0`… (the keys' labels, in order; country
 * names still as codes) and the relation's sums under their column names.
 */
export function rawStatement(read: RawRead): Stmt {
  return read.countsOnly ? countStatement(read) : distinctStatement(read, null);
}

/**
 * The statements for a read of the columnar copy: rows as rawStatement's, and a key's sums
 * are added up over the statements. Over whole days (`varying` not null: the days on which
 * some visitor hash had two values of a column, with those columns), first-of-day flags are
 * summed where they can be; days on which a column the filters rely on varied are counted
 * distinct, by a statement of their own (in one with the flags' part, DuckDB holds both
 * joins' tables at once, past its memory limit).
 */
export function columnarStatements(read: RawRead, varying: Readonly<Record<string, readonly string[]>> | null): Stmt[] {
  if (read.countsOnly) return [countStatement(read)];
  if (read.kept?.visitRows) {
    // Kept rows (kept-sets.ts): a visitor's only kept visit of its day is one visitor wherever it
    // falls; the other rows, few, are counted distinct per day. One statement: each costs a round trip.
    const alone = `v.${KEPT_ALONE}`;
    const once = flagStatement(read, { visitors: KEPT_ALONE, visits: null, relyOn: [] }, null, `${alone} = 1`);
    const distinct = distinctStatement(read, null, `${alone} = 0`);
    const names = read.keys.map((_, i) => keyName(i));
    return [{ sql: `SELECT ${[...names, summedMeasures(read.relation)].join(', ')} FROM (${once.sql} UNION ALL BY NAME ${distinct.sql})${groupBy(names)}`, params: [...once.params, ...distinct.params] }];
  }
  const flags = varying ? firstFlags(read.relation, read.keys, read.filters) : null;
  if (!varying || !flags) return [distinctStatement(read, null)];
  const counted = Object.entries(varying)
    .filter(([, columns]) => columns.some((c) => flags.relyOn.includes(c)))
    .map(([day]) => day)
    .sort();
  if (counted.length === 0) return [flagStatement(read, flags, null)];
  // Day numbers computed here from the copy's own day strings: safe as literals.
  const list = counted.map(dayNumber).join(', ');
  // Narrowed to the days from the first to the last such day, so the engine skips the rest.
  const narrowed = { ...read, start: dayStart(read.timeZone, counted[0]!), end: dayStart(read.timeZone, addDays(counted.at(-1)!, 1)) };
  return [
    flagStatement(read, flags, (lt) => `${read.dialect.dayOf(lt)} NOT IN (${list})`),
    distinctStatement(narrowed, (lt) => `${read.dialect.dayOf(lt)} IN (${list})`),
  ];
}

/**
 * The revenue of the events of a raw read (SQLite only: the columnar copy holds no revenue),
 * per key and per pair of the event's currency and the currency of the goal it counts for
 * (`goalCurrency`: SQL of the row's goal currency). Rows have the keys as rawStatement's,
 * `currency`, `goal_currency`, `amount` (the sum) and `n` (the events).
 */
export function revenueStatement(read: RawRead, goalCurrency: string): Stmt {
  const names = read.keys.map((_, i) => keyName(i));
  // Events without revenue are dropped before the goal join and the visit lookup.
  const rows = rowsSql(read, `e.revenue_amount AS amount, e.revenue_currency AS currency, ${goalCurrency} AS goal_currency`, null, 'e.revenue_amount IS NOT NULL');
  const keys = keyColumns(read);
  const grouped = [...names, 'currency', 'goal_currency'];
  return {
    sql: `SELECT ${[keys.sql, 'currency', 'goal_currency', 'SUM(CAST(amount AS REAL)) AS amount', 'COUNT(*) AS n'].filter(Boolean).join(', ')}
      FROM (${rows.sql}) GROUP BY ${grouped.join(', ')}`,
    params: [...keys.params, ...rows.params],
  };
}
