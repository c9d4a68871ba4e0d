/**
 * The SQL that stores one processed event and folds it into its visit. The statements
 * find the visit themselves (the visitor's latest visit with activity in the last
 * 30 minutes), so they are correct in any batch order and need no state in memory:
 * the same statements serve better-sqlite3 group commits and D1 batches.
 * @module
 */
import type { ProcessedEvent } from '../ingest/event.ts';
import type { SqlValue, Stmt } from '../ports.ts';

/** A visit ends after 30 minutes without an event from the same visitor. */
export const VISIT_TIMEOUT_SECONDS = 30 * 60;

const OPEN_VISIT = 'SELECT id FROM visits WHERE site_id = ? AND visitor = ? AND ended_at >= ? ORDER BY ended_at DESC LIMIT 1';

const START_VISIT = `INSERT INTO visits (site_id, visitor, started_at, ended_at, hostname, referrer, source, channel,
  search_engine, search_keyword, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
  country, browser, browser_version, os, os_version, device, ip)
SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
WHERE NOT EXISTS (${OPEN_VISIT})`;

const EXTEND_VISIT = `UPDATE visits SET ended_at = max(ended_at, ?), pageviews = pageviews + ?, events = events + ?,
  entry_page = coalesce(entry_page, ?), exit_page = coalesce(?, exit_page)
WHERE id = (${OPEN_VISIT})`;

const INSERT_EVENT = `INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path, site_search, revenue_amount, revenue_currency)
SELECT ?, (${OPEN_VISIT}), ?, ?, ?, ?, ?, ?, ?, ?`;

// event_props is WITHOUT ROWID, so last_insert_rowid() still names the event row.
const INSERT_PROP = 'INSERT OR REPLACE INTO event_props (event_id, site_id, key, value) VALUES (last_insert_rowid(), ?, ?, ?)';

/** Statements to apply, in order, in one atomic batch. */
export function recordEventStatements(e: ProcessedEvent): Stmt[] {
  const since = e.ts - VISIT_TIMEOUT_SECONDS;
  const open: SqlValue[] = [e.siteId, e.visitor, since];
  const isPageview = e.kind === 'pageview';
  const extend: Stmt = {
    sql: EXTEND_VISIT,
    params: [e.ts, isPageview ? 1 : 0, e.kind === 'custom' ? 1 : 0, isPageview ? e.path : null, isPageview ? e.path : null, ...open],
  };
  // Engagement never opens a visit: it can only lengthen one that exists.
  if (e.kind === 'engagement') return [extend];

  const v = e.visit;
  const stmts: Stmt[] = [
    {
      sql: START_VISIT,
      params: [
        e.siteId, e.visitor, e.ts, e.ts, e.hostname, v.referrer, v.source, v.channel, v.searchEngine, v.searchKeyword,
        v.utmSource, v.utmMedium, v.utmCampaign, v.utmTerm, v.utmContent,
        v.country, v.browser, v.browserVersion, v.os, v.osVersion, v.device, v.ip,
        ...open,
      ],
    },
    extend,
    {
      sql: INSERT_EVENT,
      params: [
        e.siteId, ...open, e.visitor, e.ts, e.name, e.hostname, e.path, e.siteSearch,
        e.revenue?.amount ?? null, e.revenue?.currency ?? null,
      ],
    },
  ];
  for (const [key, value] of e.props) stmts.push({ sql: INSERT_PROP, params: [e.siteId, key, value] });
  return stmts;
}
