/**
 * A visitor's location, looked up once and remembered by the visitor hash. The hash is made
 * from the full address (visitor.ts), so every event of a visitor has the address its
 * first event was located by; on Node a lookup costs about 5 µs of CPU (a block of the city
 * file read and searched), and most events are a visit's second or later (60 % in the
 * realistic mix). Keyed by the hash, which the database holds anyway: no address is kept.
 * @module
 */
import type { Location, LocationLookup } from '../ports.ts';

/** Location of `ip`, the address visitor hash `visitor` was made from. */
export type VisitorLocationLookup = (visitor: number, ip: string, belowCountry: boolean) => Location | null;

/**
 * Entries per generation. When the current one is full it becomes the previous one and the
 * older is dropped, so at most twice this many are held (about 2 MB), and a visitor seen in
 * either is kept: a busy site's visitors of the last few minutes.
 */
export const LOCATION_GENERATION = 8192;

export function rememberedLocations(lookup: LocationLookup, generation = LOCATION_GENERATION): VisitorLocationLookup {
  let current = new Map<number, Location | null>();
  let previous = new Map<number, Location | null>();
  return (visitor, ip, belowCountry) => {
    // Hashes are non-negative integers below 2^53: a country-only lookup gets the negative twin.
    const key = belowCountry ? visitor : -visitor - 1;
    const known = current.get(key);
    if (known !== undefined) return known;
    let found = previous.get(key);
    if (found === undefined) found = lookup(ip, belowCountry);
    if (current.size >= generation) {
      previous = current;
      current = new Map();
    }
    current.set(key, found);
    return found;
  };
}
