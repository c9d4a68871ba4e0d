/**
 * The admin API of a site's imports, in the Sites API's style (admin tokens, and a site token
 * with the `import` scope for its own site; a missing site is 404 with Plausible's message): list them, and delete one with exactly
 * its rows. `importJson` and `summaryJson` are the shapes every import route answers with.
 * @module
 */
import { Hono, type Context } from 'hono';
import { deleteImport, listImports, type ImportRecord, type ImportSummary } from '../imports/store.ts';
import { findSite, type Site } from '../sites.ts';
import { badRequest, type ApiDeps } from './api-auth.ts';
import { siteRouteGuard } from './site-scopes.ts';

const NOT_FOUND = 'Site could not be found';

/** An import as the API shows it. */
export function importJson(record: ImportRecord): Record<string, unknown> {
  return {
    id: record.id,
    kind: record.kind,
    file_name: record.fileName,
    file_hash: record.fileHash,
    status: record.status,
    first_day: record.firstDay,
    last_day: record.lastDay,
    days: record.days,
    rows: record.rows,
    note: record.note,
    note_detail: record.noteDetail,
    created_at: new Date(record.createdAt * 1000).toISOString(),
    created_by: record.createdBy,
  };
}

/** What an import stored, as the routes that run one answer it. */
export function summaryJson(summary: ImportSummary): Record<string, unknown> {
  return {
    id: summary.id,
    days: summary.days,
    rows: summary.rows,
    first_day: summary.firstDay,
    last_day: summary.lastDay,
    clipped_days: summary.clippedDays,
    note: summary.note,
    note_detail: summary.noteDetail,
  };
}

const ID_PATTERN = /^[1-9]\d{0,15}$/;

/** Deletes the `:id` import of `site` (the admin API and the settings page alike): 400 for a bad id, 404 for no such import. */
export async function deleteImportAnswer(deps: Pick<ApiDeps, 'db' | 'clock'>, c: Context, site: Site): Promise<Response> {
  const idText = c.req.param('id') ?? '';
  if (!ID_PATTERN.test(idText)) return badRequest(c, `id: must be an import's number, got "${idText.slice(0, 40)}"`);
  const id = Number(idText);
  if (!(await deleteImport(deps.db, site.id, id, Math.floor(deps.clock() / 1000)))) {
    return c.json({ error: `${site.domain} has no import ${id}` }, 404);
  }
  return c.json({ deleted: true, id });
}

export function importsApi(deps: ApiDeps): Hono {
  const app = new Hono();

  app.use('/api/v1/sites/:domain/imports/*', siteRouteGuard(deps));

  app.get('/api/v1/sites/:domain/imports', async (c) => {
    const site = await findSite(deps.db, c.req.param('domain'));
    if (!site) return c.json({ error: NOT_FOUND }, 404);
    return c.json({ imports: (await listImports(deps.db, site.id)).map(importJson) });
  });

  app.delete('/api/v1/sites/:domain/imports/:id', async (c) => {
    const site = await findSite(deps.db, c.req.param('domain'));
    if (!site) return c.json({ error: NOT_FOUND }, 404);
    return deleteImportAnswer(deps, c, site);
  });

  return app;
}
