/**
 * Top Pages' rollup rows (server/core/pageview-pages.ts) in tests: a database as rolled up
 * before them, and a count of the reads that used them, so a test fails if the planner
 * silently reads raw rows instead.
 */
import type { Db, SqlValue } from '../../server/core/ports.ts';
import { PAGEVIEW_PAGES, ROLLUP_FAMILIES } from '../../server/core/store/site-days.ts';

const { events } = ROLLUP_FAMILIES;

/**
 * Statements that make a site's rollups as code before migration 0024 left them, and the
 * migration then: no Top Pages rows, and none recorded.
 */
export const OLD_ROLLUPS_SQL: readonly string[] = [
  ...[events.day, events.month, events.range].map((table) => `DELETE FROM ${table} WHERE site_id = ? AND dimension = '${PAGEVIEW_PAGES.dimension}'`),
  'UPDATE rollup_state SET pageview_pages_from = NULL WHERE site_id = ?',
];

/** Makes a site's rollups as a database rolled up before Top Pages' rows has them. */
export async function makeRollupsOld(db: Db, siteId: number): Promise<void> {
  await db.batch(OLD_ROLLUPS_SQL.map((sql) => ({ sql, params: [siteId] })));
}

export interface PageReads {
  /** Statements that read Top Pages' rows. */
  pages: number;
}

/** `db`, counting in `tally` the statements that read Top Pages' rows (their dimension is bound as a parameter). */
export function countingPageReads(db: Db, tally: PageReads): Db {
  const note = (params?: readonly SqlValue[]) => {
    if (params?.includes(PAGEVIEW_PAGES.dimension)) tally.pages += 1;
  };
  return {
    all: (sql, params) => (note(params), db.all(sql, params)),
    first: (sql, params) => (note(params), db.first(sql, params)),
    run: (sql, params) => db.run(sql, params),
    batch: (stmts) => db.batch(stmts),
  } as Db;
}
