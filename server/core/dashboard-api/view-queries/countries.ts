/**
 * Countries as people name them: the names shown in the UI's language (and English, which
 * people type in any language) matched to the ISO codes the Stats API filters on. Pure (the
 * caller passes the locale), so unit tests can check "Norge" → NO without a browser.
 * @module
 */
import { countryCodeNames, isCountryCode } from '../../query/country-codes.ts';

export interface Country {
  code: string;
  /** In the UI's language. */
  name: string;
  english: string;
}

/** Folds case and accents, so "osterreich" finds "Österreich" and "cote" "Côte d’Ivoire". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('en').trim();
}

const lists = new Map<string, Country[]>();

/** Every country, by its name in `locale`. */
export function countries(locale: string): Country[] {
  let list = lists.get(locale);
  if (!list) {
    const english = countryCodeNames('en');
    const names = countryCodeNames(locale);
    list = [...names]
      .filter(([code]) => isCountryCode(code))
      .map(([code, name]) => ({ code, name, english: english.get(code) ?? name }))
      .sort((a, b) => a.name.localeCompare(b.name, locale));
    lists.set(locale, list);
  }
  return list;
}

const names = (c: Country) => [fold(c.name), fold(c.english)];

/**
 * Countries whose name (shown or English) contains `text`, or whose code it is; those whose
 * name starts with it first. Empty text matches none.
 */
export function matchCountries(text: string, list: Country[]): Country[] {
  const needle = fold(text);
  if (!needle) return [];
  const code = needle.length === 2 ? needle.toUpperCase() : null;
  const rank = (c: Country) => (c.code === code ? 0 : names(c).some((n) => n.startsWith(needle)) ? 1 : names(c).some((n) => n.includes(needle)) ? 2 : 3);
  return list
    .map((c) => [c, rank(c)] as const)
    .filter(([, r]) => r < 3)
    .sort((a, b) => a[1] - b[1])
    .map(([c]) => c);
}

export type Resolved = { code: string } | { error: 'none' | 'several' };

/**
 * The one country a typed value means: a name (shown or English) or code read exactly, else
 * the only country whose name contains it. Anything else is for the person to settle.
 */
export function resolveCountry(text: string, list: Country[]): Resolved {
  const needle = fold(text);
  const exact = list.find((c) => c.code === needle.toUpperCase() || names(c).includes(needle));
  if (exact) return { code: exact.code };
  const matches = matchCountries(text, list);
  if (matches.length === 1) return { code: matches[0]!.code };
  return { error: matches.length === 0 ? 'none' : 'several' };
}

/**
 * A `contains` on countries as the codes of the countries whose names contain the text, so it
 * means what the reader sees; the API's own `contains` would read the two-letter codes.
 */
export function countryContains(op: 'contains' | 'contains_not', text: string, list: Country[]): { op: 'is' | 'is_not'; values: string[] } {
  return { op: op === 'contains' ? 'is' : 'is_not', values: matchCountries(text, list).map((c) => c.code) };
}

/**
 * A country value of an `is` filter from a URL as the API takes it: a code in capitals, or
 * `(not set)`; a name (an old or hand-written link) becomes its code; anything else null.
 */
export function countryValue(value: string): string | null {
  if (value === '(not set)') return value;
  if (/^[A-Za-z]{2}$/.test(value)) return value.toUpperCase();
  const resolved = resolveCountry(value, countries('en'));
  return 'code' in resolved ? resolved.code : null;
}
