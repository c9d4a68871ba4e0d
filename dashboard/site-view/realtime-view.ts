/**
 * The realtime view (`?period=realtime`, so it can be bookmarked, on a shared link too):
 * visitors now (the last 5 minutes, as the realtime API counts them), and the visitors,
 * pageviews, pages and sources of the last 30 minutes from the Stats API with a date-time
 * range. It asks again every REALTIME_REFRESH_MS and changes only the numbers, in place.
 * A range's shortcut key opens the site view on that range, Escape on its default. Loaded
 * when opened: the site view's first load leaves it out, and hands it the parts it shares.
 * @module
 */
import { get, query, type StatsQuery, type StatsResult } from '../lib/api.ts';
import { keepChoices } from '../lib/address-choices.ts';
import { h, replace } from '../lib/dom.ts';
import { formatTime, t } from '../lib/i18n.ts';
import { setTitle } from '../lib/ui.ts';
import type { TabDef } from '../../server/core/dashboard-api/view-queries/panels.ts';
import type { RealtimeParts } from './realtime.ts';
import type { SiteViewContext } from './view.ts';

const TOP_ROWS = 10;

const PAGES: TabDef = { id: 'rt-pages', label: 'sv.tab.top', dimension: 'event:page', second: 'pageviews' };
const SOURCES: TabDef = { id: 'rt-sources', label: 'sv.tab.sources', dimension: 'visit:source', second: 'visits' };

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

function listCard(title: string, key: string, skeleton: RealtimeParts['skeleton']): { root: HTMLElement; body: HTMLElement } {
  const body = h('div', { class: 'sv-panel-body sv-rt-body' }, skeleton(5));
  const id = `sv-rt-${key}`;
  return { body, root: h('section', { class: 'card sv-panel', 'aria-labelledby': id, 'data-rt-panel': key }, h('header', { class: 'sv-panel-head' }, h('h2', { id }, title)), body) };
}

function setFigure(into: HTMLElement, n: number): void {
  into.classList.remove('sv-skeleton-text');
  into.textContent = n.toLocaleString();
  into.dataset.value = String(n);
}

function fillList(body: HTMLElement, tab: TabDef, result: StatsResult, rowsTable: RealtimeParts['rowsTable']): void {
  replace(body, result.results.length ? rowsTable(tab, result) : h('p', { class: 'muted sv-rt-empty' }, t('rt.none')));
}

/** Draws the realtime view into `root`; returns what stops its refresh and its keys. */
export function renderRealtime(root: HTMLElement, ctx: SiteViewContext, { inPlaceLink, realtimeKeys, panelError, rowsTable, skeleton, lastMinutes, REALTIME_REFRESH_MS }: RealtimeParts): () => void {
  const now = figure(t('rt.now'), 'now');
  const visitors = figure(t('rt.visitors'), 'visitors');
  const pageviews = figure(t('rt.pageviews'), 'pageviews');
  const pages = listCard(t('rt.pages'), 'pages', skeleton);
  const sources = listCard(t('rt.sources'), 'sources', skeleton);
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
    if (pageRows.status === 'fulfilled') fillList(pages.body, PAGES, pageRows.value, rowsTable);
    else replace(pages.body, panelError(pageRows.reason));
    if (sourceRows.status === 'fulfilled') fillList(sources.body, SOURCES, sourceRows.value, rowsTable);
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

