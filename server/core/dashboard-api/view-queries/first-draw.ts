/**
 * The Stats API queries a site view asks when it is first drawn from its URL: the page asks
 * them as it draws (dashboard/site-view/index.ts and its cards, with the same builders), and
 * the server starts them as it answers the page (http/early-answers.ts), so the two must
 * come from here. Pure: the site, the query string and today are passed in.
 * @module
 */
import { chosenInterval, dateRange, daysBetween, localDay, span } from './dates.ts';
import { kpiMode } from './kpi-set.ts';
import { ALL_COUNTRIES, TOP_ROWS, activeTab, eventPropertyTab, storedPrecision, stores, type PanelDef, PANELS, type TabDef } from './panels.ts';
import { type QueryBase, breakdownQuery, conversionBaseQuery, everQuery, goalsQuery, kpiQuery, notProvidedQueries, seriesQuery } from './queries.ts';
import type { StatsQuery } from './stats-query.ts';
import { type Interval, type ViewState, isRealtime, parseView } from './state.ts';

/** What the view reads of its site. */
export interface ViewSite {
  domain: string;
  timezone: string;
  location_precision?: unknown;
}

/** The query base of every query of the view: site, range, filters, comparison, imports. */
export function viewBase(site: Pick<ViewSite, 'domain'>, state: ViewState, today: string): QueryBase {
  return { siteId: site.domain, range: dateRange(state, today), filters: state.filters, compare: state.compare, matchWeekday: state.matchWeekday, imports: state.imports };
}

/** The chart's interval; null for all time without one asked (the API picks). */
export function chartInterval(state: ViewState, days: { from: string; to: string }): Interval | null {
  return state.period === 'all' && !state.interval ? null : chosenInterval(state.interval, daysBetween(days.from, days.to));
}

/** The tab a panel shows: a custom event's properties when chosen, else the URL's tab or the drill-down's. */
export function panelTab(panel: PanelDef, state: ViewState): TabDef {
  const property = panel.id === 'events' ? eventPropertyTab(state.tabs.events, state.filters) : null;
  return property ?? activeTab(panel, state.tabs[panel.id], state.filters);
}

/** Rows a panel asks for: every country for the locations (the map needs them all), else the top rows. */
export function panelLimit(panel: PanelDef): number {
  return panel.id === 'locations' ? ALL_COUNTRIES : TOP_ROWS;
}

/**
 * The queries of a first draw of the view at `search` on `now`, in the order the page asks
 * them; none for the realtime view. A view filtered by goals may add its revenue figures
 * once the site's goals are known: those are not here (the page asks them as it does now).
 */
export function firstDrawQueries(site: ViewSite, search: string, now: Date): StatsQuery[] {
  if (isRealtime(search)) return [];
  const state = parseView(search);
  const today = localDay(now, site.timezone);
  const base = viewBase(site, state, today);
  const queries = [kpiQuery(base), seriesQuery(base, chartInterval(state, span(state, today))), everQuery(site.domain, true)];
  // The site's first day as the view counts it (compare-picker.ts's firstDay, for the KPIs'
  // and chart's notes): the same query as the previous one unless the view leaves imports out.
  if (!state.imports) queries.push(everQuery(site.domain, state.imports));
  if (kpiMode(state.filters) === 'goal') queries.push(conversionBaseQuery(base));
  for (const panel of PANELS) {
    const tab = panelTab(panel, state);
    // A tab the site does not store is said so, without a query (panel-parts.ts).
    if (!stores(storedPrecision(site), tab)) continue;
    queries.push(breakdownQuery(base, tab, { limit: panelLimit(panel) }));
    if (panel.id === 'words' && tab.id === 'keywords') queries.push(...notProvidedQueries(base));
  }
  queries.push(goalsQuery(base));
  return queries;
}
