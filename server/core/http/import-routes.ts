/**
 * Imports over HTTP for the admin token and the owner's session (Workers deployments have no
 * CLI; the settings page uploads here), WP Statistics' also for a site token with the `import`
 * scope (the WordPress plugin's): a Plausible CSV export as a ZIP body, or WP Statistics'
 * exports and/or mysqldump as a ZIP or one file, read and stored by the same core code as
 * `teller import plausible|wp-statistics`. Both routes share one handler.
 * The body is bounded (MAX_IMPORT_BYTES, Cloudflare's request limit on its free and pro plans); every refusal is a 4xx naming the file, line and column.
 * @module
 */
import { Hono, type Context } from 'hono';
import type { AppDeps } from './app-deps.ts';
import { badRequest, requestAccess, unauthorized, type Access } from './api-auth.ts';
import { readBodyBytes } from './body.ts';
import { summaryJson } from './imports-api.ts';
import { plausibleZipSource } from '../imports/plausible-csv.ts';
import { ImportError, runImport, type ClipMode } from '../imports/store.ts';
import { importNoteText, type ImportNote } from '../imports/notes.ts';
import { ImportFormatError, type ImportSource } from '../imports/tables.ts';
import { wpStatisticsSource } from '../imports/wp-statistics.ts';
import { wpStatisticsUpload } from '../imports/wp-statistics-upload.ts';
import { looksLikeZip } from '../unzip.ts';
import { findSite, unknownSiteMessage, type Site } from '../sites.ts';
import { mayCallSiteRoute } from './site-scopes.ts';

export type ImportDeps = Pick<AppDeps, 'db' | 'readDb' | 'columnar' | 'config' | 'clock' | 'log'>;

/** 100 MB: what Cloudflare accepts as a request body on its free and pro plans. */
export const MAX_IMPORT_BYTES = 100 * 1000 * 1000;

const CLIP_MODES: ClipMode[] = ['before-own-data', 'refuse'];

/** A refused import's answer: 400 for bad input, 409 when the site's data stands in the way. */
export function importErrorResponse(c: Context, error: unknown): Response {
  if (error instanceof ImportFormatError) return c.json({ error: error.message, file: error.file, line: error.line, column: error.column }, 400);
  if (error instanceof ImportError) return c.json({ error: error.message, code: error.code }, error.code === 'duplicate' || error.code === 'overlap' || error.code === 'abandoned' ? 409 : 400);
  throw error;
}

/** What an upload's bytes become: the source to store, plus what the answer lists beside the summary. */
interface UploadReading {
  source: ImportSource;
  skipped: string[];
  notes: ImportNote[];
}

interface UploadKind {
  /** The stored file name when the request names none. */
  defaultName: string;
  /** Why the body cannot be this kind's upload, or null when it may be. */
  refusal(bytes: Uint8Array, fileName: string): string | null;
  read(fileName: string, bytes: Uint8Array, site: Site): Promise<UploadReading>;
}

const PLAUSIBLE: UploadKind = {
  defaultName: 'upload.zip',
  refusal: (bytes, fileName) => (looksLikeZip(bytes) ? null : `the body must be a ZIP archive of Plausible's CSV export (${fileName} is not one)`),
  async read(fileName, bytes) {
    const source = await plausibleZipSource(fileName, bytes);
    return { source, skipped: source.skipped, notes: [] };
  },
};

const WP_STATISTICS: UploadKind = {
  defaultName: 'upload',
  refusal: (bytes) => (bytes.length === 0 ? 'the body is empty: send a ZIP of WP Statistics\' exports, or one export or mysqldump file' : null),
  async read(fileName, bytes, site) {
    const upload = await wpStatisticsUpload(fileName, bytes);
    // Recorded under the uploaded file's name, which the owner knows, not the names inside it.
    const source = { ...(await wpStatisticsSource(upload.files, site)), fileName };
    return { source, skipped: upload.skipped, notes: source.notes };
  },
};

/** Who runs an import, as the import list shows it: the owner's email, or 'api' for a token. */
function importedBy(access: Access): string {
  return access.via === 'session' ? access.user.email : 'api';
}

/** One upload route: the admin's token, the owner's session or a scoped site token (site-scopes.ts), a bounded body, the summary or a 4xx naming the problem. */
function uploadRoute(deps: ImportDeps, kind: UploadKind) {
  return async (c: Context): Promise<Response> => {
    // The admin API's token or the owner's session (the settings page), both admin; or, for
    // WP Statistics, a site token with the `import` scope for its own site (site-scopes.ts).
    const access = await requestAccess(deps, c);
    if (!access || !('grant' in access) || !(await mayCallSiteRoute(deps, c))) return unauthorized(c);
    const domain = c.req.param('domain') ?? '';
    const site = await findSite(deps.db, domain);
    if (!site) return c.json({ error: unknownSiteMessage(domain) }, 404);
    const clip = c.req.query('clip') ?? 'before-own-data';
    if (!CLIP_MODES.includes(clip as ClipMode)) return badRequest(c, `clip: must be one of ${CLIP_MODES.join(', ')}, got "${clip}"`);
    const fileName = c.req.query('file_name') ?? kind.defaultName;
    if (fileName.length > 255 || /[\u0000-\u001f]/.test(fileName)) return badRequest(c, 'file_name: at most 255 characters, no control characters');
    const read = await readBodyBytes(c, MAX_IMPORT_BYTES);
    if ('tooLarge' in read) return c.json({ error: `the body must be at most ${MAX_IMPORT_BYTES} bytes (100 MB); import a larger export with the CLI, or a year at a time` }, 413);
    const refusal = kind.refusal(read.bytes, fileName);
    if (refusal) return badRequest(c, refusal);
    try {
      const { source, skipped, notes } = await kind.read(fileName, read.bytes, site);
      const nowSec = Math.floor(deps.clock() / 1000);
      const summary = await runImport(deps.db, site, source, { by: importedBy(access), nowSec, clock: deps.clock, clip: clip as ClipMode });
      deps.log.info(`import ${summary.id} into ${site.domain}: ${summary.rows} rows over ${summary.days} days from ${fileName}`);
      return c.json({ ...summaryJson(summary), skipped_files: skipped, notes: notes.map(importNoteText), notes_detail: notes }, 201);
    } catch (error) {
      return importErrorResponse(c, error);
    }
  };
}

export function importRoutes(deps: ImportDeps): Hono {
  const app = new Hono();
  app.post('/api/v1/sites/:domain/imports/plausible', uploadRoute(deps, PLAUSIBLE));
  app.post('/api/v1/sites/:domain/imports/wp-statistics', uploadRoute(deps, WP_STATISTICS));
  return app;
}
