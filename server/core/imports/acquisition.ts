/**
 * Channel, search engine and search words of imported sources, worked out at import time by
 * Teller's own classifier (ingest/referrer.ts, the one every own visit goes through), so
 * imported history answers the Channels, Search engines and Search words tabs as own data
 * does. Every importer's rows pass through the store, which fills what a row leaves empty;
 * Plausible's files have none of these columns, WP Statistics gives search words, and the
 * channel of a tagged visit whose tags it did not keep (wp-statistics.ts).
 *
 * A row keeps what the classifier needs of a visit: its source, the referrer's host and path
 * (no query) and the UTM tags. The source is what Teller (or Plausible) named from the
 * referrer or from a tag on the page; both are tried in that order, so a row reads as the
 * visit it was made from: the referrer when it names the row's source, else the source as a
 * tag (`ref=`, which is how a source named by a tag other than utm_source arrives).
 * @module
 */
import { classifyReferrer } from '../ingest/referrer.ts';
import type { ImportedRow } from './tables.ts';

/** The columns filled, as stored ('' for none). */
export interface SourceAcquisition {
  channel: string;
  search_engine: string;
  search_keyword: string;
}

const UTM_COLUMNS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'] as const;
const FILLED = ['channel', 'search_engine', 'search_keyword'] as const;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Distinct sources kept classified at once; a site has far fewer, a hostile file no more. */
const CACHE_LIMIT = 10_000;

type Values = ImportedRow['values'];
const textOf = (values: Values, column: string): string => {
  const value = values[column];
  return typeof value === 'string' ? value.trim() : '';
};

/** Channel, search engine and search words of an `imported_sources` row of a site at `siteDomain`. */
export function importedAcquisition(values: Values, siteDomain: string): SourceAcquisition {
  const page = new URL(`https://${siteDomain || 'site.invalid'}/`);
  for (const column of UTM_COLUMNS) {
    const value = textOf(values, column);
    if (value !== '') page.searchParams.set(column, value);
  }
  const source = textOf(values, 'source');
  const referrer = textOf(values, 'referrer');
  let found = referrer === '' ? null : classifyReferrer(SCHEME.test(referrer) ? referrer : `https://${referrer}`, page, siteDomain);
  if (found === null || (found.source ?? '') !== source) {
    if (source !== '' && !page.searchParams.has('utm_source')) page.searchParams.set('ref', source);
    found = classifyReferrer(null, page, siteDomain);
  }
  return { channel: found.channel, search_engine: found.searchEngine ?? '', search_keyword: found.searchKeyword ?? '' };
}

/**
 * A function completing rows for a site: an `imported_sources` row gets each of channel,
 * search_engine and search_keyword it leaves empty; other rows are returned as they are.
 * Classifies each distinct source once.
 */
export function acquisitionFiller(siteDomain: string): (row: ImportedRow) => ImportedRow {
  const cache = new Map<string, SourceAcquisition>();
  return (row) => {
    if (row.table !== 'imported_sources') return row;
    const missing = FILLED.filter((column) => row.values[column] === undefined || row.values[column] === '');
    if (missing.length === 0) return row;
    const key = JSON.stringify(['source', 'referrer', ...UTM_COLUMNS].map((c) => textOf(row.values, c)));
    let found = cache.get(key);
    if (!found) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      found = importedAcquisition(row.values, siteDomain);
      cache.set(key, found);
    }
    return { ...row, values: { ...row.values, ...Object.fromEntries(missing.map((column) => [column, found[column]])) } };
  };
}
