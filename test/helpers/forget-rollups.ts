/**
 * For tests that write closed days' raw rows straight into SQLite while a server runs: the
 * server's first maintenance pass (on its ingest thread, which may boot after the rows start
 * arriving) can roll up a day half written, and queries then read the half from rollups.
 * Forgetting the site's rollups makes queries read the raw rows until the next pass.
 */
import type { Db } from '../../server/core/ports.ts';
import { ROLLUP_TABLES } from '../../server/core/store/site-days.ts';

export async function forgetRollups(db: Db, siteId: number): Promise<void> {
  await db.batch(ROLLUP_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE site_id = ?`, params: [siteId] })));
}
