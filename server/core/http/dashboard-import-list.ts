/**
 * The settings page's list of a site's imports, for the owner's session only: the admin
 * API's shapes (importJson) and delete (deleteImportAnswer), behind the dashboard's owner
 * check, so a viewer or a shared link is told 403 "only the owner may do this" and an
 * unknown site 404, as on every other settings route. The admin API keeps its own routes
 * for tokens (/api/v1/sites/:domain/imports).
 * @module
 */
import { Hono } from 'hono';
import { listImports } from '../imports/store.ts';
import type { ApiDeps } from './api-auth.ts';
import { ownedSite } from './dashboard-access.ts';
import { deleteImportAnswer, importJson } from './imports-api.ts';

export function dashboardImportList(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/api/dashboard/sites/:domain/imports', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    return c.json({ imports: (await listImports(deps.db, site.ok.id)).map(importJson) });
  });

  app.delete('/api/dashboard/sites/:domain/imports/:id', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    return deleteImportAnswer(deps, c, site.ok);
  });

  return app;
}
