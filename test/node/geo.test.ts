/**
 * The Node lookup on geoip-lite's data: the country from its country files as before, region
 * and city read from its city files on disk. The addresses are public ones whose place the
 * bundled data names (University of Oslo, Telenor Norway, a British ISP, Google's DNS).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeGeoFiles, geoipLocationLookup } from '../../server/node/geo.ts';

const lookup = geoipLocationLookup();
afterAll(closeGeoFiles);

describe('geoipLocationLookup', () => {
  it('gives country, ISO 3166-2 region, its name and the city for IPv4 and IPv6', () => {
    const oslo = { country: 'NO', region: 'NO-03', regionName: 'Oslo', city: 'Oslo' };
    expect(lookup('129.240.118.130')).toEqual(oslo);
    expect(lookup('84.208.0.1')).toEqual(oslo);
    expect(lookup('2001:700:100::1')).toEqual(oslo);
    expect(lookup('81.2.69.142')).toEqual({ country: 'GB', region: 'GB-ENG', regionName: 'England', city: 'St Albans' });
  });

  it('gives the country alone where the data names no region or city', () => {
    expect(lookup('8.8.8.8')).toEqual({ country: 'US', region: null, regionName: null, city: null });
  });

  it('gives null for addresses without a country: private, reserved, malformed', () => {
    for (const ip of ['10.1.2.3', '192.168.0.1', '0.0.0.1', '::1', 'not an address']) expect(lookup(ip)).toBeNull();
  });

  it('answers every address with the shapes the port promises', () => {
    for (let i = 0; i < 2000; i++) {
      const ip = [(i * 97) % 223 + 1, (i * 31) % 256, (i * 7) % 256, i % 256].join('.');
      const found = lookup(ip);
      if (found === null) continue;
      expect(found.country).toMatch(/^[A-Z]{2}$/);
      if (found.region !== null) expect(found.region).toMatch(new RegExp(`^${found.country}-[A-Z0-9]{1,3}$`));
      if (found.regionName !== null) expect(found.region).not.toBeNull();
      if (found.city !== null) expect(found.city).not.toBe('');
    }
  });
});
