/**
 * Why a site's latest events were not counted, for the owner to see where they look (the
 * add-site check) rather than only in a response header. Only reasons the owner can act on
 * are noted (localhost without `data-local`, the visitor's privacy signals, the site's
 * exclusions and allowed hostnames), with the page's hostname and the minute: nothing about
 * the visitor. Writes are bounded: at most one per site and reason a minute.
 * @module
 */
import type { Db } from '../ports.ts';
import { normalizeHostname } from '../sites.ts';

export const NOTED_REASONS: readonly string[] = ['localhost', 'do-not-track', 'global-privacy-control', 'excluded-ip', 'excluded-path', 'hostname-not-allowed'];

/** A note is rewritten at most this often per site and reason. */
const NOTE_EVERY_SECONDS = 60;
/** Keys remembered in memory before the map starts over (a bound, not a cache to tune). */
const MAX_KEYS = 10_000;
/** How far back the add-site check looks. */
const RECENT_SECONDS = 24 * 60 * 60;

export interface DropNote {
  reason: string;
  hostname: string;
  /** Unix seconds, to the minute. */
  seenAt: number;
}

export type NoteDrop = (siteId: number, reason: string, url: URL, nowMs: number) => Promise<void>;

/**
 * The noting function of one ingest: the memory here spares the database a statement per
 * dropped event, and the statement itself keeps a note from moving more than once a minute
 * where several copies run (Workers isolates).
 */
export function dropNotes(db: Db): NoteDrop {
  const written = new Map<string, number>();
  return async (siteId, reason, url, nowMs) => {
    if (!NOTED_REASONS.includes(reason)) return;
    const now = Math.floor(nowMs / 1000 / 60) * 60;
    const key = `${siteId} ${reason}`;
    if ((written.get(key) ?? -Infinity) > now - NOTE_EVERY_SECONDS) return;
    if (written.size >= MAX_KEYS) written.clear();
    written.set(key, now);
    const hostname = normalizeHostname(url.hostname).slice(0, 253);
    try {
      await db.run(
        `INSERT INTO drop_notes (site_id, reason, hostname, seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (site_id, reason) DO UPDATE SET hostname = excluded.hostname, seen_at = excluded.seen_at
         WHERE excluded.seen_at >= drop_notes.seen_at + ${NOTE_EVERY_SECONDS}`,
        [siteId, reason, hostname, now],
      );
    } catch {
      // A note is a hint for the owner: failing to write one must not fail the request.
    }
  };
}

/** The site's notes of the last day, latest first. */
export async function recentDropNotes(db: Db, siteId: number, nowSec: number): Promise<DropNote[]> {
  const rows = await db.all<{ reason: string; hostname: string; seen_at: number }>(
    'SELECT reason, hostname, seen_at FROM drop_notes WHERE site_id = ? AND seen_at >= ? ORDER BY seen_at DESC, reason',
    [siteId, nowSec - RECENT_SECONDS],
  );
  return rows.map((r) => ({ reason: r.reason, hostname: r.hostname, seenAt: r.seen_at }));
}
