/**
 * First-of-day flags: how the columnar copy counts distinct visitors without counting
 * distinct values. Each copied visit and event carries 0/1 columns, set when written:
 * `first_day` on the first row of its visitor on that local day, `first_day_<dim>` on the
 * first row of its visitor with that label of the dimension that day, and, on events,
 * `first_visit` / `first_visit_<dim>` on the first event of its visit (with that label)
 * that day. The per-day distinct counts a query needs are then sums of a flag, which the
 * copy adds up without the per-day hashing of visitor ids that costs most of a filtered view.
 *
 * A sum equals the distinct count only when a filter cannot pass one row of a flag's group
 * and drop another. Filters on the dimension grouped by are constant within the group; so
 * are visit filters for the `first_visit` groups; and so are filters on what the visitor
 * hash itself is made from (the address and user agent: country, browser, OS, device),
 * within a day, as long as no visitor hash of that day was seen with two values (checked
 * when each day is copied; such columns are listed for the day as varying, and such a day
 * is counted distinct).
 *
 * One more filter keeps a sum exact: one that passes a single label of a flagged dimension
 * A of the rows read (`is` one value, case-sensitive, at the top level), when the rows are
 * grouped by nothing but time, by A, or (visits) by a column the visitor hash fixes. Then
 * `first_day_<A>` is summed: for a visitor passing the other filters, every row of the day
 * with that label passes and falls in one group, so the first of them, and only it, is
 * counted; a visitor that passes none has no such row passing. So "country and source"
 * or "page and device" views sum flags too. Anything else (event filters on visits,
 * properties, hours, two dimensions, two such filters) counts distinct values as before.
 * @module
 */
import { attributesOf } from '../store/schema.ts';
import { dimensionSpec, type DimensionSpec } from './dimensions.ts';
import { filterDimensions } from './filters.ts';
import type { Key, Relation } from './sums.ts';
import type { Filter, FilterLeaf } from './types.ts';

/** Visit columns a visitor hash of one day determines, unless the day's rows show otherwise. */
export const VISITOR_COLUMNS: readonly string[] = attributesOf('visits').flatMap((a) => (a.perVisitorDay ? [a.column] : []));

/** The flag column for rows first of their visitor (`day`) or visit (`visit`) that day, per label of `spec` if given. */
export function flagColumn(scope: 'day' | 'visit', spec: DimensionSpec | null): string {
  const base = scope === 'day' ? 'first_day' : 'first_visit';
  return spec ? `${base}_${spec.name.slice(spec.name.indexOf(':') + 1)}` : base;
}

export interface FirstFlags {
  /** Summed for visitors. */
  visitors: string;
  /** Summed for visits (events only; a visit row is its own visit). */
  visits: string | null;
  /**
   * The VISITOR_COLUMNS the filters rely on: a day on which some visitor hash had two values
   * of one of them counts distinct values instead.
   */
  relyOn: string[];
}

/** True when `filter` is a top-level leaf that passes exactly one label of a flagged dimension. */
function singleLabel(filter: Filter): filter is FilterLeaf {
  if (filter.op !== 'is' || !filter.caseSensitive || filter.values.length !== 1) return false;
  const leaf = dimensionSpec(filter.dimension);
  return leaf !== null && leaf.column !== null && leaf.named === null && !leaf.goals;
}

/**
 * The flags a columnar read of whole days can sum instead of counting distinct visitors and
 * visits, or null when it must count them.
 */
export function firstFlags(relation: Relation, keys: Key[], filters: Filter[]): FirstFlags | null {
  // Hours are finer than the flags' day; day, week and month buckets are unions of days.
  if (keys.some((k) => 'time' in k && k.time === 'time:hour')) return null;
  const specs = keys.flatMap((k) => ('spec' in k ? [k.spec] : []));
  if (specs.length > 1) return null;
  const spec = specs[0] ?? null;
  const scope = relation === 'visits' ? 'visit' : 'event';
  if (spec && (spec.scope !== scope || spec.column === null)) return null;
  const same = (a: DimensionSpec, b: DimensionSpec | null) => b !== null && a.scope === b.scope && a.column === b.column;
  const relyOn = new Set<string>();
  // The one filter on a dimension the visitor hash does not fix, passing a single label of it.
  let labelled: DimensionSpec | null = null;
  for (const filter of filters) {
    for (const name of filterDimensions(filter)) {
      const leaf = dimensionSpec(name);
      if (!leaf || leaf.column === null) return null;
      if (same(leaf, spec) || same(leaf, labelled)) continue;
      if (leaf.scope === 'visit' && VISITOR_COLUMNS.includes(leaf.column)) {
        relyOn.add(leaf.column);
        continue;
      }
      if (labelled !== null || leaf.scope !== scope || !singleLabel(filter)) return null;
      labelled = leaf;
    }
  }
  if (labelled !== null && spec !== null && !same(spec, labelled)) {
    // Grouped by another dimension: only one the visitor hash fixes keeps a visitor's rows in one group.
    if (spec.scope !== 'visit' || !VISITOR_COLUMNS.includes(spec.column!)) return null;
    relyOn.add(spec.column!);
  }
  const flagged = labelled ?? spec;
  const visits = relation === 'visits' ? null : flagColumn('visit', flagged);
  return { visitors: flagColumn('day', flagged), visits, relyOn: [...relyOn] };
}
