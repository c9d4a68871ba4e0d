/**
 * English country names for `visit:country_name`, from Intl (no table to keep up to date;
 * Workers has the same ICU data).
 * @module
 */
import { countryCodeNames } from './country-codes.ts';

let names: Map<string, string> | null = null;

/** Every two-letter code Intl names as a region, with its English name. */
export function countryNames(): ReadonlyMap<string, string> {
  names ??= countryCodeNames('en');
  return names;
}
