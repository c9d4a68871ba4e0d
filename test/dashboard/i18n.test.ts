/**
 * The catalogues: bokmål and English have the same keys, no empty string, the same
 * `{placeholders}`, and no string is left in English in the bokmål file by mistake.
 */
import { describe, expect, it } from 'vitest';
import { admin as adminEn } from '../../dashboard/i18n/admin.en.ts';
import { admin as adminNb } from '../../dashboard/i18n/admin.nb.ts';
import { strings as baseEn } from '../../dashboard/i18n/base-en.ts';
import { strings as baseNb } from '../../dashboard/i18n/base-nb.ts';
import { common as commonEn } from '../../dashboard/i18n/common.en.ts';
import { common as commonNb } from '../../dashboard/i18n/common.nb.ts';
import { catalogue as english } from '../../dashboard/i18n/en.ts';
import { loadCatalogue } from '../../dashboard/i18n/index.ts';
import { catalogue as bokmal } from '../../dashboard/i18n/nb.ts';
import { strings as pagesEn } from '../../dashboard/i18n/pages-en.ts';
import { strings as pagesNb } from '../../dashboard/i18n/pages-nb.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dashboard catalogues', () => {
  const en = english as Record<string, string>;
  const nb = bokmal as Record<string, string>;

  it('load each language on its own, as the dashboard does, and the other pages’ strings with them', async () => {
    expect(await loadCatalogue('en')).toBe(baseEn);
    expect(await loadCatalogue('nb')).toBe(baseNb);
    // Every string is either loaded at start or brought by a page, never both.
    expect(Object.keys(baseEn).filter((key) => key in pagesEn)).toEqual([]);
    expect({ ...baseEn, ...pagesEn }).toEqual(english);
    expect({ ...baseNb, ...pagesNb }).toEqual(bokmal);
  });

  it('have the same keys in both languages', () => {
    expect(Object.keys(nb).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty or blank strings', () => {
    for (const [lang, catalogue] of Object.entries({ en, nb })) {
      for (const [key, text] of Object.entries(catalogue)) expect(text.trim(), `${lang} ${key}`).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(en)) expect(placeholders(nb[key] ?? ''), key).toEqual(placeholders(en[key]!));
  });

  it('translate every admin and common string (no English left in the bokmål files)', () => {
    const english: Record<string, string> = { ...commonEn, ...adminEn };
    const bokmal: Record<string, string> = { ...commonNb, ...adminNb };
    // Names and words that are spelt the same in both languages.
    const sameInBoth = new Set(['Format', 'Markdown', 'HTML']);
    expect(Object.keys(english).filter((key) => english[key] === bokmal[key] && !sameInBoth.has(english[key]!))).toEqual([]);
  });
});
