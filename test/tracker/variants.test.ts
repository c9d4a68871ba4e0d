/** File names of the tracker: what each one carries, and the Plausible names in any order. */
import { describe, expect, it } from 'vitest';
import { canonicalScriptPath, flagsFor, scriptFiles } from '../../tracker/variants.mjs';

describe('tracker variants', () => {
  it('switches on what the name lists and carries the extras only where needed', () => {
    expect(flagsFor([])).toEqual({
      HASH_ON: false,
      MANUAL_ON: false,
      LOCAL_ON: false,
      EXTRAS_CODE: false,
      OUTBOUND_ON: false,
      DOWNLOADS_ON: false,
      TAGGED_ON: false,
    });
    expect(flagsFor(['hash', 'exclusions'])).toMatchObject({ HASH_ON: true, EXTRAS_CODE: false });
    expect(flagsFor(['outbound-links'])).toMatchObject({ OUTBOUND_ON: true, DOWNLOADS_ON: false, EXTRAS_CODE: true });
    expect(flagsFor(['extras'])).toMatchObject({ OUTBOUND_ON: false, DOWNLOADS_ON: false, TAGGED_ON: false, EXTRAS_CODE: true });
    expect(flagsFor(['pageview-props'])).toMatchObject({ EXTRAS_CODE: true });
  });

  it('gives every file a distinct name, whose canonical form is also a file', () => {
    const files = scriptFiles().map((f) => `/${f.file}`);
    const set = new Set(files);
    expect(set.size).toBe(files.length);
    for (const file of files) {
      const canonical = canonicalScriptPath(file);
      expect(canonical && set.has(canonical), `${file} -> ${canonical}`).toBe(true);
    }
  });

  it('maps other orders, aliases and no-op names to a file that exists', () => {
    const files = new Set(scriptFiles().map((f) => `/${f.file}`));
    const cases: Array<[string, string]> = [
      ['/js/script.tagged-events.outbound-links.hash.js', '/js/script.hash.outbound-links.tagged-events.js'],
      ['/js/analytics.js', '/js/script.js'],
      ['/js/plausible.compat.outbound-links.js', '/js/plausible.outbound-links.js'],
      ['/js/script.revenue.tagged-events.pageleave.js', '/js/script.tagged-events.js'],
      ['/script.hash.extras.js', '/script.extras.hash.js'],
      ['/script.extras.outbound-links.js', '/script.outbound-links.js'],
      ['/plausible.hash.js', '/script.hash.js'],
    ];
    for (const [asked, canonical] of cases) {
      expect(canonicalScriptPath(asked), asked).toBe(canonical);
      expect(files.has(canonical), canonical).toBe(true);
    }
  });

  it('refuses what is not a tracker script name', () => {
    for (const path of ['/script.evil.js', '/js/script.js.map', '/dashboard/app.js', '/js/../script.js', '/js/script..js']) {
      expect(canonicalScriptPath(path), path).toBeNull();
    }
  });
});
