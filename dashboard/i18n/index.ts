/**
 * The two catalogues, each merged from one file per area of the dashboard (en.ts, nb.ts).
 * Every key of the English catalogue must exist in the bokmål one and the other way round:
 * the types make a missing key a compile error, and test/dashboard/i18n.test.ts checks it at
 * run time (with no empty strings and the same {placeholders} in both languages).
 *
 * The strings every page may show are a chunk per language, loaded when needed: a reader
 * downloads only the strings they read. The other pages' strings (pages-en.ts, pages-nb.ts)
 * come with those pages' code.
 * @module
 */
import type { catalogue as English } from './en.ts';

export type Key = keyof typeof English;
export type Catalogue = Record<Key, string>;

/** The strings every page may show, in `lang`. */
export function loadCatalogue(lang: 'en' | 'nb'): Promise<Partial<Catalogue>> {
  return lang === 'nb' ? import('./base-nb.ts').then((m) => m.strings) : import('./base-en.ts').then((m) => m.strings);
}
