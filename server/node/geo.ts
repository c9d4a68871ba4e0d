/**
 * Country lookup on Node with geoip-lite's bundled GeoLite data. geoip-lite loads its city
 * database when it finds one (150 MB of memory, 200 ms at every start), so it is pointed
 * at a directory holding only the country files, and falls back to those.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CountryLookup } from '../core/ports.ts';

const require = createRequire(import.meta.url);
const COUNTRY_FILES = ['geoip-country.dat', 'geoip-country6.dat'];

function countryOnlyDir(): string {
  const dataDir = join(dirname(require.resolve('geoip-lite/package.json')), 'data');
  // One directory per installation, so two checkouts never point at each other's files.
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `teller-geoip-${id}`);
  mkdirSync(dir, { recursive: true });
  for (const file of COUNTRY_FILES) {
    const link = join(dir, file);
    if (existsSync(link)) continue;
    try {
      unlinkSync(link);
    } catch {
      // Nothing there, or a dangling link already removed: either way it can be created now.
    }
    try {
      symlinkSync(join(dataDir, file), link);
    } catch (error) {
      // Another process (a parallel test worker) made it first.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
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
