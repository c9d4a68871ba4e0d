/**
 * Imported by every page but the site view: their strings, in both languages, come with
 * their code. A cold load of the site view (the heaviest page, with uPlot) then fetches only
 * the strings every page may show; another page brings a few KB of the other language too,
 * but needs no request of its own for them.
 * @module
 */
import { strings as en } from '../i18n/pages-en.ts';
import { strings as nb } from '../i18n/pages-nb.ts';
import { addStrings } from './i18n.ts';

addStrings({ en, nb });
