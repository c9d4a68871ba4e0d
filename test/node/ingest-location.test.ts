/**
 * The pipeline puts the location on the processed event as precisely as the site keeps it,
 * looked up on the full address (the stored one is truncated), or taken from the edge.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessedEvent } from '../../server/core/ingest/event.ts';
import { createIngest } from '../../server/core/ingest/ingest.ts';
import type { Location } from '../../server/core/ports.ts';
import { createSite, updateSite } from '../../server/core/sites.ts';
import { FIREFOX_WINDOWS } from '../helpers/server.ts';
import { tempDb } from '../helpers/db.ts';

const OSLO: Location = { country: 'NO', region: 'NO-03', regionName: 'Oslo', city: 'Oslo' };

describe('location on the processed event', () => {
  let temp: ReturnType<typeof tempDb>;
  let written: ProcessedEvent[];
  let looked: string[];
  beforeEach(async () => {
    temp = tempDb();
    written = [];
    looked = [];
    for (const [domain, locationPrecision] of [['country.example', 'country'], ['region.example', 'region'], ['city.example', 'city']] as const) {
      await createSite(temp.db, { domain }, Date.now());
      await updateSite(temp.db, domain, { locationPrecision });
    }
  });
  afterEach(() => temp.cleanup());

  const ingest = (edge?: Location | null) => {
    const run = createIngest({
      db: temp.db,
      writer: { write: async (event) => void written.push(event), close: async () => {} },
      location: (ip) => (looked.push(ip), OSLO),
      config: { trustProxy: 0, ipStorage: 'truncated', eventRateLimit: 0 },
    });
    return (domain: string, ip = '84.208.20.110', userAgent = FIREFOX_WINDOWS) =>
      run({
        body: JSON.stringify({ n: 'pageview', u: `https://${domain}/`, d: domain }),
        contentType: 'application/json',
        remoteAddress: ip,
        forwardedFor: null,
        headers: { 'user-agent': userAgent },
        receivedAt: Date.now(),
        ...(edge === undefined ? {} : { edgeLocation: edge }),
      });
  };
  const place = (e: ProcessedEvent) => [e.visit.country, e.visit.region, e.visit.regionName, e.visit.city];

  it('keeps country, region or city as each site chose, looked up on the full address', async () => {
    const send = ingest();
    for (const domain of ['country.example', 'region.example', 'city.example']) expect((await send(domain)).status).toBe(202);
    expect(written.map(place)).toEqual([
      ['NO', null, null, null],
      ['NO', 'NO-03', 'Oslo', null],
      ['NO', 'NO-03', 'Oslo', 'Oslo'],
    ]);
    expect(looked).toEqual(['84.208.20.110', '84.208.20.110', '84.208.20.110']);
    expect(written.map((e) => e.visit.ip)).toEqual(['84.208.20.0', '84.208.20.0', '84.208.20.0']);
  });

  it('takes the edge location when the runtime gives one, and looks nothing up', async () => {
    const send = ingest({ country: 'SE', region: 'SE-AB', regionName: 'Stockholm', city: 'Stockholm' });
    await send('region.example');
    await send('city.example');
    expect(written.map(place)).toEqual([
      ['SE', 'SE-AB', 'Stockholm', null],
      ['SE', 'SE-AB', 'Stockholm', 'Stockholm'],
    ]);
    expect(looked).toEqual([]);
  });

  it('looks a visitor up once: a later event of the same visitor has the location of the first', async () => {
    const send = ingest();
    await send('city.example');
    await send('city.example');
    await send('city.example', '84.208.20.111');
    await send('city.example', '84.208.20.110', `${FIREFOX_WINDOWS} other`);
    await send('country.example');
    await send('country.example');
    expect(looked).toEqual(['84.208.20.110', '84.208.20.111', '84.208.20.110', '84.208.20.110']);
    expect(new Set(written.map((e) => e.visitor)).size).toBe(4);
    expect(written.map(place)).toEqual([
      ...Array<string[]>(4).fill(['NO', 'NO-03', 'Oslo', 'Oslo']),
      ['NO', null, null, null],
      ['NO', null, null, null],
    ]);
  });

  it('looks up no private address', async () => {
    await ingest()('city.example', '10.0.0.7');
    expect(written.map(place)).toEqual([[null, null, null, null]]);
    expect(looked).toEqual([]);
  });
});
