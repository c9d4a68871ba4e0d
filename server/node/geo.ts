/**
 * Country lookup on Node with geoip-lite's bundled GeoLite data. geoip-lite loads its city
 * database when it finds one (150 MB of memory, 200 ms at every start), so it is pointed
 * at a directory holding only the country files, and falls back to those.
 * @module
 */
import { mkdirSync, symlinkSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CountryLookup } from '../core/ports.ts';

const require = createRequire(import.meta.url);
const COUNTRY_FILES = ['geoip-country.dat', 'geoip-country6.dat'];

function countryOnlyDir(): string {
  const dataDir = join(dirname(require.resolve('geoip-lite/package.json')), 'data');
  const dir = join(tmpdir(), `teller-geoip-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true });
  for (const file of COUNTRY_FILES) {
    const link = join(dir, file);
    if (!existsSync(link)) symlinkSync(join(dataDir, file), link);
  }
  return dir;
}

let lookup: ((ip: string) => { country: string } | null) | null = null;

/** Loads geoip-lite's country data once per process. */
export function geoipCountryLookup(): CountryLookup {
  if (!lookup) {
    (globalThis as { geodatadir?: string }).geodatadir = countryOnlyDir();
    lookup = (require('geoip-lite') as { lookup: (ip: string) => { country: string } | null }).lookup;
  }
  const find = lookup;
  return (ip) => {
    const country = find(ip)?.country;
    return country && /^[A-Z]{2}$/.test(country) ? country : null;
  };
}
