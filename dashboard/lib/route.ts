/**
 * Which page a URL names. The shell is served for /, /setup, /account, /users, /sites/* and
 * /share/*; the add-site flow lives at `/?add` so it needs no path of its own.
 * @module
 */

export type Route =
  | { name: 'sites' }
  | { name: 'add-site' }
  | { name: 'users' }
  | { name: 'account' }
  /** The first-run address the start banner prints; once an owner exists it shows the site list. */
  | { name: 'setup'; code: string }
  | { name: 'site'; domain: string }
  | { name: 'settings'; domain: string }
  | { name: 'funnels'; domain: string }
  /** `funnels`: the shared link's Funnels page (`/share/<token>/funnels`), else its site view. */
  | { name: 'share'; token: string; funnels?: boolean }
  | { name: 'not-found' };

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function routeOf(pathname: string, search: string): Route {
  if (pathname === '/' || pathname === '') return new URLSearchParams(search).has('add') ? { name: 'add-site' } : { name: 'sites' };
  if (pathname === '/users' || pathname === '/users/') return { name: 'users' };
  if (pathname === '/account' || pathname === '/account/') return { name: 'account' };
  if (pathname === '/setup' || pathname === '/setup/') return { name: 'setup', code: new URLSearchParams(search).get('code') ?? '' };
  const parts = pathname.split('/').filter(Boolean);
  const value = parts[1] === undefined ? null : decode(parts[1]);
  if (parts[0] === 'share' && parts.length === 2 && value) return { name: 'share', token: value };
  if (parts[0] === 'share' && parts.length === 3 && parts[2] === 'funnels' && value) return { name: 'share', token: value, funnels: true };
  if (parts[0] === 'sites' && value) {
    if (parts.length === 2) return { name: 'site', domain: value };
    if (parts.length === 3 && parts[2] === 'settings') return { name: 'settings', domain: value };
    if (parts.length === 3 && parts[2] === 'funnels') return { name: 'funnels', domain: value };
  }
  return { name: 'not-found' };
}

/** The settings page of a site. */
export const settingsHref = (domain: string) => `/sites/${encodeURIComponent(domain)}/settings`;
export const siteHref = (domain: string) => `/sites/${encodeURIComponent(domain)}`;
/** The Funnels page of a site. */
export const funnelsHref = (domain: string) => `/sites/${encodeURIComponent(domain)}/funnels`;
/** A shared link's site view (its Funnels page is this and `/funnels`). */
export const shareHref = (token: string) => `/share/${encodeURIComponent(token)}`;
