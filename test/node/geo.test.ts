/**
 * The Node lookup on geoip-lite's data: the country from its country files as before, region
 * and city read from its city files on disk. The addresses are public ones whose place the
 * bundled data names (University of Oslo, Telenor Norway, a British ISP, Google's DNS).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleAddresses } from '../../bench/geo-addresses.ts';
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
    // A site keeping the country only: region and city are not looked up.
    expect(lookup('129.240.118.130', false)).toEqual({ country: 'NO', region: null, regionName: null, city: null });
  });

  it('gives the country alone once the city files are closed, and opens them again for a new lookup', () => {
    const before = geoipLocationLookup();
    closeGeoFiles();
    expect(before('129.240.118.130')).toEqual({ country: 'NO', region: null, regionName: null, city: null });
    expect(geoipLocationLookup()('129.240.118.130')).toEqual({ country: 'NO', region: 'NO-03', regionName: 'Oslo', city: 'Oslo' });
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

  it('reads from disk what geoip-lite’s own in-memory loader finds, address for address', () => {
    const addresses = sampleAddresses(5000);
    // geoip-lite with its city data in memory, in a process of its own (one copy of the module per process).
    const script = "const g = require('geoip-lite'); const ips = JSON.parse(require('fs').readFileSync(0, 'utf8')); console.log(JSON.stringify(ips.map((ip) => { const r = g.lookup(ip); return r && [r.country, r.region, r.city]; })));";
    const theirs = JSON.parse(execFileSync(process.execPath, ['-e', script], { input: JSON.stringify(addresses), encoding: 'utf8', maxBuffer: 2 ** 26 })) as Array<[string, string, string] | null>;
    let compared = 0;
    addresses.forEach((ip, i) => {
      const mine = lookup(ip);
      const their = theirs[i];
      // The country comes from the country files, which can differ from the city files' place.
      if (mine === null || !their || their[0] !== mine.country) return;
      compared++;
      expect([ip, mine.region, mine.city]).toEqual([ip, their[1] ? `${their[0]}-${their[1]}` : null, their[2] || null]);
    });
    expect(compared).toBeGreaterThan(3000);
  });
});
