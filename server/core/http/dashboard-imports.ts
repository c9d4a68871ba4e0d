/**
 * The site view's list of imported history: each complete import's source and days, for
 * the note "includes imported data from …" next to the chart. Anyone who may read the site
 * sees it (sessions and shared links), as they see the numbers it adds to; file names and
 * who imported stay with the owner's settings.
 * @module
 */
import { Hono } from 'hono';
import { listImports } from '../imports/store.ts';
import { dashboardAccess, readableSite } from './dashboard-access.ts';
import type { ReaderDeps } from './reader-turns.ts';

export function dashboardImports(deps: ReaderDeps): Hono {
  const app = new Hono();

  app.get('/api/dashboard/sites/:domain/imported', async (c) => {
    const access = await dashboardAccess(deps, c);
    if ('response' in access) return access.response;
    const site = await readableSite(deps, c, access.ok);
    if ('response' in site) return site.response;
    const imports = (await listImports(deps.db, site.ok.id)).filter((i) => i.status === 'complete' && i.firstDay !== null && i.lastDay !== null);
    return c.json({ imports: imports.map((i) => ({ kind: i.kind, first_day: i.firstDay, last_day: i.lastDay })) });
  });

  return app;
}
