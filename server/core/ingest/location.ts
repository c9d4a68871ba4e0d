/**
 * How precisely a site keeps where its visitors are: the country only, the region too (the
 * default), or the city as well. The lookup (Node) or the edge (Workers) gives everything it
 * knows; this is the one place that decides what of it reaches the stored visit.
 * @module
 */
import type { Location } from '../ports.ts';

export const LOCATION_PRECISIONS = ['country', 'region', 'city'] as const;
export type LocationPrecision = (typeof LOCATION_PRECISIONS)[number];
export const DEFAULT_LOCATION_PRECISION: LocationPrecision = 'region';

export function isLocationPrecision(value: unknown): value is LocationPrecision {
  return (LOCATION_PRECISIONS as readonly unknown[]).includes(value);
}

/** What a visit stores of its location. */
export interface StoredLocation {
  country: string | null;
  region: string | null;
  regionName: string | null;
  city: string | null;
}

export const NO_LOCATION: StoredLocation = { country: null, region: null, regionName: null, city: null };

const COUNTRY = /^[A-Z]{2}$/;
/** ISO 3166-2: the country, a hyphen, one to three letters or digits. */
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const MAX_NAME = 100;

/** A name as stored: trimmed, without control characters, bounded; null when empty. */
function cleanName(value: string | null): string | null {
  const name = value?.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_NAME) ?? '';
  return name === '' ? null : name;
}

/**
 * The location a visit stores at `precision`: never more than it allows, and a region only
 * when its code is well-formed and inside the country (its name goes with it).
 */
export function storedLocation(found: Location | null, precision: LocationPrecision): StoredLocation {
  if (!found || !COUNTRY.test(found.country)) return NO_LOCATION;
  const country = found.country;
  if (precision === 'country') return { ...NO_LOCATION, country };
  const region = found.region !== null && REGION.test(found.region) && found.region.startsWith(`${country}-`) ? found.region : null;
  const regionName = region === null ? null : cleanName(found.regionName);
  const city = precision === 'city' ? cleanName(found.city) : null;
  return { country, region, regionName, city };
}
