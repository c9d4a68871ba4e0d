/**
 * Traffic for the columnar copy's tests: `days` days of visits in Europe/Oslo from
 * 2024-03-01, varied enough that filters and breakdowns pick different rows, and one visit
 * that runs past the last closed day's midnight into today with a page only seen after it.
 */
import { addDays, dayStart } from '../../server/core/time.ts';
import type { SqliteDb } from '../../server/node/sqlite-db.ts';
import { insertVisitWithEvents } from '../core/query/store.ts';

export const ZONE = 'Europe/Oslo';
export const FIRST_DAY = '2024-03-01';

const COUNTRIES = ['US', 'NO', 'SE', null];
const BROWSERS = ['Chrome', 'Firefox', 'Safari'];
const SOURCES = ['Google', 'Bing', null, 'Twitter', null];
const PAGES = ['/', '/blog', '/pricing', '/docs', '/blog/post-1', '/about'];

/** Fills `days` days of `perDay` visits; returns the instant "now" is (noon of the day after). */
export function fillTraffic(db: SqliteDb, siteId: number, days: number, perDay: number): number {
  // One transaction: row by row, each insert's commit waits for the disk (seconds per thousand).
  return db.raw.transaction(() => fillTrafficRows(db, siteId, days, perDay))();
}

function fillTrafficRows(db: SqliteDb, siteId: number, days: number, perDay: number): number {
  let n = 0;
  for (let d = 0; d < days; d++) {
    const midnight = dayStart(ZONE, addDays(FIRST_DAY, d));
    for (let i = 0; i < perDay; i++) {
      n += 1;
      const t = midnight + ((i * 7919) % 80_000) + 600;
      const pages = 1 + (n % 3);
      const visitor = d * 1000 + (i % Math.max(1, perDay - 3));
      insertVisitWithEvents(
        db,
        siteId,
        // The browser follows the visitor, as a visitor hash's user agent does; the country does
        // too except on every third day, which the copy then lists as varying in country.
        { visitor, country: COUNTRIES[(d % 3 === 0 ? n : visitor) % 4]!, browser: BROWSERS[visitor % 3]!, source: SOURCES[n % 5]!, channel: 'Direct' },
        Array.from({ length: pages }, (_, p) => ({
          ts: t + p * 90,
          path: PAGES[(n + p * 5) % PAGES.length]!,
          ...(p === 1 && n % 4 === 0 ? { name: 'Signup', props: { plan: n % 8 === 0 ? 'pro' : 'free' } } : {}),
        })),
      );
    }
  }
  const today = dayStart(ZONE, addDays(FIRST_DAY, days));
  // Begun 10 minutes before the last closed day ends; its /checkout page comes after midnight.
  insertVisitWithEvents(db, siteId, { visitor: 999_999, country: 'US', browser: 'Chrome', channel: 'Direct' }, [
    { ts: today - 600, path: '/' },
    { ts: today + 600, path: '/checkout' },
  ]);
  // Today's own traffic, which stays in SQLite.
  insertVisitWithEvents(db, siteId, { visitor: 999_998, country: 'NO', browser: 'Firefox', channel: 'Direct' }, [{ ts: today + 3600, path: '/checkout' }]);
  return (today + 12 * 3600) * 1000;
}
