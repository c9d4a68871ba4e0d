/**
 * Pair rollups (migration 0023): per closed site-local day, the sums of the visits whose
 * filter dimension reads one label, grouped by another dimension (or by nothing), and the
 * same for events by their visit's label. A query with one `is` filter of one value on a
 * filter dimension (and any filters on the dimension it groups by, applied to the groups)
 * reads them for their days instead of every raw visit of the period: on D1, which bills
 * and waits per row read, a filtered 12-month view drops from millions of rows to a few
 * hundred thousand.
 *
 * Exact: the visitor hash lives one day, so a day's distinct visitors per (filter label,
 * group label) add up over days as the day rollups do. A filter of several values, or
 * `contains`, would count a visitor with two of its values on one day twice: those read raw.
 * Case-insensitive `is` may match several stored labels: raw too.
 *
 * Built after the day rollups, a few days per maintenance pass, where maintenance is asked to
 * (Workers' cron: MaintenanceOptions.pairRollups), from the first day the rollups and the raw
 * rows both hold; they reach days first_day..days_through of `rollup_pair_state`, and the
 * planner reads raw rows for the rest of a period.
 * @module
 */
import type { Db, Stmt } from './ports.ts';
import { dimensionSpec, labelSql, type DimensionSpec } from './query/dimensions.ts';
import { filterMatches } from './query/filters.ts';
import { planSegments, rollupsCanServe, type Segment } from './query/plan.ts';
import type { PairCoverage, RollupState } from './query/rollup-state.ts';
import type { Key, Relation } from './query/sums.ts';
import type { Filter, FilterLeaf, Period } from './query/types.ts';
import type { Site } from './sites.ts';
import { dayMeasures, measureColumns, rowMeasures } from './store/measures.ts';
import { PAIR_ROLLUP_TABLES } from './store/site-days.ts';
import { addDays, dayStart } from './time.ts';

/**
 * The dimensions a pair-rollup filter may name: a visit's source and audience, each of a
 * few dozen labels a day. Each one multiplies the table's rows, so the list is short.
 */
export const PAIR_FILTER_DIMENSIONS: readonly string[] = ['visit:country', 'visit:source', 'visit:channel', 'visit:device', 'visit:browser', 'visit:os'];

/**
 * The dimensions grouped under a filter label: the panels of the dashboard's site view (its
 * first tabs). Referrers, UTM tags, regions, cities, versions and host names are left to the
 * raw path: each would add as many rows again as the panels it is not shown in by default
 * (at 100,000 events the pair rows already outnumber the events). '' holds the totals.
 */
export const PAIR_GROUPED: Readonly<Record<Relation, readonly string[]>> = {
  visits: [
    '',
    'visit:source',
    'visit:channel',
    'visit:search_engine',
    'visit:search_keyword',
    'visit:entry_page',
    'visit:exit_page',
    'visit:country',
    'visit:browser',
    'visit:os',
    'visit:device',
  ],
  events: ['event:page', 'event:name', 'event:site_search'],
};

const TABLES: Readonly<Record<Relation, string>> = { visits: PAIR_ROLLUP_TABLES[0], events: PAIR_ROLLUP_TABLES[1] };

const specOf = (name: string): DimensionSpec => {
  const spec = dimensionSpec(name);
  if (!spec) throw new Error(`unknown pair-rollup dimension ${name}`);
  return spec;
};

/** A query's filters as a pair-rollup read: one filter label, and filters on the grouped dimension for its groups. */
export interface PairFilter {
  dimension: string;
  value: string;
  /** Filters on the dimension grouped by, checked on each group's label (filters.ts gives them the SQL's meaning). */
  rest: Filter[];
  /** Where that dimension is among the read's keys. */
  position: number;
}

const isLeaf = (f: Filter): f is FilterLeaf => 'dimension' in f;

/** True for a leaf that picks the rows of one label exactly: case-sensitive `is` of one value on a filter dimension. */
function isPairLeaf(f: Filter): f is FilterLeaf {
  return isLeaf(f) && f.op === 'is' && f.values.length === 1 && f.caseSensitive && PAIR_FILTER_DIMENSIONS.includes(f.dimension);
}

/** The pair-rollup read for these keys and filters, or null when pair rollups cannot answer exactly. */
export function pairFilterOf(relation: Relation, keys: Key[], filters: Filter[]): PairFilter | null {
  if (filters.length === 0 || !rollupsCanServe(keys)) return null;
  const position = keys.findIndex((k) => 'spec' in k);
  const grouped = position < 0 ? '' : (keys[position] as { spec: DimensionSpec }).spec;
  const groupedName = grouped === '' ? '' : (grouped.named?.of ?? grouped.name);
  if (!PAIR_GROUPED[relation].includes(groupedName)) return null;
  const leaf = filters.find(isPairLeaf);
  if (!leaf) return null;
  const rest = filters.filter((f) => f !== leaf);
  if (!rest.every((f) => isLeaf(f) && grouped !== '' && f.dimension === grouped.name)) return null;
  return { dimension: leaf.dimension, value: leaf.values[0]!, rest, position };
}

/** True when a group read from pair rollups passes the filters on its own dimension. */
export function pairGroupPasses(pair: PairFilter, labels: string[]): boolean {
  return pair.rest.every((f) => filterMatches(f, () => labels[pair.position]!));
}

/**
 * The stretches of `period` to read for a pair-rollup query: its whole days that pair
 * rollups hold, and raw stretches before and after them.
 */
export function pairSegments(period: Period, timeZone: string, pairs: PairCoverage): Segment[] {
  const coveredStart = dayStart(timeZone, pairs.first);
  if (period.end <= coveredStart || pairs.through < pairs.first) return [{ kind: 'raw', start: period.start, end: period.end }];
  if (period.start >= coveredStart) {
    return planSegments(period, timeZone, { daysThrough: pairs.through, monthsThrough: null, ranges: new Set() }, { months: false, ranges: false });
  }
  const rest: Period = { ...period, start: coveredStart, firstDay: pairs.first };
  return [{ kind: 'raw', start: period.start, end: coveredStart }, ...pairSegments(rest, timeZone, pairs)];
}

/** The label of each grouped dimension as one CASE over the dimension's name, `g.value` ('' for the totals). */
function groupedLabelSql(relation: Relation): string {
  const cases = PAIR_GROUPED[relation].filter((d) => d !== '').map((d) => `WHEN '${d}' THEN ${labelSql(specOf(d)).sql}`);
  return `CASE g.value ${cases.join(' ')} ELSE '' END`;
}

/** The grouped dimensions as rows (`g.value`): json_each, as D1 refuses a compound SELECT of more than a few terms. */
function groupedDimensionsSql(relation: Relation): string {
  return `json_each('${JSON.stringify(PAIR_GROUPED[relation])}')`;
}

/** One filter dimension's rows of one day: every grouped dimension at once, the day's rows read once. */
function filterDayStatement(relation: Relation, filter: string, siteId: number, day: string, start: number, end: number): Stmt {
  const [from, time] = relation === 'visits' ? ['visits v', 'v.started_at'] : ['events e JOIN visits v ON v.id = e.visit_id', 'e.ts'];
  const alias = relation === 'visits' ? 'v' : 'e';
  return {
    // OR REPLACE: two overlapping maintenance runs may build the same day.
    sql: `INSERT OR REPLACE INTO ${TABLES[relation]} (site_id, filter_dimension, dimension, filter_value, day, value, ${measureColumns(relation)})
      SELECT ?, ?, dimension, filter_value, ?, value, ${dayMeasures(relation)}
      FROM (SELECT g.value AS dimension, ${labelSql(specOf(filter)).sql} AS filter_value, ${groupedLabelSql(relation)} AS value, ${rowMeasures(relation)}
        FROM ${from}, ${groupedDimensionsSql(relation)} g
        WHERE ${alias}.site_id = ? AND ${time} >= ? AND ${time} < ?)
      GROUP BY dimension, filter_value, value`,
    params: [siteId, filter, day, siteId, start, end],
  };
}

/** Statements that build the pair rollups of local day `day` and record it. */
export function pairDayStatements(siteId: number, timeZone: string, day: string): Stmt[] {
  const start = dayStart(timeZone, day);
  const end = dayStart(timeZone, addDays(day, 1));
  return [
    ...PAIR_FILTER_DIMENSIONS.flatMap((f) => [filterDayStatement('visits', f, siteId, day, start, end), filterDayStatement('events', f, siteId, day, start, end)]),
    { sql: 'UPDATE rollup_pair_state SET days_through = ? WHERE site_id = ? AND days_through < ?', params: [day, siteId, day] },
  ];
}

/** Deletes a site's pair rollups and records that they start again at `first`. */
function restartStatements(siteId: number, timeZone: string, first: string): Stmt[] {
  return [
    ...PAIR_ROLLUP_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE site_id = ?`, params: [siteId] })),
    {
      sql: 'INSERT OR REPLACE INTO rollup_pair_state (site_id, timezone, first_day, days_through) VALUES (?, ?, ?, ?)',
      params: [siteId, timeZone, first, addDays(first, -1)],
    },
  ];
}

/**
 * Builds the pair rollups of up to `maxDays` days the day rollups hold and pair rollups do
 * not yet; returns the days built. They start again (from the first day with raw rows)
 * when the site's timezone changed, or when retention deleted raw days they had not reached.
 */
export async function buildPairRollups(db: Db, site: Site, state: RollupState | null, maxDays: number): Promise<number> {
  if (!state || state.timezone !== site.timezone) return 0;
  let pairs = state.pairs ?? null;
  const stale = pairs !== null && (pairs.timezone !== site.timezone || (state.rawKeptFrom !== null && addDays(pairs.through, 1) < state.rawKeptFrom));
  if (pairs === null || stale) {
    const row = await db.first<{ day: string | null }>("SELECT min(day) AS day FROM rollup_visits WHERE site_id = ? AND dimension = ''", [site.id]);
    const first = [row?.day ?? null, state.rawKeptFrom].filter((d): d is string => d !== null).sort().at(-1);
    if (first === undefined) return 0;
    await db.batch(restartStatements(site.id, site.timezone, first));
    pairs = { timezone: site.timezone, first, through: addDays(first, -1) };
  }
  let built = 0;
  for (let day = addDays(pairs.through, 1); day <= state.daysThrough && built < maxDays; day = addDays(day, 1)) {
    await db.batch(pairDayStatements(site.id, site.timezone, day));
    built += 1;
  }
  return built;
}

/**
 * Pair rollups before local day `before`, one filter dimension of one table a statement,
 * then their first day moved up to it (purge). None are kept before their first day, so a
 * purge reads that first and needs none of these when it is not before `before`.
 */
export function pairRollupsBeforeStatements(siteId: number, before: string): Stmt[] {
  return [
    ...PAIR_ROLLUP_TABLES.flatMap((table) =>
      PAIR_FILTER_DIMENSIONS.map((filter) => ({
        sql: `DELETE FROM ${table} WHERE site_id = ? AND filter_dimension = ? AND day < ?`,
        params: [siteId, filter, before],
      })),
    ),
    { sql: 'UPDATE rollup_pair_state SET first_day = ? WHERE site_id = ? AND first_day < ?', params: [before, siteId, before] },
  ];
}
