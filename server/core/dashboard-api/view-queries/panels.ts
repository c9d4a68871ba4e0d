/**
 * What each breakdown panel shows: its tabs, the Stats API dimension behind each, and the
 * second column next to visitors. Drill-downs (channel → sources → referrers, browser →
 * version, OS → version) follow the view's filters. Pure data and pure choices, so the tests can read them.
 * @module
 */
import type { Key } from '../../../../dashboard/i18n/index.ts';
import { type Filter, isFilterValue } from './state.ts';

export type SecondMetric = 'percentage' | 'pageviews' | 'visits' | 'events';

export interface TabDef {
  id: string;
  label: Key;
  dimension: string;
  second: SecondMetric;
  /** Filters every query of this tab adds to the view's (custom events leave out pageviews). */
  extraFilters?: Filter[];
  /**
   * Counts page views only: a page's visitors are those who viewed it, not those who only
   * sent a custom event from it (Plausible's Top Pages does the same).
   */
  pageviewsOnly?: boolean;
  /**
   * Leaves out the `(not set)` row: visits without a search engine, UTM tag or search words
   * are most visits, and the row would only repeat that.
   */
  hideNotSet?: boolean;
  /** Said instead of "nothing in this period" when the tab has no rows: how to start counting. */
  emptyHint?: Key;
  /** The query's dimensions, when the tab asks for more than its own (a region's name beside its code, a city's country). */
  dimensions?: string[];
  /** The dimension whose value the row shows, searches and sorts by, when not the tab's own (a region's name). */
  shown?: string;
  /** How precisely a site must store location for this tab to have rows. */
  needs?: LocationPrecision;
}

/** How precisely a site stores where a visit came from (its `location_precision` setting). */
export type LocationPrecision = 'country' | 'region' | 'city';

const PRECISIONS: LocationPrecision[] = ['country', 'region', 'city'];

/** The site's precision as the session gave it (`location_precision`); a server that does not say means the default, region. */
export const storedPrecision = (site: { location_precision?: unknown }): LocationPrecision =>
  PRECISIONS.includes(site.location_precision as LocationPrecision) ? (site.location_precision as LocationPrecision) : 'region';

/** Whether a site storing `stored` has what a tab needs. */
export const stores = (stored: LocationPrecision, tab: TabDef) => PRECISIONS.indexOf(stored) >= PRECISIONS.indexOf(tab.needs ?? 'country');

export interface PanelDef {
  id: 'sources' | 'words' | 'pages' | 'locations' | 'devices' | 'events' | 'links';
  title: Key;
  tabs: TabDef[];
}

export const UTM_DIMENSIONS = ['visit:utm_medium', 'visit:utm_source', 'visit:utm_campaign', 'visit:utm_term', 'visit:utm_content'] as const;

export const PAGEVIEW: Filter = { op: 'is', dimension: 'event:name', values: ['pageview'] };
export const NOT_PAGEVIEW: Filter = { op: 'is_not', dimension: 'event:name', values: ['pageview'] };

/** Event names Plausible's script and docs use; Teller's tracker sends the first two. */
export const OUTBOUND_EVENT = 'Outbound Link: Click';
export const DOWNLOAD_EVENT = 'File Download';
export const NOT_FOUND_EVENT = '404';

const eventIs = (name: string): Filter => ({ op: 'is', dimension: 'event:name', values: [name] });

export const PANELS: PanelDef[] = [
  {
    id: 'sources',
    title: 'sv.panel.sources',
    tabs: [
      { id: 'channels', label: 'sv.tab.channels', dimension: 'visit:channel', second: 'percentage' },
      { id: 'sources', label: 'sv.tab.sources', dimension: 'visit:source', second: 'percentage' },
      { id: 'referrers', label: 'sv.tab.referrers', dimension: 'visit:referrer', second: 'percentage' },
      { id: 'engines', hideNotSet: true, label: 'sv.tab.engines', dimension: 'visit:search_engine', second: 'percentage' },
      { id: 'utm', hideNotSet: true, label: 'sv.tab.utm', dimension: 'visit:utm_medium', second: 'percentage' },
    ],
  },
  {
    id: 'words',
    title: 'sv.panel.words',
    tabs: [
      { id: 'keywords', hideNotSet: true, label: 'sv.tab.keywords', dimension: 'visit:search_keyword', second: 'percentage' },
      { id: 'utm_term', hideNotSet: true, label: 'sv.tab.utm_term', dimension: 'visit:utm_term', second: 'percentage' },
      { id: 'site_search', hideNotSet: true, label: 'sv.tab.site_search', dimension: 'event:site_search', second: 'events' },
    ],
  },
  {
    id: 'pages',
    title: 'sv.panel.pages',
    tabs: [
      { id: 'top', label: 'sv.tab.top', dimension: 'event:page', second: 'pageviews', pageviewsOnly: true },
      { id: 'entry', label: 'sv.tab.entry', dimension: 'visit:entry_page', second: 'visits' },
      { id: 'exit', label: 'sv.tab.exit', dimension: 'visit:exit_page', second: 'visits' },
      { id: 'hostnames', label: 'sv.tab.hostnames', dimension: 'event:hostname', second: 'pageviews' },
    ],
  },
  {
    id: 'locations',
    title: 'sv.panel.locations',
    tabs: [
      { id: 'map', label: 'sv.tab.map', dimension: 'visit:country', second: 'percentage' },
      { id: 'countries', label: 'sv.tab.countries', dimension: 'visit:country', second: 'percentage' },
      // Plausible's Regions and Cities leave out visits without one, as here.
      {
        id: 'regions',
        label: 'sv.tab.regions',
        dimension: 'visit:region',
        dimensions: ['visit:region', 'visit:region_name'],
        shown: 'visit:region_name',
        second: 'percentage',
        hideNotSet: true,
        needs: 'region',
        emptyHint: 'sv.loc.regions.empty',
      },
      {
        id: 'cities',
        label: 'sv.tab.cities',
        dimension: 'visit:city_name',
        dimensions: ['visit:country', 'visit:city_name'],
        second: 'percentage',
        hideNotSet: true,
        needs: 'city',
        emptyHint: 'sv.loc.cities.empty',
      },
    ],
  },
  {
    id: 'devices',
    title: 'sv.panel.devices',
    tabs: [
      { id: 'browser', label: 'sv.tab.browser', dimension: 'visit:browser', second: 'percentage' },
      { id: 'os', label: 'sv.tab.os', dimension: 'visit:os', second: 'percentage' },
      { id: 'device', label: 'sv.tab.device', dimension: 'visit:device', second: 'percentage' },
    ],
  },
  {
    id: 'events',
    title: 'sv.panel.events',
    tabs: [{ id: 'events', label: 'sv.tab.events', dimension: 'event:name', second: 'events', extraFilters: [NOT_PAGEVIEW] }],
  },
  {
    // The events the tracker's extras send (docs/tracker.md), and Plausible's 404 event a site sends itself.
    id: 'links',
    title: 'sv.panel.links',
    tabs: [
      { id: 'outbound', label: 'sv.tab.outbound', dimension: 'event:props:url', second: 'events', extraFilters: [eventIs(OUTBOUND_EVENT)], emptyHint: 'sv.links.outbound.empty' },
      { id: 'downloads', label: 'sv.tab.downloads', dimension: 'event:props:url', second: 'events', extraFilters: [eventIs(DOWNLOAD_EVENT)], emptyHint: 'sv.links.downloads.empty' },
      { id: 'notfound', label: 'sv.tab.notfound', dimension: 'event:props:path', second: 'events', extraFilters: [eventIs(NOT_FOUND_EVENT)], emptyHint: 'sv.links.notfound.empty' },
    ],
  },
];

/** Rows a panel shows before "Details". */
export const TOP_ROWS = 9;

/** Every country is fetched (a few hundred rows at most): the map needs them all, the table its top rows. */
export const ALL_COUNTRIES = 300;

/**
 * The open tab of a panel from the URL's `tab.<panel>` (`utm_campaign` opens the UTM tab on
 * that tag), with the dimension it reads after drill-downs.
 */
export function activeTab(panel: PanelDef, tabValue: string | undefined, filters: Filter[]): TabDef {
  if (panel.id === 'sources' && tabValue && (UTM_DIMENSIONS as readonly string[]).includes(`visit:${tabValue}`)) {
    return { ...panel.tabs.find((tab) => tab.id === 'utm')!, dimension: `visit:${tabValue}` };
  }
  const tab = withEventCounts(panel.tabs.find((x) => x.id === (tabValue ?? drilledTab(panel, filters))) ?? panel.tabs[0]!, filters);
  if (tab.dimension === 'visit:browser' && isFilterValue(filters, 'visit:browser')) return { ...tab, dimension: 'visit:browser_version' };
  if (tab.dimension === 'visit:os' && isFilterValue(filters, 'visit:os')) return { ...tab, dimension: 'visit:os_version' };
  return tab;
}

/** Filters on event names that leave page views out (`is Signup`, `is not pageview`), and goals (a goal's events are what count). */
const leavesOutPageviews = (f: Filter) =>
  (f.dimension === 'event:goal' && f.op === 'is') || (f.dimension === 'event:name' && (f.op === 'is' ? !f.values.includes('pageview') : f.op === 'is_not' && f.values.includes('pageview')));

/** Without page views a pageviews column would read 0 on every row: it counts the filtered events instead, as Plausible's conversions. */
export function withEventCounts(tab: TabDef, filters: Filter[]): TabDef {
  return tab.second === 'pageviews' && filters.some(leavesOutPageviews) ? { ...tab, second: 'events' } : tab;
}

/** Where a click on a value leads in the Sources panel: a channel opens its sources, a source its referrers. */
const DRILL: Record<string, string> = { 'visit:channel': 'sources', 'visit:source': 'referrers' };

/** The tabs after a click filters by `filter`: the Sources panel moves on to the next level. */
export function drillDown(tabs: Record<string, string>, filter: Filter): Record<string, string> {
  const next = filter.op === 'is' && filter.values.length === 1 ? DRILL[filter.dimension] : undefined;
  return next ? { ...tabs, sources: next } : tabs;
}

/** The Sources tab a filtered view opens on when the URL names none (a channel filter shows its sources). */
function drilledTab(panel: PanelDef, filters: Filter[]): string | undefined {
  if (panel.id !== 'sources') return undefined;
  if (isFilterValue(filters, 'visit:source')) return 'referrers';
  return isFilterValue(filters, 'visit:channel') ? 'sources' : undefined;
}

/** A custom event's property breakdown: `tab.events=prop:<key>` with one event filtered. */
export function eventPropertyTab(tabValue: string | undefined, filters: Filter[]): TabDef | null {
  const event = isFilterValue(filters, 'event:name');
  if (!event || !tabValue?.startsWith('prop:') || tabValue.length <= 5) return null;
  return { id: 'events', label: 'sv.tab.events', dimension: `event:props:${tabValue.slice(5)}`, second: 'events' };
}
