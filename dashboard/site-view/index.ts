/**
 * The site view: header, filter chips, KPIs, chart, breakdown panels and recent visits of
 * one site, all drawn from the URL's query string. Every change pushes a new URL and draws
 * again; queries whose answer is already known come from the cache, and a cold draw fires
 * every query of the view at once (one parallel round after the page's own files). A tab
 * switch (or back and forward over one) draws its panel only: the page keeps its place, the
 * chart, and the recent visits' page.
 * @module
 */
import { get, sitePath } from '../lib/api.ts';
import { keepChoices, fromAddress } from '../lib/address-choices.ts';
import { h, replace } from '../lib/dom.ts';
import { setTitle } from '../lib/ui.ts';
import { loadAnnotations } from './annotations.ts';
import { afterQueries, afterSend, cachedQuery } from './cache.ts';
import { renderChart } from './chart.ts';
import { localDay, span } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { chartInterval, viewBase } from '../../server/core/dashboard-api/view-queries/first-draw.ts';
import { renderNoMatch } from './empty.ts';
import { renderFilterBar } from './filters.ts';
import { describeChange, plural } from './format.ts';
import { renderHeader } from './header.ts';
import { importsNote } from './imports-slot.ts';
import { renderKpis } from './kpis.ts';
import { renderPanel } from './panel.ts';
import { eventParts, locationParts, sourceParts, wordParts } from './panel-parts.ts';
import { PANELS, type PanelDef, drillDown } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { everQuery, goalsQuery, kpiQuery, seriesQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { keepTodayFresh, realtimeLabel, realtimeParts } from './realtime.ts';
import { type ViewState, isRealtime, parseView, serializeView, tabChanges, withFilter } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { SiteViewContext, View } from './view.ts';
import { renderVisits } from './visits.ts';
import { panelError, skeleton } from './rows.ts';

export type { SiteViewContext } from './view.ts';

type GoalList = { goals: Array<{ kind: string; displayName: string; currency?: string | null }> };

const REALTIME_MS = 30_000;
/** How long a page's first draw waits for its first answer before it shows its skeleton. */
const SKELETON_AFTER_MS = 150;

function partsOf(view: View, panel: PanelDef) {
  switch (panel.id) {
    case 'locations':
      return locationParts;
    case 'sources':
      return sourceParts;
    case 'words':
      return wordParts;
    case 'events':
      return eventParts(view);
    default:
      return {};
  }
}

/** The Goals panel's card: its questions start with the view's; its code and strings load beside them (goals-panel.ts). */
function goalsCard(view: View, list: Promise<GoalList>): HTMLElement {
  const card = h('section', { class: 'card sv-panel', 'data-panel': 'goals' }, skeleton(4));
  const counts = cachedQuery(goalsQuery(view.base));
  import('./goals-panel.ts').then((m) => m.fillGoals(view, card, list, counts), (error: unknown) => replace(card, panelError(error)));
  return card;
}

/** The header's count of visitors now: first asked once the view's queries are answered, not ahead of them. */
function startRealtime(ctx: SiteViewContext, into: HTMLElement): () => void {
  let stopped = false;
  const refresh = () => {
    if (stopped) return;
    get<number>(`/api/v1/stats/realtime/visitors?site_id=${encodeURIComponent(ctx.site.domain)}`).then(
      (n) => {
        into.textContent = plural('sv.realtime', n);
        into.hidden = false;
      },
      () => {
        into.hidden = true;
      },
    );
  };
  void afterQueries().then(refresh);
  const timer = setInterval(refresh, REALTIME_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** Draws the site view into root; returns a function that stops its timers and listeners. */
export function renderSiteView(root: HTMLElement, ctx: SiteViewContext): () => void {
  const realtime = realtimeLabel(ctx);
  let cleanups: Array<() => void> = [];
  /** Each panel's own timers and listeners, and its card: a tab switch replaces one card. */
  const panels = new Map<string, { card: HTMLElement; cleanups: Array<() => void> }>();
  let focusAfterDraw: string | null = null;
  let current: View | null = null;
  /** Counts draws: a goal list answered after a newer draw began draws nothing. */
  let draws = 0;

  const stopPanel = (id: string) => {
    for (const cleanup of panels.get(id)?.cleanups.splice(0) ?? []) cleanup();
  };

  const stopDraw = () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    for (const id of panels.keys()) stopPanel(id);
    panels.clear();
  };

  /** A card drawn with its own dispose list; it reads the view's state as it is at each click. */
  const drawPanel = (view: View, panel: PanelDef): HTMLElement => {
    const own: Array<() => void> = [];
    const scoped: View = Object.create(view, { onDispose: { value: (cleanup: () => void) => void own.push(cleanup) } });
    const card = renderPanel(scoped, panel, partsOf(scoped, panel));
    panels.set(panel.id, { card, cleanups: own });
    return card;
  };

  /** The new state differs only in open tabs: those cards are drawn again, nothing else moves. */
  const switchTabs = (view: View, next: ViewState, changed: string[], focusKey: string | null) => {
    const focused = focusKey ?? document.activeElement?.getAttribute('data-key') ?? null;
    view.state = next;
    for (const panel of PANELS) {
      const drawn = panels.get(panel.id);
      if (!changed.includes(panel.id) || !drawn?.card.isConnected) continue;
      stopPanel(panel.id);
      drawn.card.replaceWith(drawPanel(view, panel));
    }
    if (focused) root.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
  };

  const draw = () => {
    stopDraw();
    const mine = ++draws;
    if (isRealtime(location.search)) {
      current = null;
      // Its code loads when first opened; a newer draw (or the view gone) by then draws nothing.
      return void import('./realtime-view.ts').then((m) => mine === draws && cleanups.push(m.renderRealtime(root, ctx, realtimeParts)), () => {});
    }
    const state = parseView(location.search);
    const goalList = () => get<GoalList>(sitePath(ctx.site.domain, '/goals?suggestions=when-empty'));
    if (!state.filters.some((f) => f.dimension === 'event:goal' && (f.op === 'is' || f.op === 'is_not'))) return drawView(state, goalList, () => []);
    // Goal names wait for the site's goals (one small request, asked anyway for the Goals
    // panel): a goal renamed or deleted since the URL was made is left out of the queries.
    const list = goalList();
    Promise.all([list, import('./stale-goals.ts')]).then(
      ([l, m]) => {
        const { applied, stale } = m.splitStaleGoals(state.filters, l.goals.map((g) => g.displayName));
        // The chunk's revenue KPIs ask their question as the view draws: in the same batch.
        const parts = (view: View, content: HTMLElement) => {
          m.revenueKpis(view, content, l.goals, { ask: cachedQuery, kpiQuery, describeChange });
          return m.staleGoalChips(view, stale, serializeView);
        };
        if (mine === draws) drawView({ ...state, filters: applied }, () => list, parts);
      },
      () => mine === draws && drawView(state, () => list, () => []),
    );
  };

  /**
   * `goalList`: the site's goals, asked when the view's queries are sent (or already asked);
   * `goalParts`: what the goal filter's chunk adds to the drawn view (revenue KPIs), and its stale goals' chips.
   */
  const drawView = (state: ViewState, goalList: () => Promise<GoalList>, goalParts: (view: View, content: HTMLElement) => HTMLElement[]) => {
    const focused = focusAfterDraw ?? document.activeElement?.getAttribute('data-key') ?? null;
    focusAfterDraw = null;
    const today = localDay(new Date(), ctx.site.timezone);
    const days = span(state, today);
    const base = viewBase(ctx.site, state, today);
    const view: View = {
      ctx,
      state,
      today,
      span: days,
      base,
      go(next, focusKey) {
        const search = serializeView(next);
        const changed = tabChanges(view.state, next);
        // The tab already open: nothing to draw, and no history entry that changes nothing.
        if (changed?.length !== 0) history.pushState(null, '', keepChoices(ctx.basePath, search));
        if (changed) return switchTabs(view, next, changed, focusKey ?? null);
        if (focusKey) focusAfterDraw = focusKey;
        draw();
      },
      redraw: draw,
      filterBy(filter) {
        const next = { ...withFilter(view.state, filter), tabs: drillDown(view.state.tabs, filter) };
        view.go(next, `chip:${next.filters.length - 1}`);
      },
      onDispose: (cleanup) => void cleanups.push(cleanup),
    };
    current = view;

    // Every query of the view starts here, in one synchronous pass: one parallel round. The
    // server started the same ones (first-draw.ts) when it answered the page.
    const kpis = cachedQuery(kpiQuery(base));
    const series = cachedQuery(seriesQuery(base, chartInterval(state, days)));
    // Imported history alone is no empty site, whether or not the view counts it in.
    const ever = cachedQuery(everQuery(ctx.site.domain, true));
    // The requests beside the view's queries go out right after them (cache.ts).
    const list = afterSend(goalList);
    const annotations = afterSend(() => loadAnnotations(view));
    const notice = h('div', { class: 'sv-notice' });
    const content = h(
      'div',
      { class: 'sv-content' },
      renderKpis(view, kpis),
      renderChart(view, series, annotations),
      importsNote(view, series),
      h('div', { class: 'sv-grid' }, PANELS.map((panel) => drawPanel(view, panel)), goalsCard(view, list), ctx.showVisits ? renderVisits(view) : null),
    );
    setTitle(ctx.site.domain);
    const filterBar = renderFilterBar(view);
    filterBar.prepend(...goalParts(view, content));
    replace(root, h('div', { class: 'sv' }, renderHeader(view, realtime), filterBar, notice, content));
    // The page's first draw shows its content with its first answer (the server started the
    // queries with the page, so the answers come within a few ms of the send): the browser lays
    // out and paints the view once, filled, not a skeleton first that the answers then replace.
    if (draws === 1) {
      content.hidden = true;
      const show = () => (content.hidden = false);
      Promise.race([kpis, series, new Promise((wait) => setTimeout(wait, SKELETON_AFTER_MS))]).then(show, show);
    }
    if (focused) root.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`)?.focus();
    if (state.period === 'day') cleanups.push(keepTodayFresh(root, base.range, draw));

    ever.then((r) => {
      if ((r.results[0]?.metrics[0] ?? 0) !== 0 || state.filters.length > 0) return;
      void import('./empty-site.ts').then((m) => replace(content, m.renderEmptySite(ctx.site.domain, ctx.mode === 'shared' || fromAddress.embed)), () => {});
    }, () => {});
    kpis.then((r) => {
      if (state.filters.length > 0 && (r.results[0]?.metrics[1] ?? 0) === 0) replace(notice, renderNoMatch(view));
    }, () => {});
  };

  const colorScheme = matchMedia('(prefers-color-scheme: dark)');
  // The chart's canvas takes its colours from the theme when drawn: draw again when it changes.
  const themeObserver = new MutationObserver(draw);
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  colorScheme.addEventListener('change', draw);
  const onHistory = () => {
    const next = parseView(location.search);
    const changed = current && !isRealtime(location.search) && tabChanges(current.state, next);
    if (current && changed) switchTabs(current, next, changed, null);
    else draw();
  };
  window.addEventListener('popstate', onHistory);
  draw();
  // After the draw has asked its queries, which the count then waits for.
  const stopRealtime = startRealtime(ctx, realtime);

  return () => {
    draws++;
    stopDraw();
    stopRealtime();
    themeObserver.disconnect();
    colorScheme.removeEventListener('change', draw);
    window.removeEventListener('popstate', onHistory);
  };
}
