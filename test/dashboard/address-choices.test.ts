import { describe, expect, it } from 'vitest';
import { addressChoices, keepChoices } from '../../dashboard/lib/address-choices.ts';

describe('addressChoices', () => {
  it('reads embed, a language and a theme from the query string', () => {
    expect(addressChoices('?embed=1&lang=nb&theme=dark')).toEqual({ embed: true, lang: 'nb', theme: 'dark' });
    expect(addressChoices('lang=en&theme=light')).toEqual({ embed: false, lang: 'en', theme: 'light' });
  });

  it('reads WordPress locales and Norwegian variants as bokmål or English', () => {
    expect(addressChoices('?lang=nb_NO').lang).toBe('nb');
    expect(addressChoices('?lang=nn-NO').lang).toBe('nb');
    expect(addressChoices('?lang=no').lang).toBe('nb');
    expect(addressChoices('?lang=en_GB').lang).toBe('en');
  });

  it('ignores what it does not know', () => {
    expect(addressChoices('?embed=yes&lang=de&theme=sepia')).toEqual({ embed: false, lang: null, theme: null });
    expect(addressChoices('')).toEqual({ embed: false, lang: null, theme: null });
  });

  it('keeps the choices in an address the app writes, once each, after the view\'s own state', () => {
    const framed = addressChoices('?embed=1&lang=nb_NO&theme=dark');
    expect(keepChoices('/share/abc', 'period=7d', framed)).toBe('/share/abc?period=7d&embed=1&lang=nb&theme=dark');
    expect(keepChoices('/share/abc', 'period=7d&embed=1&lang=nb&theme=dark', framed)).toBe('/share/abc?period=7d&embed=1&lang=nb&theme=dark');
    expect(keepChoices('/share/abc', '', framed)).toBe('/share/abc?embed=1&lang=nb&theme=dark');
    expect(keepChoices('/sites/a.example', '', addressChoices(''))).toBe('/sites/a.example');
  });
});
