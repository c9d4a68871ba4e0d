/**
 * Test store: a real migrated SQLite file in the temp directory, and direct writers for
 * visits, events and props so fixtures say exactly what is stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../../server/node/migrate.ts';
import { openSqlite, type SqliteDb } from '../../../server/node/sqlite-db.ts';
import { createSite, type Site } from '../../../server/core/sites.ts';
import { attributesOf } from '../../../server/core/store/schema.ts';

export interface TestStore {
  db: SqliteDb;
  /** The temporary folder holding the file. */
  dir: string;
  close(): void;
}

export function openTestStore(): TestStore {
  const dir = mkdtempSync(join(tmpdir(), 'teller-query-'));
  const db = openSqlite(join(dir, 'teller.db'));
  // A test's rows need not survive a power cut: no disk flush per commit (WAL keeps it atomic).
  db.raw.pragma('synchronous = NORMAL');
  migrate(db.raw);
  return {
    db,
    dir,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function addSite(db: SqliteDb, domain: string, timezone = 'Etc/UTC'): Promise<Site> {
  return createSite(db, { domain, timezone }, Date.parse('2020-01-01T00:00:00Z'));
}

/** A visits row as tests write it (every column of store/schema.ts is written; unset ones are NULL). */
export interface VisitRow {
  visitor: number;
  started_at: number;
  ended_at?: number;
  pageviews?: number;
  events?: number;
  entry_page?: string | null;
  exit_page?: string | null;
  hostname?: string | null;
  referrer?: string | null;
  source?: string | null;
  channel?: string;
  search_engine?: string | null;
  search_keyword?: string | null;
  utm_source?: string | null;
  utm_medium?: string | null;
  utm_campaign?: string | null;
  utm_term?: string | null;
  utm_content?: string | null;
  country?: string | null;
  region?: string | null;
  region_name?: string | null;
  city_name?: string | null;
  browser?: string | null;
  browser_version?: string | null;
  os?: string | null;
  os_version?: string | null;
  device?: string | null;
  ip?: string | null;
}

const VISIT_COLUMNS = ['visitor', 'started_at', 'ended_at', 'pageviews', 'events', ...attributesOf('visits').map((a) => a.column)];

/** Inserts a visit row as given (counters are not derived from events); returns its id. */
export function insertVisit(db: SqliteDb, siteId: number, v: VisitRow): number {
  const row: Record<string, unknown> = { ended_at: v.started_at, pageviews: 0, events: 0, channel: 'Direct', ...v };
  const values = VISIT_COLUMNS.map((c) => (row[c] ?? null) as string | number | null);
  const r = db.raw
    .prepare(`INSERT INTO visits (site_id, ${VISIT_COLUMNS.join(', ')}) VALUES (?, ${VISIT_COLUMNS.map(() => '?').join(', ')})`)
    .run(siteId, ...values);
  return Number(r.lastInsertRowid);
}

export interface EventRow {
  visit_id: number;
  visitor: number;
  ts: number;
  name?: string;
  hostname?: string;
  path?: string;
  site_search?: string | null;
  props?: Record<string, string>;
}

export function insertEvent(db: SqliteDb, siteId: number, e: EventRow): number {
  const r = db.raw
    .prepare('INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path, site_search) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(siteId, e.visit_id, e.visitor, e.ts, e.name ?? 'pageview', e.hostname ?? 'example.com', e.path ?? '/', e.site_search ?? null);
  const id = Number(r.lastInsertRowid);
  for (const [key, value] of Object.entries(e.props ?? {})) {
    db.raw.prepare('INSERT INTO event_props (event_id, site_id, key, value) VALUES (?, ?, ?, ?)').run(id, siteId, key, value);
  }
  return id;
}

/**
 * A visit with its events, counters and times derived from them as the collector keeps
 * them: pageviews, custom events, entry and exit page, first and last event time.
 */
export function insertVisitWithEvents(
  db: SqliteDb,
  siteId: number,
  visit: Omit<VisitRow, 'started_at' | 'ended_at' | 'pageviews' | 'events' | 'entry_page' | 'exit_page'> & { ended_at?: number },
  events: Array<Omit<EventRow, 'visit_id' | 'visitor'>>,
): number {
  const pages = events.filter((e) => (e.name ?? 'pageview') === 'pageview');
  const times = events.map((e) => e.ts);
  const id = insertVisit(db, siteId, {
    ...visit,
    started_at: Math.min(...times),
    ended_at: visit.ended_at ?? Math.max(...times),
    pageviews: pages.length,
    events: events.length - pages.length,
    entry_page: pages[0]?.path ?? '/',
    exit_page: pages.at(-1)?.path ?? '/',
  });
  for (const e of events) insertEvent(db, siteId, { ...e, visit_id: id, visitor: visit.visitor });
  return id;
}
