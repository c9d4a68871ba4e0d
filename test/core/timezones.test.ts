/**
 * Timezone names are stored and listed by their current IANA name: the aliases browsers and
 * runtimes answer with (UTC, Asia/Calcutta, Europe/Kiev) map to one name each, and every
 * name the picker lists is one the runtime accepts and maps to itself.
 */
import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, canonicalTimeZones, UTC_ZONE } from '../../server/core/timezones.ts';
import { createSite, updateSite } from '../../server/core/sites.ts';
import { tempDb } from '../helpers/db.ts';

describe('canonicalTimeZone', () => {
  it('maps every alias of a zone to its current IANA name', () => {
    const cases: Array<[string, string]> = [
      ['UTC', UTC_ZONE], ['Etc/UTC', UTC_ZONE], ['etc/utc', UTC_ZONE], ['Etc/UCT', UTC_ZONE], ['GMT', UTC_ZONE], ['Etc/Universal', UTC_ZONE],
      ['Asia/Calcutta', 'Asia/Kolkata'], ['Asia/Kolkata', 'Asia/Kolkata'], ['Europe/Kiev', 'Europe/Kyiv'], ['Europe/Kyiv', 'Europe/Kyiv'],
      ['US/Eastern', 'America/New_York'], ['America/Godthab', 'America/Nuuk'], ['europe/oslo', 'Europe/Oslo'], ['Europe/Oslo', 'Europe/Oslo'],
    ];
    for (const [name, canonical] of cases) expect(canonicalTimeZone(name), name).toBe(canonical);
  });

  it('refuses what is no zone', () => {
    for (const name of ['', 'Mars/Olympus', 'constructor', '__proto__', '../etc/passwd', 'Europe/Oslo ']) expect(canonicalTimeZone(name), name).toBeNull();
  });

  it('lists each zone once by its current name, UTC as Etc/UTC, each accepted by the runtime', () => {
    const zones = canonicalTimeZones();
    expect(zones).toContain('Etc/UTC');
    expect(zones).toContain('Asia/Kolkata');
    expect(zones).toContain('Europe/Kyiv');
    for (const old of ['UTC', 'Asia/Calcutta', 'Europe/Kiev']) expect(zones).not.toContain(old);
    expect(new Set(zones).size).toBe(zones.length);
    for (const zone of zones) expect(canonicalTimeZone(zone), zone).toBe(zone);
  });

  it('is how sites store their timezone, from every entry point', async () => {
    const { db, cleanup } = tempDb();
    try {
      expect((await createSite(db, { domain: 'a.example' }, 0)).timezone).toBe('Etc/UTC');
      expect((await createSite(db, { domain: 'b.example', timezone: 'UTC' }, 0)).timezone).toBe('Etc/UTC');
      expect((await updateSite(db, 'a.example', { timezone: 'Asia/Calcutta' })).timezone).toBe('Asia/Kolkata');
      await expect(updateSite(db, 'a.example', { timezone: 'Mars/Olympus' })).rejects.toThrow('unknown timezone "Mars/Olympus"');
    } finally {
      cleanup();
    }
  });
});
