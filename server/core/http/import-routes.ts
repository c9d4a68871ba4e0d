/**
 * Imports over HTTP for the admin token (Workers deployments have no CLI): a Plausible CSV
 * export uploaded as a ZIP body, read and stored by the same core code as `teller import
 * plausible`. The body is bounded (MAX_IMPORT_BYTES, Cloudflare's request limit on its
 * free and pro plans); every refusal is a 4xx naming the file, line and column.
 * @module
 */
import { Hono, type Context } from 'hono';
import type { AppDeps } from './app-deps.ts';
import { badRequest, requestGrant, unauthorized } from './api-auth.ts';
import { readBodyBytes } from './body.ts';
import { plausibleZipSource } from '../imports/plausible-csv.ts';
import { ImportError, runImport, type ClipMode, type ImportSummary } from '../imports/store.ts';
import { ImportFormatError } from '../imports/tables.ts';
import { looksLikeZip } from '../unzip.ts';
import { findSite, unknownSiteMessage } from '../sites.ts';

export type ImportDeps = Pick<AppDeps, 'db' | 'readDb' | 'columnar' | 'config' | 'clock' | 'log'>;

/** 100 MB: what Cloudflare accepts as a request body on its free and pro plans. */
export const MAX_IMPORT_BYTES = 100 * 1000 * 1000;

const CLIP_MODES: ClipMode[] = ['before-own-data', 'refuse'];

/** The summary as the API answers it (snake_case, as the rest of the admin API). */
export function summaryJson(summary: ImportSummary, skipped: string[]) {
  return {
    id: summary.id,
    days: summary.days,
    rows: summary.rows,
    first_day: summary.firstDay,
    last_day: summary.lastDay,
    clipped_days: summary.clippedDays,
    note: summary.note,
    skipped_files: skipped,
  };
}

/** A refused import's answer: 400 for bad input, 409 when the site's data stands in the way. */
export function importErrorResponse(c: Context, error: unknown): Response {
  if (error instanceof ImportFormatError) return c.json({ error: error.message, file: error.file, line: error.line, column: error.column }, 400);
  if (error instanceof ImportError) return c.json({ error: error.message, code: error.code }, error.code === 'duplicate' || error.code === 'overlap' || error.code === 'abandoned' ? 409 : 400);
  throw error;
}

export function importRoutes(deps: ImportDeps): Hono {
  const app = new Hono();

  app.post('/api/v1/sites/:domain/imports/plausible', async (c) => {
    if (!(await requestGrant(deps, c))?.admin) return unauthorized(c);
    const domain = c.req.param('domain');
    const site = await findSite(deps.db, domain);
    if (!site) return c.json({ error: unknownSiteMessage(domain) }, 404);
    const clip = c.req.query('clip') ?? 'before-own-data';
    if (!CLIP_MODES.includes(clip as ClipMode)) return badRequest(c, `clip: must be one of ${CLIP_MODES.join(', ')}, got "${clip}"`);
    const fileName = c.req.query('file_name') ?? 'upload.zip';
    if (fileName.length > 255 || /[\u0000-\u001f]/.test(fileName)) return badRequest(c, 'file_name: at most 255 characters, no control characters');
    const read = await readBodyBytes(c, MAX_IMPORT_BYTES);
    if ('tooLarge' in read) return c.json({ error: `the body must be at most ${MAX_IMPORT_BYTES} bytes (100 MB); import a larger export with the CLI, or a year at a time` }, 413);
    if (!looksLikeZip(read.bytes)) return badRequest(c, `the body must be a ZIP archive of Plausible's CSV export (${fileName} is not one)`);
    try {
      const source = await plausibleZipSource(fileName, read.bytes);
      const nowSec = Math.floor(deps.clock() / 1000);
      const summary = await runImport(deps.db, site, source, { by: 'api', nowSec, clock: deps.clock, clip: clip as ClipMode });
      deps.log.info(`import ${summary.id} into ${site.domain}: ${summary.rows} rows over ${summary.days} days from ${fileName}`);
      return c.json(summaryJson(summary, source.skipped), 201);
    } catch (error) {
      return importErrorResponse(c, error);
    }
  });

  return app;
}
