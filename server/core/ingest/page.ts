/**
 * What is kept of an address. Of a page URL: hostname, path (in hash mode with the
 * fragment's route) and the site's own search words. Of an address in a property value:
 * scheme, host, port and path. Never a query string, which can carry e-mail addresses and
 * tokens, nor the fragment's parameters or `;` path parameters (`;jsessionid=…`).
 * @module
 */
import { normalizeHostname } from '../sites.ts';
import { cleanWords, truncate } from './bound-text.ts';

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

/** A path up to its first `;`: what follows is parameters (Java's `;jsessionid=…`, Angular's matrix parameters). */
export function withoutPathParams(path: string): string {
  const end = path.indexOf(';');
  return end < 0 ? path : path.slice(0, end);
}

/**
 * The route a hash router reads from the fragment (`#/account/reset?token=…` gives
 * `#/account/reset`). A fragment has no standard syntax, so whatever reads as parameters
 * ends the route: `?` and `;`, and `&` or `=` too, as OAuth writes tokens there without a
 * `?` (`#access_token=…&state=…`).
 */
function fragmentRoute(hash: string): string {
  const route = hash.slice(1).replace(/[?&=;#][^]*$/, '');
  return route === '' ? '' : `#${route}`;
}

export function describePage(url: URL, hashMode: boolean, searchParams: readonly string[]): Page {
  let path = safeDecode(withoutPathParams(url.pathname)) || '/';
  if (hashMode) path += safeDecode(fragmentRoute(url.hash));
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

/** `scheme://` or `//`, then any `user:password@`, which is dropped with the query. */
const AUTHORITY = /^([a-z][a-z\d+.-]*:)?\/\/(?:[^/?#]*@)?/i;

/**
 * A property value written as an address (`https://…`, `//…` or a path from the root,
 * `/…`) without its query string, fragment, `;` parameters and credentials: the tracker
 * sends link addresses, and a site's own props may carry one. Other values are kept as
 * they are. The site-search words are read from the page address only, so no query
 * parameter is kept here either.
 */
export function addressWithoutQuery(value: string): string {
  const text = value.trim();
  const authority = AUTHORITY.exec(text);
  if (authority === null && !text.startsWith('/')) return value;
  const rest = text.slice(authority === null ? 0 : authority[0].length).replace(/[;?#][^]*$/, '');
  return (authority === null ? '' : `${authority[1] ?? ''}//`) + rest;
}
