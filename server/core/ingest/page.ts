/**
 * What is kept of a page URL: hostname, path (plus fragment in hash mode) and the site's
 * own search words. Never the query string, which can carry e-mail addresses and tokens.
 * @module
 */
import { normalizeHostname } from '../sites.ts';
import { cleanWords, truncate } from './text.ts';

export const MAX_PATH_LENGTH = 2000;
const MAX_SEARCH_LENGTH = 300;

export interface Page {
  hostname: string;
  path: string;
  siteSearch: string | null;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}


export function describePage(url: URL, hashMode: boolean, searchParams: readonly string[]): Page {
  let path = safeDecode(url.pathname) || '/';
  if (hashMode && url.hash.length > 1) path += safeDecode(url.hash);
  if (path.length > 1 && path.endsWith('/') && !hashMode) path = path.replace(/\/+$/, '') || '/';
  let siteSearch: string | null = null;
  // Reading searchParams parses the query; most page URLs have none.
  for (const param of url.search === '' ? [] : searchParams) {
    const value = url.searchParams.get(param);
    if (value !== null) {
      siteSearch = cleanWords(value, MAX_SEARCH_LENGTH);
      if (siteSearch) break;
    }
  }
  return { hostname: normalizeHostname(url.hostname), path: truncate(path, MAX_PATH_LENGTH), siteSearch };
}
