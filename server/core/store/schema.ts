/**
 * The data model's one home: every stored visit and event attribute once, as data, with
 * where it is stored, what the Stats API calls it, what a missing value reads as, and where
 * else it goes (rollups, the columnar copy, the export, the dashboard's filters and recent
 * visits, first-of-day flags). The writer's columns, the VisitAttributes type, the query
 * dimensions, the copy's tables, the export's columns and the dashboard's filter fields are
 * all derived from it, so a new attribute is one entry here (and a migration adding its
 * column). Pure data without runtime imports beyond the naming of codes, so the dashboard
 * bundle imports it too.
 * @module
 */
import { countryNames } from '../query/country-names.ts';

/** What a missing value of most dimensions reads as (Plausible's label). */
export const NOT_SET = '(not set)';
/** What a visit without a referrer reads as, for source and referrer. */
export const DIRECT_NONE = 'Direct / None';

/** The files of Plausible's CSV export an attribute may fill a column of (export.ts lists their columns). */
export type PlausibleFile =
  | 'imported_sources'
  | 'imported_pages'
  | 'imported_entry_pages'
  | 'imported_exit_pages'
  | 'imported_locations'
  | 'imported_devices'
  | 'imported_browsers'
  | 'imported_operating_systems'
  | 'imported_custom_events';

/**
 * How a column gets its value: `event` from the processed event as it is (a key of
 * VisitAttributes for visits, of ProcessedEvent for events); `fold` from the visit's own
 * events as they fold into it (record-event.ts: its host and entry page from the first,
 * its exit page from the last pageview).
 */
export type Written = 'event' | 'fold';

export interface Attribute {
  /**
   * The key in VisitAttributes (visits) or ProcessedEvent (events; the revenue's two are
   * its `revenue` object's amount and currency), and in a recent visit.
   */
  field: string;
  table: 'visits' | 'events';
  column: string;
  written: Written;
  /** NOT NULL in the table: the pipeline always sets it. */
  notNull: boolean;
  /** The Stats API dimension (and filter) it answers, or null when it is none. */
  dimension: string | null;
  /** The label the API shows for NULL. */
  nullLabel: string;
  /** Day rollups hold it as a dimension. */
  rolledUp: boolean;
  /** The columnar copy holds the column (the truncated IP never goes there). */
  columnar: boolean;
  /** A column of the raw events file of the export, under the column's name. */
  exported: boolean;
  /** The column it fills in one of Plausible's CSV files, if any. */
  plausible: { file: PlausibleFile; column: string } | null;
  /** Offered as a field in the dashboard's Filter dialog. */
  filterable: boolean;
  /** Shown with each visit in the dashboard's recent visits. */
  recentVisits: boolean;
  /**
   * The visitor hash (made from the address and user agent) determines it within a day,
   * so first-of-day flags may be summed under a filter on it (first-flags.ts).
   */
  perVisitorDay: boolean;
}

type Options = Partial<Omit<Attribute, 'field' | 'table' | 'column'>>;

/** What an entry says unless it says otherwise: a dimension that goes everywhere but recent visits and the flags. */
const DEFAULTS = {
  written: 'event',
  notNull: false,
  nullLabel: NOT_SET,
  rolledUp: true,
  columnar: true,
  exported: true,
  plausible: null,
  filterable: true,
  recentVisits: false,
  perVisitorDay: false,
} as const;

/** The entry's own options over the defaults, keeping their literal types for the derived types below. */
type Entry<F extends string, T extends Attribute['table'], O extends Options> = Omit<typeof DEFAULTS, keyof O> & O & { field: F; table: T; column: string; dimension: string | null };

/** A visit attribute, by default the dimension `visit:<column>`. */
function visit<const F extends string, const O extends Options = {}>(field: F, column: string, options: O = {} as O): Entry<F, 'visits', O> {
  return { ...DEFAULTS, field, table: 'visits', column, dimension: `visit:${column}`, ...options } as Entry<F, 'visits', O>;
}

/** An event attribute, by default the dimension `event:<column>`. */
function event<const F extends string, const O extends Options = {}>(field: F, column: string, options: O = {} as O): Entry<F, 'events', O> {
  return { ...DEFAULTS, field, table: 'events', column, dimension: `event:${column}`, ...options } as Entry<F, 'events', O>;
}

const plausible = (file: PlausibleFile, column: string) => ({ plausible: { file, column } });
/** Shown in recent visits. */
const shown = { recentVisits: true } as const;
/** Determined by the visitor hash within a day, and shown in recent visits. */
const ofVisitor = { recentVisits: true, perVisitorDay: true } as const;

/**
 * Every attribute, visits' then events', each table's in its column order (the order of
 * the export's raw events file). The dashboard's Filter dialog lists them in this order.
 */
export const ATTRIBUTES = [
  visit('entryPage', 'entry_page', { written: 'fold', ...shown, ...plausible('imported_entry_pages', 'entry_page') }),
  visit('exitPage', 'exit_page', { written: 'fold', ...shown, ...plausible('imported_exit_pages', 'exit_page') }),
  // The host of the visit's first event; breakdowns by host name read events.
  visit('hostname', 'hostname', { written: 'fold', dimension: null, rolledUp: false, filterable: false, exported: false }),
  visit('referrer', 'referrer', { nullLabel: DIRECT_NONE, ...shown, ...plausible('imported_sources', 'referrer') }),
  visit('source', 'source', { nullLabel: DIRECT_NONE, ...shown, ...plausible('imported_sources', 'source') }),
  visit('channel', 'channel', { notNull: true }),
  visit('searchEngine', 'search_engine', shown),
  visit('searchKeyword', 'search_keyword', shown),
  visit('utmSource', 'utm_source', plausible('imported_sources', 'utm_source')),
  visit('utmMedium', 'utm_medium', plausible('imported_sources', 'utm_medium')),
  visit('utmCampaign', 'utm_campaign', plausible('imported_sources', 'utm_campaign')),
  visit('utmTerm', 'utm_term', plausible('imported_sources', 'utm_term')),
  visit('utmContent', 'utm_content', plausible('imported_sources', 'utm_content')),
  visit('country', 'country', { ...ofVisitor, ...plausible('imported_locations', 'country') }),
  visit('region', 'region', { ...ofVisitor, ...plausible('imported_locations', 'region') }),
  visit('regionName', 'region_name', ofVisitor),
  visit('city', 'city_name', ofVisitor),
  visit('browser', 'browser', { ...ofVisitor, ...plausible('imported_browsers', 'browser') }),
  visit('browserVersion', 'browser_version', { ...ofVisitor, ...plausible('imported_browsers', 'browser_version') }),
  visit('os', 'os', { ...ofVisitor, ...plausible('imported_operating_systems', 'operating_system') }),
  visit('osVersion', 'os_version', { ...ofVisitor, ...plausible('imported_operating_systems', 'operating_system_version') }),
  visit('device', 'device', { ...ofVisitor, ...plausible('imported_devices', 'device') }),
  // Truncated (IPv4 /24, IPv6 /48), or null when the site stores none: never a dimension, never copied.
  visit('ip', 'ip', { dimension: null, rolledUp: false, columnar: false, filterable: false, ...shown }),
  event('name', 'name', { notNull: true, ...plausible('imported_custom_events', 'name') }),
  event('hostname', 'hostname', { notNull: true, ...plausible('imported_pages', 'hostname') }),
  event('path', 'path', { notNull: true, dimension: 'event:page', ...plausible('imported_pages', 'page') }),
  event('siteSearch', 'site_search'),
  event('revenueAmount', 'revenue_amount', { dimension: null, rolledUp: false, columnar: false, filterable: false }),
  event('revenueCurrency', 'revenue_currency', { dimension: null, rolledUp: false, columnar: false, filterable: false }),
] as const satisfies readonly Attribute[];

/**
 * A dimension named from another's codes after grouping: it shares that dimension's
 * column, rollups and flags, and a filter on it becomes a test on the codes whose names match.
 */
export interface NamedDimension {
  dimension: string;
  /** The dimension whose codes it names. */
  of: string;
  /** Each known code with its English name; other codes read as the null label. */
  names: () => ReadonlyMap<string, string>;
}

export const NAMED_DIMENSIONS: readonly NamedDimension[] = [{ dimension: 'visit:country_name', of: 'visit:country', names: countryNames }];

export type AttributeEntry = (typeof ATTRIBUTES)[number];

/** The attributes of `table`, in column order. */
export function attributesOf(table: Attribute['table']): Attribute[] {
  return ATTRIBUTES.filter((a) => a.table === table);
}

/** The attribute answering Stats API dimension `dimension`. */
export function attributeOf(dimension: string): Attribute | undefined {
  return ATTRIBUTES.find((a) => a.dimension === dimension);
}

/** Visit attributes the pipeline sets on an event, which the visit takes from its first event. */
type PipelineVisitAttribute = Extract<AttributeEntry, { table: 'visits'; written: 'event' }>;

/** An event's visit attributes, keyed by field: a string where the column is NOT NULL. */
export type VisitAttributes = {
  [A in PipelineVisitAttribute as A['field']]: A['notNull'] extends true ? string : string | null;
};

/** A recent visit's stored attributes, keyed by field. */
export type RecentVisitAttributes = {
  [A in Extract<AttributeEntry, { table: 'visits'; recentVisits: true }> as A['field']]: string | null;
};

/** The dashboard's Filter dialog fields, in the schema's order. */
export const FILTER_DIMENSIONS: readonly string[] = ATTRIBUTES.flatMap((a) => (a.filterable && a.dimension ? [a.dimension] : []));
