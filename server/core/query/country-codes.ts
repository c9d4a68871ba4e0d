/**
 * The two-letter country codes Intl names (Intl calls them regions; in Teller a region is an
 * ISO 3166-2 subdivision such as `NO-03`), with their names in a language: the server's
 * English `visit:country_name` and the dashboard's country names and matching share it.
 * No imports, so the dashboard bundles it without the query engine.
 * @module
 */

/** Every two-letter code Intl names as a region, with its name in `locale`. */
export function countryCodeNames(locale: string): Map<string, string> {
  const names = new Map<string, string>();
  const display = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = display.of(code);
      // ZZ is "Unknown Region": stored as unknown, it reads as not set.
      if (name && name !== code && code !== 'ZZ') names.set(code, name);
    }
  }
  return names;
}

/** Groupings and test regions Intl names, never a visitor's country. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB']);

/**
 * Whether a named code is a country a person may mean: not a grouping, and not a retired
 * alias (UK for GB, DD for DE), so "United Kingdom" names one code.
 */
export function isCountryCode(code: string): boolean {
  return !NOT_COUNTRIES.has(code) && Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`;
}
