/**
 * Location lookup on Node with geoip-lite's bundled GeoLite2 data. The country comes from
 * geoip-lite's country files, loaded into memory as before (14 MB). Region and city come
 * from its city files, which geoip-lite itself would load whole (146 MB of memory, 200 ms
 * at every start): here they stay on disk and are read a block at a time, through a small
 * index of every 512th range held in memory (docs/benchmarks.md, "Location lookup").
 * Region names for the ISO 3166-2 codes come from the `iso-3166` package.
 * @module
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, symlinkSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { iso31662 } from 'iso-3166';
import { parseIp } from '../core/ingest/ip.ts';
import type { Location, LocationLookup } from '../core/ports.ts';

const require = createRequire(import.meta.url);
const COUNTRY_FILES = ['geoip-country.dat', 'geoip-country6.dat'];

function geoipDataDir(): string {
  return join(dirname(require.resolve('geoip-lite/package.json')), 'data');
}

function countryOnlyDir(): string {
  const dataDir = geoipDataDir();
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

let countryOf: ((ip: string) => { country: string } | null) | null = null;

/** geoip-lite's country lookup, its country data loaded once per process (alone: the country-only lookup bench/geo.ts compares with). */
export function geoipCountry(): (ip: string) => { country: string } | null {
  if (!countryOf) {
    (globalThis as { geodatadir?: string }).geodatadir = countryOnlyDir();
    countryOf = (require('geoip-lite') as { lookup: (ip: string) => { country: string } | null }).lookup;
  }
  return countryOf;
}

/** Ranges per block read from disk: 12 KiB of IPv4 ranges, 24 KiB of IPv6 ones. */
const BLOCK = 512;
/** geoip-lite's record layouts (its lib/geoip.js): a range's first and last address, then the location's number. */
const V4 = { file: 'geoip-city.dat', size: 24, addressBytes: 4, locationAt: 8 } as const;
/** IPv6 ranges are compared on their first 64 bits, as geoip-lite does. */
const V6 = { file: 'geoip-city6.dat', size: 48, addressBytes: 16, locationAt: 32 } as const;
const NAMES = { file: 'geoip-city-names.dat', size: 88, country: [0, 2], region: [2, 5], city: [42, 88] } as const;
const NO_LOCATION = 0xffffffff;

type Layout = typeof V4 | typeof V6;

/** A range file on disk with the first address of every BLOCK-th range in memory. */
interface RangeFile {
  fd: number;
  layout: Layout;
  count: number;
  /** First addresses (the top 64 bits, as bigint) of ranges 0, BLOCK, 2·BLOCK… */
  index: bigint[];
  block: Buffer;
}

function keyAt(buffer: Buffer, offset: number, layout: Layout): bigint {
  return layout.addressBytes === 4 ? BigInt(buffer.readUInt32BE(offset)) : buffer.readBigUInt64BE(offset);
}

function openRanges(dir: string, layout: Layout): RangeFile {
  const fd = openSync(join(dir, layout.file), 'r');
  const count = Math.floor(fstatSync(fd).size / layout.size);
  const index: bigint[] = [];
  const first = Buffer.alloc(8);
  for (let i = 0; i < count; i += BLOCK) {
    readSync(fd, first, 0, layout.addressBytes === 4 ? 4 : 8, i * layout.size);
    index.push(keyAt(first, 0, layout));
  }
  return { fd, layout, count, index, block: Buffer.alloc(BLOCK * layout.size) };
}

/** Index of the last element ≤ key in an ascending list, or -1. */
function lastAtMost(count: number, at: (i: number) => bigint, key: bigint): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (at(mid) <= key) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The location number of the range holding `key`, or null. */
function locationNumber(ranges: RangeFile, key: bigint): number | null {
  const blockNo = lastAtMost(ranges.index.length, (i) => ranges.index[i]!, key);
  if (blockNo === -1) return null;
  const { layout, block } = ranges;
  const first = blockNo * BLOCK;
  const n = Math.min(BLOCK, ranges.count - first);
  readSync(ranges.fd, block, 0, n * layout.size, first * layout.size);
  const at = lastAtMost(n, (i) => keyAt(block, i * layout.size, layout), key);
  if (at === -1) return null;
  const record = at * layout.size;
  if (keyAt(block, record + layout.addressBytes, layout) < key) return null;
  const location = block.readUInt32BE(record + layout.locationAt);
  return location === NO_LOCATION ? null : location;
}

function text(buffer: Buffer, [start, end]: readonly [number, number]): string {
  return buffer.toString('utf8', start, end).replace(/\0.*$/s, '');
}

/** ISO 3166-2 code to its name, e.g. `NO-03` → `Oslo`. */
let regionNames: Map<string, string> | null = null;
function regionName(code: string): string | null {
  regionNames ??= new Map(iso31662.map((entry) => [entry.code, entry.name]));
  return regionNames.get(code) ?? null;
}

interface CityFiles {
  v4: RangeFile;
  v6: RangeFile;
  names: number;
  record: Buffer;
}

let cityFiles: CityFiles | null = null;

function openCityFiles(): CityFiles {
  const dir = geoipDataDir();
  return { v4: openRanges(dir, V4), v6: openRanges(dir, V6), names: openSync(join(dir, NAMES.file), 'r'), record: Buffer.alloc(NAMES.size) };
}

/** Closes the city files: file descriptors belong to the process, so a thread that ends must close its own. */
export function closeGeoFiles(): void {
  if (!cityFiles) return;
  for (const fd of [cityFiles.v4.fd, cityFiles.v6.fd, cityFiles.names]) closeSync(fd);
  cityFiles = null;
}

const REGION_PART = /^[A-Z0-9]{1,3}$/;

/** Region and city of an address in the city files, when they name the same country. */
const NO_SUBDIVISION = { region: null, regionName: null, city: null };

function subdivision(files: CityFiles, ip: string, country: string): Pick<Location, 'region' | 'regionName' | 'city'> {
  const parsed = parseIp(ip);
  if (!parsed) return NO_SUBDIVISION;
  const b = parsed.bytes;
  const location =
    parsed.version === 4
      ? locationNumber(files.v4, BigInt(((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0))
      : locationNumber(files.v6, Buffer.from(b.buffer, b.byteOffset, 8).readBigUInt64BE(0));
  if (location === null) return NO_SUBDIVISION;
  if (readSync(files.names, files.record, 0, NAMES.size, location * NAMES.size) !== NAMES.size) return NO_SUBDIVISION;
  // The two databases can disagree on a range; a region is only kept inside the country given.
  if (text(files.record, NAMES.country) !== country) return NO_SUBDIVISION;
  const part = text(files.record, NAMES.region);
  const region = REGION_PART.test(part) ? `${country}-${part}` : null;
  const city = text(files.record, NAMES.city) || null;
  return { region, regionName: region && regionName(region), city };
}

/**
 * Loads geoip-lite's country data and opens its city files, once per process: call it in
 * the one thread that looks addresses up.
 */
export function geoipLocationLookup(): LocationLookup {
  const findCountry = geoipCountry();
  cityFiles ??= openCityFiles();
  return (ip, belowCountry = true) => {
    const country = findCountry(ip)?.country;
    if (!country || !/^[A-Z]{2}$/.test(country)) return null;
    // Read at each call: once closed, their descriptors may already number other files.
    return { country, ...(belowCountry && cityFiles ? subdivision(cityFiles, ip, country) : NO_SUBDIVISION) };
  };
}
