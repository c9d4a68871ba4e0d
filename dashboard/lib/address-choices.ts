/**
 * What the page's address asks of the dashboard, read once when it starts: `embed=1` draws
 * the page without Teller's top bar (a shared link framed in wp-admin), `lang=nb|en` and
 * `theme=light|dark` win over the browser's and the remembered choice without being
 * remembered (the frame's host decides them on every load). Unknown values are ignored.
 * @module
 */

export interface AddressChoices {
  embed: boolean;
  lang: 'en' | 'nb' | null;
  theme: 'light' | 'dark' | null;
}

/** The choices `search` (a query string) makes; `nn`, `no` and `nb_NO` read as bokmål, `en_GB` as English. */
export function addressChoices(search: string): AddressChoices {
  const params = new URLSearchParams(search);
  const base = (params.get('lang') ?? '').toLowerCase().split(/[-_]/)[0];
  const theme = params.get('theme');
  return {
    embed: params.get('embed') === '1',
    lang: base === 'nb' || base === 'nn' || base === 'no' ? 'nb' : base === 'en' ? 'en' : null,
    theme: theme === 'light' || theme === 'dark' ? theme : null,
  };
}

/** The choices of the address the dashboard was loaded from. */
export const fromAddress: AddressChoices = addressChoices(typeof location === 'undefined' ? '' : location.search);

/**
 * `path?search` with the address's choices kept, so a period or filter picked inside a
 * framed view does not drop `embed`, `lang` or `theme` (a reload or a new tab would lose them).
 */
export function keepChoices(path: string, search: string, choices: AddressChoices = fromAddress): string {
  const params = new URLSearchParams(search);
  if (choices.embed) params.set('embed', '1');
  if (choices.lang) params.set('lang', choices.lang);
  if (choices.theme) params.set('theme', choices.theme);
  const query = `${params}`;
  return query ? `${path}?${query}` : path;
}
