/**
 * Pure parts of the phone layout and the display names: which sides of a tab row hide tabs,
 * and a catalogue name for every channel and device the server can store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phone as english } from '../../dashboard/i18n/phone.en.ts';
import { phone as bokmal } from '../../dashboard/i18n/phone.nb.ts';
import { NAMED_PREFIX, nameKey } from '../../dashboard/site-view/names.ts';
import { hiddenSides } from '../../dashboard/site-view/scroll-cue.ts';

const keyOf = (prefix: string, value: string) => prefix + nameKey(value);

/** The string literals of a union type in a server source file (`type Channel = | 'Direct' | …;`). */
function unionMembers(file: string, type: string): string[] {
  const source = readFileSync(join(import.meta.dirname, '..', '..', file), 'utf8');
  const body = source.match(new RegExp(`type ${type} =([^;]+);`))?.[1] ?? '';
  return [...body.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe('phone and language', () => {
  it('says which sides of a scrolling row hide content', () => {
    expect(hiddenSides(0, 300, 300)).toBe('');
    expect(hiddenSides(0, 500, 300)).toBe('end');
    expect(hiddenSides(100, 500, 300)).toBe('both');
    expect(hiddenSides(200, 500, 300)).toBe('start');
    // Sub-pixel scroll positions at the ends count as the end.
    expect(hiddenSides(199.5, 500, 300)).toBe('start');
  });

  it('names every channel and device the server stores, in both languages; English keeps Plausible’s names', () => {
    const channels = unionMembers('server/core/ingest/referrer.ts', 'Channel');
    const devices = unionMembers('server/core/ingest/user-agent.ts', 'DeviceType');
    expect(channels.length).toBeGreaterThan(15);
    expect(devices).toEqual(expect.arrayContaining(['Desktop', 'Mobile', 'Tablet']));
    const en = english as Record<string, string>;
    const nb = bokmal as Record<string, string>;
    for (const [dimension, values] of [['visit:channel', channels], ['visit:device', devices], ['visit:source', ['Direct / None']]] as const) {
      const prefix = NAMED_PREFIX[dimension]!;
      for (const value of values) {
        expect(en[keyOf(prefix, value)], value).toBe(value);
        expect(nb[keyOf(prefix, value)], value).toBeTruthy();
      }
    }
  });
});
