/**
 * A country's flag as a small image (flag-icons, MIT, copied to `/flags/<code>.svg` by the
 * build): emoji flags are drawn as two grey letters on Windows, an image is the same
 * everywhere. The image is decorative, as the country's name always stands beside it.
 * @module
 */
import { h } from '../lib/dom.ts';

/** flag-icons' neutral flag (a crossed box), for no country or one without an image. */
const PLACEHOLDER = '/flags/xx.svg';

let regions: Intl.DisplayNames | undefined;

/**
 * The image's file. flag-icons has one for every region Intl names but a few retired or
 * made-up codes no lookup gives (test/dashboard/flags.test.ts); a code Intl does not name
 * (`(not set)`, one typed into a filter by hand) gets the placeholder without a request that
 * would fail.
 */
export function flagPath(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return PLACEHOLDER;
  regions ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  return regions.of(code.toUpperCase()) ? `/flags/${code.toLowerCase()}.svg` : PLACEHOLDER;
}

/** A 16×12 flag to put before a country's name; the placeholder if its file is missing after all. */
export function flagImage(code: string): HTMLImageElement {
  const img = h('img', { class: 'flag', src: flagPath(code), width: 16, height: 12, alt: '', loading: 'lazy', decoding: 'async' });
  img.addEventListener('error', () => img.setAttribute('src', PLACEHOLDER), { once: true });
  return img;
}
