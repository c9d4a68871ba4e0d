import { describe, expect, it } from 'vitest';
import { addressChoices } from '../../dashboard/lib/address-choices.ts';

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
});
