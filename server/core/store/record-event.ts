/**
 * The SQL that stores one processed event and folds it into its visit. The statements
 * find the visit themselves (the visitor's latest visit with activity in the last
 * 30 minutes), so they are correct in any batch order and need no state in memory:
 * the same statements serve better-sqlite3 group commits and D1 batches. A pageview or
 * custom event is two statements: one upsert that extends the open visit or starts one
 * (the open visit's id is the conflicting key, no id a new row), then the event, filed
 * under the visitor's open visit, which the upsert has just made sure of. Engagement only
 * extends. Two statements instead of three (update, insert-if-none-updated, event) save
 * one statement's bind and step for every event: about 3 µs of CPU per event
 * (docs/benchmarks.md, Ingest CPU, third session).
 * @module
 */
import type { ProcessedEvent, VisitAttributes } from '../ingest/event.ts';
import type { SqlValue, Stmt } from '../ports.ts';
import { attributesOf } from './schema.ts';

/** A visit ends after 30 minutes without an event from the same visitor. */
export const VISIT_TIMEOUT_SECONDS = 30 * 60;

/**
 * A visitor's visits never overlap (a visit starts only when none is open), so the latest
 * one is the one with the highest id: the index (site_id, visitor) holds ids in order, and
 * the lookup needs neither a sort nor ended_at in the index, which each extension would move.
 */
const OPEN_VISIT = 'SELECT id FROM visits WHERE site_id = ? AND visitor = ? AND ended_at >= ? ORDER BY id DESC LIMIT 1';

/**
 * How an event lengthens a visit, one definition for both statements below: `value(column)`
 * is the event's value for that column (a bound parameter, or the upsert's `excluded` row).
 * In the order of the parameters: ended_at, pageviews, events, entry_page, exit_page.
 */
const extension = (value: (column: string) => string) =>
  `ended_at = max(ended_at, ${value('ended_at')}), pageviews = pageviews + ${value('pageviews')}, events = events + ${value('events')},
  entry_page = coalesce(entry_page, ${value('entry_page')}), exit_page = coalesce(${value('exit_page')}, exit_page)`;

/** Engagement's statement: it lengthens the open visit, if any, and never opens one. */
const EXTEND_VISIT = `UPDATE visits SET ${extension(() => '?')}
WHERE id = (${OPEN_VISIT})`;

/** The visit attributes a new visit takes from its first event as they are (store/schema.ts). */
const VISIT_FROM_EVENT = attributesOf('visits').filter((a) => a.written === 'event');
/** The event's attributes, stored with it (store/schema.ts). */
const EVENT_ATTRIBUTES = attributesOf('events');

/** A new visit's columns after its id: its own (params in this order first), then VISIT_FROM_EVENT's. */
const START_COLUMNS = ['site_id', 'visitor', 'started_at', 'ended_at', 'hostname', 'pageviews', 'events', 'entry_page', 'exit_page', ...VISIT_FROM_EVENT.map((a) => a.column)];

/**
 * The open visit lengthened (`extension`), or else a new visit: with no open
 * visit the id is NULL, which takes a new rowid; with one, the id conflicts and only the
 * extension is applied (`excluded` holds this event's values).
 */
const UPSERT_VISIT = `INSERT INTO visits (id, ${START_COLUMNS.join(', ')})
VALUES ((${OPEN_VISIT}), ${START_COLUMNS.map(() => '?').join(', ')})
ON CONFLICT (id) DO UPDATE SET ${extension((column) => `excluded.${column}`)}`;

/** Runs right after UPSERT_VISIT, so the visitor's open visit is the one it extended or started. */
const INSERT_EVENT = `INSERT INTO events (site_id, visit_id, visitor, ts, ${EVENT_ATTRIBUTES.map((a) => a.column).join(', ')})
VALUES (?, (${OPEN_VISIT}), ?, ?, ${EVENT_ATTRIBUTES.map(() => '?').join(', ')})`;

/** The value of the event attribute `field`: one of the event's own fields, or its revenue's amount or currency. */
function eventField(e: ProcessedEvent, field: string): SqlValue {
  if (field === 'revenueAmount') return e.revenue?.amount ?? null;
  if (field === 'revenueCurrency') return e.revenue?.currency ?? null;
  return ((e as unknown as Record<string, unknown>)[field] ?? null) as SqlValue;
}

// event_props is WITHOUT ROWID, so last_insert_rowid() still names the event row.
const INSERT_PROP = 'INSERT OR REPLACE INTO event_props (event_id, site_id, key, value) VALUES (last_insert_rowid(), ?, ?, ?)';

/** Statements to apply, in order, in one atomic batch. */
export function recordEventStatements(e: ProcessedEvent): Stmt[] {
  const since = e.ts - VISIT_TIMEOUT_SECONDS;
  const isPageview = e.kind === 'pageview';
  const pageviews = isPageview ? 1 : 0;
  const events = e.kind === 'custom' ? 1 : 0;
  const page = isPageview ? e.path : null;
  // Engagement never opens a visit: it can only lengthen one that exists.
  if (e.kind === 'engagement') return [{ sql: EXTEND_VISIT, params: [e.ts, pageviews, events, page, page, e.siteId, e.visitor, since] }];

  const v = e.visit;
  const stmts: Stmt[] = [
    {
      sql: UPSERT_VISIT,
      params: [
        e.siteId, e.visitor, since,
        e.siteId, e.visitor, e.ts, e.ts, e.hostname, pageviews, events, page, page,
        ...VISIT_FROM_EVENT.map((a) => v[a.field as keyof VisitAttributes]),
      ],
    },
    {
      sql: INSERT_EVENT,
      params: [e.siteId, e.siteId, e.visitor, since, e.visitor, e.ts, ...EVENT_ATTRIBUTES.map((a) => eventField(e, a.field))],
    },
  ];
  for (const [key, value] of e.props) stmts.push({ sql: INSERT_PROP, params: [e.siteId, key, value] });
  return stmts;
}
