import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEventPayload } from '../../server/core/ingest/payload.ts';
import { cleanWords, truncate } from '../../server/core/ingest/bound-text.ts';

describe('truncate', () => {
  it('keeps a prefix within the bound that never ends in half a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer({ min: 1, max: 50 }), (text, max) => {
        const cut = truncate(text, max);
        expect(text.startsWith(cut)).toBe(true);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(cut.length).toBeGreaterThanOrEqual(Math.min(text.length, max) - 1);
        const last = cut.charCodeAt(cut.length - 1);
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      }),
    );
  });

  it('cuts stored prop values without splitting an emoji', () => {
    const parsed = parseEventPayload(JSON.stringify({ n: 'Signup', u: 'https://example.com/', p: { note: `${'a'.repeat(1999)}😀` } }), 'text/plain');
    expect(parsed.ok && parsed.payload.props).toEqual([['note', 'a'.repeat(1999)]]);
  });
});

describe('cleanWords', () => {
  it('collapses whitespace, trims, bounds, and gives null for nothing', () => {
    expect(cleanWords('  red \n\t shoes ', 100)).toBe('red shoes');
    expect(cleanWords('   ', 100)).toBeNull();
    expect(cleanWords(null, 100)).toBeNull();
    expect(cleanWords('abcdef', 3)).toBe('abc');
  });
});
