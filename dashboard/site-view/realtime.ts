/**
 * The realtime view (`?period=realtime`, so it can be bookmarked, on a shared link too):
 * visitors now (the last 5 minutes, as the realtime API counts them), and the visitors,
 * pageviews, pages and sources of the last 30 minutes from the Stats API with a date-time
 * range. It asks again every REALTIME_REFRESH_MS and changes only the numbers, in place.
 * A range's shortcut key opens the site view on that range, Escape on its default.
 * Also the "Today" view's own refresh (keepTodayFresh), and the header's current-visitors
 * label, a link to this view.
 * @module
 */
import { get, query, type StatsQuery, type StatsResult } from '../lib/api.ts';
import { keepChoices } from '../lib/address-choices.ts';
import { h, replace } from '../lib/dom.ts';
import { formatTime, t } from '../lib/i18n.ts';
import { setTitle } from '../lib/ui.ts';
import { refreshCached } from './cache.ts';
import type { TabDef } from './panels.ts';
import { lastMinutes, REALTIME_REFRESH_MS, TODAY_REFRESH_MS } from './realtime-times.ts';
import { panelError, rowsTable, skeleton } from './rows.ts';
import { SHORTCUTS, isShortcut, shortcutKey } from './shortcuts.ts';
import { defaultState, serializeView } from './state.ts';
import type { SiteViewContext } from './view.ts';

/** The `period` of the realtime view's URL. */
export const REALTIME_PERIOD = 'realtime';
const TOP_ROWS = 10;

const PAGES: TabDef = { id: 'rt-pages', label: 'sv.tab.top', dimension: 'event:page', second: 'pageviews' };
const SOURCES: TabDef = { id: 'rt-sources', label: 'sv.tab.sources', dimension: 'visit:source', second: 'visits' };

export function isRealtime(search: string): boolean {
  return new URLSearchParams(search).get('period') === REALTIME_PERIOD;
}

/** Moves to `href` in place: the site view draws again from the URL on popstate. */
export function goTo(href: string): void {
  history.pushState(null, '', href);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** A link the site view follows itself (the router's links redraw the whole page); other clicks are the browser's. */
function inPlaceLink(href: string, attrs: Record<string, string>, ...children: Array<Node | string>): HTMLAnchorElement {
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

function windowQuery(ctx: SiteViewContext, range: [string, string], rest: Partial<StatsQuery> & Pick<StatsQuery, 'metrics'>): StatsQuery {
  return { site_id: ctx.site.domain, date_range: range, ...rest };
}

function topQuery(ctx: SiteViewContext, range: [string, string], tab: TabDef): StatsQuery {
  return windowQuery(ctx, range, {
    metrics: ['visitors', tab.second],
    dimensions: [tab.dimension],
    order_by: [['visitors', 'desc']],
    pagination: { limit: TOP_ROWS, offset: 0 },
  });
}

function figure(label: string, key: string): { root: HTMLElement; value: HTMLElement } {
  const value = h('span', { class: 'sv-kpi-value sv-skeleton-text', 'data-rt': key }, '\u00a0');
  return { value, root: h('div', { class: 'sv-kpi sv-rt-figure' }, h('span', { class: 'sv-kpi-label' }, label), value) };
}

function listCard(title: string, key: string): { root: HTMLElement; body: HTMLElement } {
  const body = h('div', { class: 'sv-panel-body sv-rt-body' }, skeleton(5));
  const id = `sv-rt-${key}`;
  return { body, root: h('section', { class: 'card sv-panel', 'aria-labelledby': id, 'data-rt-panel': key }, h('header', { class: 'sv-panel-head' }, h('h2', { id }, title)), body) };
}

function setFigure(into: HTMLElement, n: number): void {
  into.classList.remove('sv-skeleton-text');
  into.textContent = n.toLocaleString();
  into.dataset.value = String(n);
}

function fillList(body: HTMLElement, tab: TabDef, result: StatsResult): void {
  replace(body, result.results.length ? rowsTable(tab, result) : h('p', { class: 'muted sv-rt-empty' }, t('rt.none')));
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

/** Draws the realtime view into `root`; returns what stops its refresh and its keys. */
export function renderRealtime(root: HTMLElement, ctx: SiteViewContext): () => void {
  const now = figure(t('rt.now'), 'now');
  const visitors = figure(t('rt.visitors'), 'visitors');
  const pageviews = figure(t('rt.pageviews'), 'pageviews');
  const pages = listCard(t('rt.pages'), 'pages');
  const sources = listCard(t('rt.sources'), 'sources');
  const updated = h('p', { class: 'muted sv-rt-updated', role: 'status' });
  setTitle(`${t('rt.title')} · ${ctx.site.domain}`);
  replace(
    root,
    h(
      'div',
      { class: 'sv sv-rt' },
      h(
        'header',
        { class: 'sv-header' },
        h('div', { class: 'sv-heading' }, h('h1', { class: 'sv-domain' }, ctx.site.domain), h('span', { class: 'sv-rt-live' }, t('rt.title')), ctx.mode === 'shared' ? h('span', { class: 'chip' }, t('sv.shared')) : null),
        h('div', { class: 'sv-controls' }, inPlaceLink(keepChoices(ctx.basePath, ''), { class: 'btn' }, t('rt.back'))),
      ),
      h('div', { class: 'sv-kpis sv-rt-figures', role: 'group', 'aria-label': t('rt.title') }, now.root, visitors.root, pageviews.root),
      h('div', { class: 'sv-grid' }, pages.root, sources.root),
      updated,
    ),
  );

  let live = true;
  const refresh = async () => {
    const range = lastMinutes(Date.now());
    const answers = await Promise.allSettled([
      get<number>(`/api/v1/stats/realtime/visitors?site_id=${encodeURIComponent(ctx.site.domain)}`),
      query(windowQuery(ctx, range, { metrics: ['visitors', 'pageviews'] })),
      query(topQuery(ctx, range, PAGES)),
      query(topQuery(ctx, range, SOURCES)),
    ]);
    if (!live) return;
    const [current, totals, pageRows, sourceRows] = answers;
    if (current.status === 'fulfilled') setFigure(now.value, current.value);
    if (totals.status === 'fulfilled') {
      setFigure(visitors.value, totals.value.results[0]?.metrics[0] ?? 0);
      setFigure(pageviews.value, totals.value.results[0]?.metrics[1] ?? 0);
    }
    if (pageRows.status === 'fulfilled') fillList(pages.body, PAGES, pageRows.value);
    else replace(pages.body, panelError(pageRows.reason));
    if (sourceRows.status === 'fulfilled') fillList(sources.body, SOURCES, sourceRows.value);
    else replace(sources.body, panelError(sourceRows.reason));
    updated.textContent = t('rt.updated', { seconds: REALTIME_REFRESH_MS / 1000, time: formatTime(Math.floor(Date.now() / 1000), ctx.site.timezone, { timeStyle: 'medium' }) });
  };
  void refresh();
  // A hidden tab asks nothing; it catches up at the next tick once shown.
  const timer = setInterval(() => {
    if (!document.hidden) void refresh();
  }, REALTIME_REFRESH_MS);
  const onKey = realtimeKeys(ctx);
  document.addEventListener('keydown', onKey);
  return () => {
    live = false;
    clearInterval(timer);
    document.removeEventListener('keydown', onKey);
  };
}

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
