/**
 * How the site view prints a metric, a change against the comparison, and a dimension's
 * value (a country's name in the UI's language, `(not set)`, channels and devices
 * translated).
 * @module
 */
import type { Key } from '../i18n/index.ts';
import { countryName, formatDuration, formatNumber, formatPercent, hasKey, locale, t } from '../lib/i18n.ts';
import { NAMED_PREFIX, nameKey } from './names.ts';
import type { Filter } from '../../server/core/dashboard-api/view-queries/state.ts';

export function formatMetric(metric: string, value: number | null): string {
  if (value === null) return '–';
  switch (metric) {
    case 'bounce_rate':
    case 'percentage':
    case 'conversion_rate':
      return formatPercent(value, metric === 'bounce_rate' ? 0 : 1);
    case 'visit_duration':
      return formatDuration(value);
    case 'views_per_visit':
      return formatNumber(value, { maximumFractionDigits: 2 });
    default:
      return formatNumber(value);
  }
}

/** Whether a rise of this metric is good news (bounce rate is the one that is not). */
export const upIsGood = (metric: string) => metric !== 'bounce_rate';

export interface Change {
  text: string;
  direction: 'up' | 'down' | 'flat';
  good: boolean | null;
}

/** Rates whose change is said in percentage points. */
const IN_POINTS = new Set(['bounce_rate', 'conversion_rate']);

/** The API's change: percent, or points for rates; null when it cannot be said. */
export function describeChange(metric: string, change: number | null): Change | null {
  if (change === null) return null;
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
  const magnitude = Math.abs(change);
  const text = IN_POINTS.has(metric) ? t('sv.kpi.points', { n: magnitude }) : formatPercent(magnitude);
  return { text, direction, good: direction === 'flat' ? null : (direction === 'up') === upIsGood(metric) };
}

function namedValue(dimension: string, value: string): string | null {
  const prefix = NAMED_PREFIX[dimension];
  if (!prefix) return null;
  const key = prefix + nameKey(value);
  return hasKey(key) ? t(key) : null;
}

const NOT_SET = new Set(['(not set)', '(none)']);

/**
 * Regions' names by code, as the regions tab read them (the API filters by code, a person
 * reads the name). A code not read yet (a reload, a shared link) is named with its country.
 */
export const regionNames = new Map<string, string>();

const regionLabel = (code: string) => regionNames.get(code) ?? (/^[A-Z]{2}-/.test(code) ? `${code} (${countryName(code.slice(0, 2))})` : code);

/** A dimension value as the reader sees it. */
export function valueLabel(dimension: string, value: string): string {
  if (NOT_SET.has(value)) return t('sv.unknown');
  if (dimension === 'visit:country') return countryName(value);
  if (dimension === 'visit:region') return regionLabel(value);
  return namedValue(dimension, value) ?? value;
}

export function dimensionLabel(dimension: string): string {
  // A property with a name of its own (the links panel's `url`, the 404 event's `path`).
  const own = `sv.dim.${dimension}`;
  if (hasKey(own)) return t(own);
  const key = (dimension.startsWith('event:props:') ? 'sv.dim.event:props' : `sv.dim.${dimension}`) as Key;
  // A hand-written URL may name a dimension the catalogue has no label for.
  if (!hasKey(key)) return dimension;
  const label = t(key);
  return dimension.startsWith('event:props:') ? `${label} ${dimension.slice(12)}` : label;
}

export function filterLabel(filter: Filter): string {
  const values = filter.values.map((v) => valueLabel(filter.dimension, v)).join(', ');
  return `${dimensionLabel(filter.dimension)} ${t(`sv.op.${filter.op}` as Key)} ${values}`;
}

/** `key.one` for a count the language calls singular, else `key`: "1 current visitor", "2 current visitors". */
export function plural(key: 'sv.realtime' | 'sv.map.tip', n: number, vars: Record<string, string | number> = {}): string {
  const one = new Intl.PluralRules(locale()).select(n) === 'one';
  return t(one ? `${key}.one` : key, { ...vars, n });
}
