/**
 * The filter dialog's suggestions: the values this site has for a dimension over the view's
 * range (a Stats API breakdown), narrowed by what was typed, most visitors first. Countries
 * are matched by the names the reader sees, here rather than in the API (which knows codes
 * and English only), and countries without visits are offered after those with. Channels,
 * devices and "Direct / None" match by their shown names too (bokmål "Organisk" finds
 * Organic Search): the names are turned into the stored values the query asks for. Pure.
 * @module
 */
import type { StatsQuery, StatsResult } from '../lib/api.ts';
import { type Country, fold, matchCountries } from '../../server/core/dashboard-api/view-queries/countries.ts';
import { NAMED_VALUES } from './names.ts';
import type { QueryBase } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { apiFilters } from '../../server/core/dashboard-api/view-queries/state.ts';

export interface Suggestion {
  value: string;
  visitors: number | null;
}

export const SUGGESTIONS = 10;
/** Rows asked for: an event dimension's filter keeps whole visits, whose other values come too and are dropped here. */
const ASKED = 50;
/** Every country a site can have, in one breakdown. */
export const ALL_COUNTRIES = 300;

/**
 * The breakdown the suggestions come from. The view's other filters narrow it, as they narrow
 * everything on the page; those on the dimension itself would only repeat its current choice.
 */
export function suggestionQuery(base: QueryBase, dimension: string, text: string, label: Label = same): StatsQuery {
  const country = dimension === 'visit:country';
  const filters: unknown[] = apiFilters(base.filters.filter((f) => f.dimension !== dimension));
  const contains = ['contains', dimension, [text], { case_sensitive: false }];
  const named = namedMatches(dimension, text, label);
  if (text && !country) filters.push(named.length ? ['or', [contains, ['is', dimension, named]]] : contains);
  return {
    site_id: base.siteId,
    metrics: ['visitors'],
    date_range: base.range,
    dimensions: [dimension],
    filters,
    order_by: [['visitors', 'desc']],
    pagination: { limit: country ? ALL_COUNTRIES : ASKED, offset: 0 },
  };
}

/** A value as the reader sees it (format.ts's valueLabel for the dimension). */
export type Label = (value: string) => string;
const same: Label = (value) => value;

/** The stored values of a dimension with display names whose shown name holds the typed text. */
export function namedMatches(dimension: string, text: string, label: Label): string[] {
  const needle = fold(text);
  return needle ? (NAMED_VALUES[dimension] ?? []).filter((value) => fold(label(value)).includes(needle)) : [];
}

/** The stored value whose shown name is the typed text ("Mobil" → Mobile), if any. */
export function namedValue(dimension: string, text: string, label: Label): string | null {
  const needle = fold(text);
  return (NAMED_VALUES[dimension] ?? []).find((value) => fold(label(value)) === needle) ?? null;
}

/** The rows that hold the typed text, as stored or as shown, as suggestions, leaving out values already chosen. */
export function suggestionsOf(result: StatsResult, text: string, chosen: readonly string[], label: Label = same): Suggestion[] {
  const needle = fold(text);
  return result.results
    .map((r) => ({ value: r.dimensions[0] ?? '', visitors: r.metrics[0] ?? null }))
    .filter((s) => !chosen.includes(s.value) && (fold(s.value).includes(needle) || fold(label(s.value)).includes(needle)))
    .slice(0, SUGGESTIONS);
}

/** Countries for typed text: the site's countries whose name matches, by visitors, then the other matching countries. */
export function countrySuggestions(result: StatsResult, text: string, list: Country[], chosen: readonly string[]): Suggestion[] {
  const visitors = new Map(result.results.map((r) => [r.dimensions[0] ?? '', r.metrics[0] ?? 0]));
  const matching = text ? matchCountries(text, list).map((c) => c.code) : [];
  const seen = text ? matching.filter((code) => visitors.has(code)).sort((a, b) => visitors.get(b)! - visitors.get(a)!) : [...visitors.keys()].filter((code) => code.length === 2);
  const unseen = matching.filter((code) => !visitors.has(code));
  return [...seen.map((value) => ({ value, visitors: visitors.get(value)! })), ...unseen.map((value) => ({ value, visitors: null }))]
    .filter((s) => !chosen.includes(s.value))
    .slice(0, SUGGESTIONS);
}
