/**
 * The site's location precision: what a visit keeps of what the lookup or the edge found.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCATION_PRECISIONS, type LocationPrecision, NO_LOCATION, storedLocation } from '../../server/core/ingest/location.ts';
import type { Location } from '../../server/core/ports.ts';

const OSLO: Location = { country: 'NO', region: 'NO-03', regionName: 'Oslo', city: 'Oslo' };

describe('storedLocation', () => {
  it('keeps the country only, the region too, or everything', () => {
    expect(storedLocation(OSLO, 'country')).toEqual({ country: 'NO', region: null, regionName: null, city: null });
    expect(storedLocation(OSLO, 'region')).toEqual({ country: 'NO', region: 'NO-03', regionName: 'Oslo', city: null });
    expect(storedLocation(OSLO, 'city')).toEqual(OSLO);
  });

  it('keeps nothing without a well-formed country', () => {
    expect(storedLocation(null, 'city')).toEqual(NO_LOCATION);
    for (const country of ['', 'no', 'NOR', 'N0']) expect(storedLocation({ ...OSLO, country }, 'city')).toEqual(NO_LOCATION);
  });

  it('drops a region that is malformed or in another country, and its name with it', () => {
    for (const region of ['03', 'NO03', 'NO-', 'NO-ABCD', 'SE-AB', 'no-03', 'NO-0 3']) {
      expect(storedLocation({ ...OSLO, region }, 'region')).toEqual({ country: 'NO', region: null, regionName: null, city: null });
    }
    expect(storedLocation({ ...OSLO, region: 'GB-ENG', country: 'GB', regionName: 'England' }, 'region').region).toBe('GB-ENG');
  });

  it('cleans names: control characters out, trimmed, bounded, empty is none', () => {
    const found = { ...OSLO, regionName: ' Os\u0000lo\n ', city: `${'x'.repeat(150)}` };
    expect(storedLocation(found, 'city')).toEqual({ country: 'NO', region: 'NO-03', regionName: 'Oslo', city: 'x'.repeat(100) });
    expect(storedLocation({ ...OSLO, city: '  ', regionName: '' }, 'city')).toEqual({ country: 'NO', region: 'NO-03', regionName: null, city: null });
  });

  it('never stores more than the precision allows, whatever the lookup gives', () => {
    const text = fc.option(fc.string({ maxLength: 120 }), { nil: null });
    const location = fc.record({
      country: fc.oneof(fc.constantFrom('NO', 'SE', 'GB'), fc.string({ maxLength: 3 })),
      region: fc.oneof(text, fc.constantFrom('NO-03', 'NO-46', 'SE-AB', 'GB-ENG')),
      regionName: text,
      city: text,
    });
    const rank: Record<LocationPrecision, number> = { country: 0, region: 1, city: 2 };
    fc.assert(
      fc.property(fc.option(location, { nil: null }), fc.constantFrom(...LOCATION_PRECISIONS), (found, precision) => {
        const kept = storedLocation(found, precision);
        if (kept.country === null) {
          expect(kept).toEqual(NO_LOCATION);
          return;
        }
        expect(kept.country).toBe(found!.country);
        if (rank[precision] < 1) expect([kept.region, kept.regionName]).toEqual([null, null]);
        if (rank[precision] < 2) expect(kept.city).toBeNull();
        if (kept.region !== null) expect(kept.region.startsWith(`${kept.country}-`)).toBe(true);
        if (kept.region === null) expect(kept.regionName).toBeNull();
        for (const name of [kept.regionName, kept.city]) {
          if (name !== null) expect(name.length <= 100 && name.trim() === name && !/[\u0000-\u001f]/.test(name)).toBe(true);
        }
      }),
    );
  });
});
