/**
 * The dashboard's files a page names in `<link rel="modulepreload">`, so that a cold load asks
 * for them all with the entry instead of in waves (the entry's own chunks once app.js has
 * arrived, the page's and the strings' once it has run). dashboard/build.mjs writes the list
 * (PRELOAD_FILE) from esbuild's metafile; Node reads it from disk at start, Workers through
 * its static assets on the first page an isolate answers. A runtime that has none names
 * nothing, and the dashboard loads as before.
 * @module
 */
import type { SessionState } from './contract.ts';

/** Where dashboard/build.mjs writes the list, inside the public directory. */
export const PRELOAD_FILE = 'dashboard/preload.json';

export type DashboardLang = 'en' | 'nb';

/** File names inside /dashboard/. */
export interface DashboardPreload {
  /** The chunks app.js imports statically. */
  initial: string[];
  /** Each page's module (relative to dashboard/) → its chunks. */
  pages: Record<string, string[]>;
  /** Each language's strings, with the chunks they import. */
  languages: Partial<Record<DashboardLang, string[]>>;
}

/** The list, when `value` (the parsed file) has its shape; a page never names a file from anything else. */
export function asDashboardPreload(value: unknown): DashboardPreload | undefined {
  const files = (v: unknown): v is string[] => Array.isArray(v) && v.every((f) => typeof f === 'string' && /^[\w.-]+$/.test(f));
  const record = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!record(value) || !files(value.initial) || !record(value.pages) || !record(value.languages)) return undefined;
  if (!Object.values(value.pages).every(files) || !Object.values(value.languages).every(files)) return undefined;
  return value as unknown as DashboardPreload;
}

/** The dashboard's language for a BCP 47 tag, or null: the dashboard reads navigator.languages the same way. */
export function langOfTag(tag: string): DashboardLang | null {
  const base = tag.toLowerCase().split('-')[0];
  if (base === 'nb' || base === 'nn' || base === 'no') return 'nb';
  return base === 'en' ? 'en' : null;
}

/** The language a first visit reads in: `?lang=`, else Accept-Language's first known tag (by q), else English. */
function langOf(search: URLSearchParams, acceptLanguage: string | undefined): DashboardLang {
  const asked = search.get('lang');
  if (asked === 'en' || asked === 'nb') return asked;
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    const lang = langOfTag(tag);
    if (lang) return lang;
  }
  return 'en';
}

/** The site view's module, for the paths that draw it: the one page whose load is timed to the millisecond. */
function pageOf(pathname: string, state: SessionState): string | null {
  const parts = pathname.split('/').filter(Boolean);
  const siteView = (parts[0] === 'sites' && parts.length === 2 && state.state === 'in') || (parts[0] === 'share' && parts.length === 2 && state.state === 'shared');
  return siteView ? 'site-view/index.ts' : null;
}

/** The absolute paths a page at `url` names for preloading: the entry's chunks, the site view's, and the likely language's strings. */
export function preloadPaths(preload: DashboardPreload | undefined, url: URL, state: SessionState, acceptLanguage: string | undefined): string[] {
  if (!preload) return [];
  const page = pageOf(url.pathname, state);
  const files = [...preload.initial, ...(page ? (preload.pages[page] ?? []) : []), ...(preload.languages[langOf(url.searchParams, acceptLanguage)] ?? [])];
  return [...new Set(files)].map((file) => `/dashboard/${file}`);
}
