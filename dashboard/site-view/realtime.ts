/**
 * What the site view needs of the realtime view (`?period=realtime`) before it is opened:
 * its address, the header's current-visitors label (a link to it) and in-place links; the
 * view itself loads when opened (realtime-view.ts). Also the "Today" view's own refresh
 * (keepTodayFresh).
 * @module
 */
import { keepChoices } from '../lib/address-choices.ts';
import { h } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { refreshCached } from './cache.ts';
import { lastMinutes, REALTIME_REFRESH_MS, TODAY_REFRESH_MS } from './realtime-times.ts';
import { panelError, rowsTable, skeleton } from './rows.ts';
import { SHORTCUTS, isShortcut, shortcutKey } from './shortcuts.ts';
import { REALTIME_PERIOD, defaultState, serializeView } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { SiteViewContext } from './view.ts';

/** Moves to `href` in place: the site view draws again from the URL on popstate. */
export function goTo(href: string): void {
  history.pushState(null, '', href);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** A link the site view follows itself (the router's links redraw the whole page); other clicks are the browser's. */
export function inPlaceLink(href: string, attrs: Record<string, string>, ...children: Array<Node | string>): HTMLAnchorElement {
  const a = h('a', { ...attrs, href }, ...children);
  a.addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    goTo(href);
  });
  return a;
}

export const realtimeHref = (ctx: SiteViewContext) => keepChoices(ctx.basePath, `period=${REALTIME_PERIOD}`);

/** The header's "3 current visitors": a link to the realtime view (filled in by the realtime count). */
export function realtimeLabel(ctx: SiteViewContext): HTMLAnchorElement {
  const label = inPlaceLink(realtimeHref(ctx), { class: 'sv-realtime', 'aria-live': 'polite', title: t('rt.open') });
  label.hidden = true;
  return label;
}

/** The realtime view's keys: a range's letter opens the site view on that range, Escape goes back to its default. */
function realtimeKeys(ctx: SiteViewContext): (event: KeyboardEvent) => void {
  return (event) => {
    if (!isShortcut(event)) return;
    const key = shortcutKey(event);
    const period = SHORTCUTS[key];
    if (!period && key !== 'Escape') return;
    event.preventDefault();
    const search = period ? serializeView({ ...defaultState(), period }) : '';
    goTo(keepChoices(ctx.basePath, search));
  };
}

/**
 * What the realtime view (realtime-view.ts, loaded when opened) takes from the site view's
 * code: handed over rather than imported, so the modules it shares with the site view stay in
 * the site view's chunks instead of being split into chunks of their own, which would cost
 * bytes on every cold load.
 */
export const realtimeParts = { inPlaceLink, realtimeKeys, panelError, rowsTable, skeleton, lastMinutes, REALTIME_REFRESH_MS };
export type RealtimeParts = typeof realtimeParts;

/** True while the reader is in the middle of something a redraw would take away. */
function busy(root: HTMLElement): boolean {
  if (document.hidden || document.querySelector('dialog[open]')) return true;
  const active = document.activeElement;
  // Text being typed (an annotation, a search); a select keeps focus after a range is picked and is no reason to wait.
  return active instanceof HTMLElement && root.contains(active) && active.matches('textarea, input:not([type="checkbox"]):not([type="radio"])');
}

/**
 * Keeps the page at `y` while the redrawn view fills in: its answers arrive a moment apart,
 * and each one that changes a height above the fold would move the page. Lets go when the
 * reader scrolls or after a second.
 */
function holdScroll(root: HTMLElement, y: number): void {
  window.scrollTo(0, y);
  const observer = new ResizeObserver(() => window.scrollTo(0, y));
  const events = ['wheel', 'touchstart', 'keydown', 'mousedown'] as const;
  const release = () => {
    observer.disconnect();
    for (const name of events) window.removeEventListener(name, release);
  };
  observer.observe(root);
  for (const name of events) window.addEventListener(name, release, { passive: true });
  setTimeout(release, 1000);
}

/**
 * Keeps the "Today" view current: every TODAY_REFRESH_MS the view's queries are asked again
 * and, once all have answered, the view is drawn again from the fresh answers at the same
 * scroll position. Skipped while a dialog is open, text is being typed or the tab is hidden.
 */
export function keepTodayFresh(root: HTMLElement, range: unknown, redraw: () => void): () => void {
  const key = JSON.stringify(range);
  let stopped = false;
  const timer = setInterval(() => {
    if (busy(root)) return;
    void refreshCached((q) => JSON.stringify(q.date_range) === key).then(() => {
      if (stopped || busy(root)) return;
      const y = window.scrollY;
      redraw();
      holdScroll(root, y);
    });
  }, TODAY_REFRESH_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
