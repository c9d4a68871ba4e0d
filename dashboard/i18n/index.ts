/**
 * The two catalogues, each merged from one file per area of the dashboard (en.ts, nb.ts).
 * Every key of the English catalogue must exist in the bokmål one and the other way round:
 * the types make a missing key a compile error, and test/dashboard/i18n.test.ts checks it at
 * run time (with no empty strings and the same {placeholders} in both languages).
 *
 * Each language is its own chunk of the build, loaded when it is needed: a reader downloads
 * only the strings they read.
 * @module
 */
import type { catalogue as English } from './en.ts';

export type Key = keyof typeof English;
export type Catalogue = Record<Key, string>;

export function loadCatalogue(lang: 'en' | 'nb'): Promise<Catalogue> {
  return lang === 'nb' ? import('./nb.ts').then((m) => m.catalogue) : import('./en.ts').then((m) => m.catalogue);
}
