/**
 * English country names for `visit:country_name`, from Intl (no table to keep up to date;
 * Workers has the same ICU data).
 * @module
 */
import { NOT_SET } from './dimensions.ts';

let names: Map<string, string> | null = null;

/** Every two-letter code Intl names as a region, with its English name. */
export function countryNames(): ReadonlyMap<string, string> {
  if (!names) {
    names = new Map();
    const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = display.of(code);
        // ZZ is "Unknown Region": stored as unknown, it reads as not set.
        if (name && name !== code && code !== 'ZZ') names.set(code, name);
      }
    }
  }
  return names;
}

/** The name shown for a stored country code; codes Intl does not know read as not set. */
export function countryName(code: string | null): string {
  return (code !== null && countryNames().get(code)) || NOT_SET;
}
