/**
 * Reading the visitor's location from `request.cf` as Cloudflare's edge sets it. The path
 * through real workerd, from `cf` to the pipeline, is in worker.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cfLocation } from '../../server/workers/request.ts';

const withCf = (cf: Record<string, unknown> | undefined) => Object.assign(new Request('https://teller.example/api/event'), cf ? { cf } : {}) as Request;

describe('cfLocation', () => {
  it('joins the country and regionCode into the ISO 3166-2 code, with the region name and city', () => {
    expect(cfLocation(withCf({ country: 'NO', regionCode: '03', region: 'Oslo', city: 'Oslo' }))).toEqual({ country: 'NO', region: 'NO-03', regionName: 'Oslo', city: 'Oslo' });
    expect(cfLocation(withCf({ country: 'us', regionCode: 'tx', region: 'Texas', city: 'Austin' }))).toEqual({ country: 'US', region: 'US-TX', regionName: 'Texas', city: 'Austin' });
  });

  it('gives no region (nor its name) when regionCode is missing or malformed, and keeps the city', () => {
    for (const regionCode of [undefined, '', 'NO-03', 'ABCD', 3, ' ']) {
      expect(cfLocation(withCf({ country: 'NO', regionCode, region: 'Oslo', city: 'Oslo' }))).toEqual({ country: 'NO', region: null, regionName: null, city: 'Oslo' });
    }
  });

  it('gives null without a country: no cf, XX, T1, or not a code', () => {
    for (const cf of [undefined, {}, { country: 'XX', regionCode: '03' }, { country: 'T1' }, { country: 'NOR' }, { country: 7 }]) expect(cfLocation(withCf(cf))).toBeNull();
  });
});
