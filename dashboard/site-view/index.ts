/**
 * Placeholder until the site view lands: the interface main.ts routes to, drawing only the
 * site's name. Replaced whole by the site view's own module.
 * @module
 */
import { h, replace } from '../lib/dom.ts';

export interface SiteViewContext {
  site: { domain: string; timezone: string };
  /** Domains the user may read, for the site picker (just this one for a shared link). */
  sites: string[];
  mode: 'owner' | 'viewer' | 'shared';
  /** Whether the recent-visits log may be shown (always for owner/viewer; the link's setting when shared). */
  showVisits: boolean;
  /** `/sites/<domain>` or `/share/<token>`: the view's state lives in this path's query string. */
  basePath: string;
}

/** Draws the site view into root; returns a function that stops its timers and listeners. */
export function renderSiteView(root: HTMLElement, ctx: SiteViewContext): () => void {
  replace(root, h('h1', { class: 'site-view-title' }, ctx.site.domain));
  return () => {};
}
