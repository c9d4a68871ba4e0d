/**
 * The custom-property names a site has seen, for the custom-events panel: of one event, or
 * of every event. Properties live in the raw rows only (no rollup keeps them), so this is
 * what retention has kept, as every property breakdown is.
 * @module
 */
import type { Db } from '../ports.ts';

/** At most this many names: more would be a bug in the site's own code, not a list to show. */
const MAX_KEYS = 100;

export async function propertyKeys(db: Db, siteId: number, event?: string): Promise<string[]> {
  const rows =
    event === undefined
      ? await db.all<{ key: string }>('SELECT DISTINCT key FROM event_props WHERE site_id = ? ORDER BY 1 LIMIT ?', [siteId, MAX_KEYS])
      : await db.all<{ key: string }>(
          'SELECT DISTINCT p.key FROM event_props p JOIN events e ON e.id = p.event_id WHERE p.site_id = ? AND e.name = ? ORDER BY 1 LIMIT ?',
          [siteId, event, MAX_KEYS],
        );
  return rows.map((r) => r.key);
}
