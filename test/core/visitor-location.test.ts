/**
 * Locations remembered by visitor hash: one lookup per visitor and precision, the answer
 * (even "nowhere") given back as looked up, and no more than two generations held.
 */
import { describe, expect, it } from 'vitest';
import type { Location } from '../../server/core/ports.ts';
import { rememberedLocations } from '../../server/core/ingest/visitor-location.ts';

const OSLO: Location = { country: 'NO', region: 'NO-03', regionName: 'Oslo', city: 'Oslo' };

function counted(answer: (ip: string) => Location | null) {
  const looked: Array<[string, boolean | undefined]> = [];
  return { looked, lookup: (ip: string, belowCountry?: boolean) => (looked.push([ip, belowCountry]), answer(ip)) };
}

describe('rememberedLocations', () => {
  it('looks each visitor up once per precision and answers as the lookup did', () => {
    const { looked, lookup } = counted((ip) => (ip === '84.208.20.110' ? OSLO : null));
    const locate = rememberedLocations(lookup);
    expect(locate(7, '84.208.20.110', true)).toBe(OSLO);
    expect(locate(7, '84.208.20.110', true)).toBe(OSLO);
    expect(locate(7, '84.208.20.110', false)).toBe(OSLO);
    expect(locate(0, '203.0.113.9', true)).toBeNull();
    expect(locate(0, '203.0.113.9', true)).toBeNull();
    expect(locate(2 ** 53 - 1, '84.208.20.110', false)).toBe(OSLO);
    expect(locate(2 ** 53 - 1, '84.208.20.110', false)).toBe(OSLO);
    expect(looked).toEqual([['84.208.20.110', true], ['84.208.20.110', false], ['203.0.113.9', true], ['84.208.20.110', false]]);
  });

  it('keeps the visitors of the current and the previous generation, and forgets older ones', () => {
    const { looked, lookup } = counted(() => OSLO);
    const locate = rememberedLocations(lookup, 2);
    const ip = (visitor: number) => `84.208.20.${visitor}`;
    for (const visitor of [1, 2, 3, 4, 5, 6]) locate(visitor, ip(visitor), true);
    // 5 and 6 are the current generation, 3 and 4 the previous one; 1 and 2 are forgotten.
    for (const visitor of [6, 5, 4, 1]) locate(visitor, ip(visitor), true);
    expect(looked.map(([address]) => address)).toEqual([1, 2, 3, 4, 5, 6, 1].map(ip));
  });
});
