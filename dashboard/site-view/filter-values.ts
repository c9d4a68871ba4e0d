/**
 * The filter the dialog's inputs make, or why it cannot be made: the chosen values and the
 * text still in the box, countries resolved to ISO codes so no query the API would refuse
 * is ever sent. Pure (the caller passes the locale and turns the reason into words).
 * @module
 */
import { countries, countryContains, resolveCountry } from '../../server/core/dashboard-api/view-queries/countries.ts';
import type { Filter, Op } from '../../server/core/dashboard-api/view-queries/state.ts';

export type Outcome = { filter: Filter } | { error: 'needValue' | 'noCountry' | 'severalCountries' | 'tooManyCountries'; text: string };

const COUNTRY = 'visit:country';
/** Countries one "contains" may stand for: the Stats API takes 50 filter values in all, the view's other filters included. */
export const MAX_COUNTRIES = 30;

/**
 * Values the view's filters may hold in all: the Stats API takes 50 per query, and a panel's
 * query adds up to two of its own (a tab's event or `(not set)`, and a Details search).
 */
export const MAX_VIEW_VALUES = 48;

/** How many values a filter on `dimension` and `op` may have beside the view's others (withFilter replaces the one of the same field and condition). */
export function valuesLeft(others: readonly Filter[], dimension: string, op: Op): number {
  const kept = others.filter((f) => !(f.dimension === dimension && f.op === op));
  return MAX_VIEW_VALUES - kept.reduce((n, f) => n + f.values.length, 0);
}

export function filterOf(dimension: string, op: Op, chosen: readonly string[], typed: string, locale: string): Outcome {
  const text = typed.trim();
  const made = (filterOp: Op, values: string[]): Outcome => (values.length ? { filter: { op: filterOp, dimension, values } } : { error: 'needValue', text });
  if (dimension !== COUNTRY) return made(op, text && !chosen.includes(text) ? [...chosen, text] : [...chosen]);
  const list = countries(locale);
  if (op === 'contains' || op === 'contains_not') {
    const matched = countryContains(op, text, list);
    if (text && matched.values.length === 0) return { error: 'noCountry', text };
    if (matched.values.length > MAX_COUNTRIES) return { error: 'tooManyCountries', text };
    return made(matched.op, [...new Set([...chosen, ...matched.values])]);
  }
  if (!text) return made(op, [...chosen]);
  const resolved = resolveCountry(text, list);
  if ('error' in resolved) return { error: resolved.error === 'none' ? 'noCountry' : 'severalCountries', text };
  return made(op, chosen.includes(resolved.code) ? [...chosen] : [...chosen, resolved.code]);
}
