/**
 * The two catalogues, each merged from one file per area of the dashboard. Every key of the
 * English catalogues must exist in the bokmål ones and the other way round: the type below
 * makes a missing key a compile error, and test/dashboard/i18n.test.ts checks it at run time
 * (with no empty strings and the same {placeholders} in both languages).
 * @module
 */
import { common as commonEn } from './common.en.ts';
import { common as commonNb } from './common.nb.ts';
import { admin as adminEn } from './admin.en.ts';
import { admin as adminNb } from './admin.nb.ts';
import { siteView as siteViewEn } from './site-view.en.ts';
import { siteView as siteViewNb } from './site-view.nb.ts';

const en = { ...commonEn, ...adminEn, ...siteViewEn };
export type Key = keyof typeof en;
const nb: Record<Key, string> = { ...commonNb, ...adminNb, ...siteViewNb };

export const catalogues: Record<'en' | 'nb', Record<Key, string>> = { en, nb };
