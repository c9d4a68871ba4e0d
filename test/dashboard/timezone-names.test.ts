/**
 * The timezone picker's canonical names: no old name survives canonicalisation of the zones
 * this runtime's Intl lists (the same CLDR ids as Chromium's), and every name the picker
 * offers is one Intl accepts, so the server's check accepts it too.
 */
import { describe, expect, it } from 'vitest';
import { TIMEZONE_ALIASES, canonicalTimeZone, canonicalTimeZones } from '../../server/core/timezones.ts';

const accepted = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

describe('canonical timezone names', () => {
  it('maps the old names Intl lists to current ones, and leaves current names alone', () => {
    expect(canonicalTimeZone('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('Europe/Kiev')).toBe('Europe/Kyiv');
    expect(canonicalTimeZone('UTC')).toBe('Etc/UTC');
    expect(canonicalTimeZone('Europe/Oslo')).toBe('Europe/Oslo');
  });

  it('offers every zone Intl knows by a current name only, Etc/UTC included, each accepted by Intl', () => {
    const listed = Intl.supportedValuesOf('timeZone');
    const offered = canonicalTimeZones();
    expect(offered.filter((zone) => zone in TIMEZONE_ALIASES)).toEqual([]);
    expect(offered).toContain('Etc/UTC');
    expect(offered).toEqual([...offered].sort());
    expect(new Set(offered).size).toBe(offered.length);
    expect(offered.filter((zone) => !accepted(zone))).toEqual([]);
    // Every listed zone is still offered, under its current name.
    expect(listed.map(canonicalTimeZone).filter((zone) => zone === null || !offered.includes(zone))).toEqual([]);
  });
});
