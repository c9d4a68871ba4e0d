/**
 * Serves the built public assets (`dist/public`: the tracker scripts, the opt-out widget,
 * the dashboard's files) from memory on Node. On Workers the same directory is served
 * as static assets by Cloudflare, so nothing here may be needed for a file to be found.
 *
 * The files are read once, when the middleware is created: they are small, and a map
 * lookup per request means a request path never reaches the filesystem, so `..`, encoded
 * slashes and symlinks cannot lead outside the directory.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants as zlib, gzip, gzipSync } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);
import type { MiddlewareHandler } from 'hono';
import { asDashboardPreload, PRELOAD_FILE, type DashboardPreload } from '../core/dashboard-api/preload.ts';
import { canonicalScriptPath } from '../../tracker/variants.mjs';

const CONTENT_TYPES: Record<string, string> = {
  js: 'application/javascript; charset=utf-8',
  mjs: 'application/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  webp: 'image/webp',
  woff2: 'font/woff2',
  webmanifest: 'application/manifest+json',
  zip: 'application/zip',
};

/** Text formats worth compressing; images and fonts already are. */
const COMPRESSIBLE = new Set(['js', 'mjs', 'css', 'html', 'json', 'map', 'txt', 'svg', 'webmanifest']);

type Encoding = 'br' | 'gzip' | 'identity';

interface Representation {
  body: Uint8Array<ArrayBuffer>;
  /** Strong ETag: each encoding is a different byte sequence, so it gets its own tag. */
  etag: string;
}

/** One content, shared by every name it is written under. */
interface Content {
  identity: Representation;
  compressible: boolean;
  /** Made on first request: brotli at its best quality is too slow to run for every file at start. */
  compressed?: Partial<Record<'br' | 'gzip', Representation>>;
}

interface Asset {
  type: string;
  cacheControl: string;
  content: Content;
}

/** The ETag is derived from the bytes, so it stays the same across restarts and machines. */
function representation(bytes: Uint8Array, suffix: string): Representation {
  const digest = createHash('sha256').update(bytes).digest('base64url').slice(0, 27);
  return { body: new Uint8Array(bytes), etag: `"${digest}${suffix}"` };
}

/** From this size, brotli at its best quality takes long enough for a visitor to notice. */
const PRECOMPRESS_BYTES = 16 * 1024;

/**
 * Compresses the large files (the dashboard's script, the map's outlines) on zlib's thread
 * pool right after start, so no first visitor waits for brotli at its best quality (about half
 * a second for the dashboard's script) and the event loop is never held. Small files are
 * compressed on their first request, as a request that comes sooner is.
 */
async function precompress(contents: Iterable<Content>): Promise<void> {
  for (const content of contents) {
    if (content.compressed || !content.compressible || content.identity.body.byteLength < PRECOMPRESS_BYTES) continue;
    const body = content.identity.body;
    const [gz, br] = await Promise.all([gzipAsync(body, { level: 9 }), brotliAsync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } })]);
    if (content.compressed) continue;
    content.compressed = {};
    if (gz.length < body.length) content.compressed.gzip = representation(gz, '-gz');
    if (br.length < body.length) content.compressed.br = representation(br, '-br');
  }
}

function compressedOf(content: Content): Partial<Record<'br' | 'gzip', Representation>> {
  if (!content.compressed) {
    content.compressed = {};
    if (content.compressible) {
      const body = content.identity.body;
      const gz = gzipSync(body, { level: 9 });
      const br = brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } });
      // Only keep an encoding that actually saves bytes (tiny files can grow).
      if (gz.length < body.length) content.compressed.gzip = representation(gz, '-gz');
      if (br.length < body.length) content.compressed.br = representation(br, '-br');
    }
  }
  return content.compressed;
}

/**
 * A page must pick up a new dashboard at once, so pages and the dashboard's own files are
 * revalidated on every load (a 304 by ETag when unchanged). Scripts and the rest may be
 * cached for a day (the tracker is fetched on every page view of every tracked site) and
 * are revalidated with the ETag afterwards, so an upgrade reaches every visitor within a day.
 * The countries' flags change only with flag-icons: a month (as dashboard/build.mjs's
 * FLAGS_CACHE_CONTROL tells Cloudflare).
 */
function cacheControlOf(urlPath: string, ext: string): string {
  if (urlPath.startsWith('/flags/')) return 'public, max-age=2592000';
  return ext === 'html' || urlPath.startsWith('/dashboard/') ? 'no-cache' : 'public, max-age=86400, must-revalidate';
}

/** The tracker is written under hundreds of names that share a few dozen contents. */
function loadAsset(file: string, urlPath: string, ext: string, byContent: Map<string, Content>): Asset {
  const identity = representation(readFileSync(file), '');
  const key = `${ext} ${identity.etag}`;
  let content = byContent.get(key);
  if (!content) {
    content = { identity, compressible: COMPRESSIBLE.has(ext) };
    byContent.set(key, content);
  }
  return {
    type: CONTENT_TYPES[ext] ?? 'application/octet-stream',
    cacheControl: cacheControlOf(urlPath, ext),
    content,
  };
}

function loadDir(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const byContent = new Map<string, Content>();
  if (!existsSync(root)) return assets;
  const walk = (dir: string, urlPrefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      // Dot files and Cloudflare's `_headers` are configuration, not content.
      if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${urlPrefix}${entry.name}/`);
      else if (entry.isFile()) {
        const dot = entry.name.lastIndexOf('.');
        const ext = dot > 0 ? entry.name.slice(dot + 1).toLowerCase() : '';
        const urlPath = `${urlPrefix}${entry.name}`;
        assets.set(urlPath, loadAsset(full, urlPath, ext, byContent));
      }
    }
  };
  walk(root, '/');
  return assets;
}

/** The best encoding the client accepts (q > 0) among those available. */
function negotiate(acceptEncoding: string | undefined, available: Partial<Record<'br' | 'gzip', Representation>>): Encoding {
  if (!acceptEncoding) return 'identity';
  const accepted = new Set<string>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [token = '', ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q && !(Number(q.slice(2)) > 0)) continue;
    accepted.add(token.trim());
  }
  for (const enc of ['br', 'gzip'] as const) if (available[enc] && accepted.has(enc)) return enc;
  return 'identity';
}

/** The list of files the dashboard's pages name for preloading (dashboard/build.mjs), or undefined when `dir` holds no built dashboard. */
export function dashboardPreload(dir: string): DashboardPreload | undefined {
  const file = join(dir, PRELOAD_FILE);
  return existsSync(file) ? asDashboardPreload(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/` is ignored. */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * GET/HEAD for every file in `dir`, with a strong ETag (304 on `If-None-Match`), gzip or
 * brotli when accepted, and CORS/CORP headers so any site may load the tracker. Responses
 * never set a cookie. A path that names no file falls through to the next handler;
 * a Plausible script variant named in an unusual order is served as its canonical file.
 */
export function serveAssets(dir: string): MiddlewareHandler {
  const assets = loadDir(dir);
  void precompress(new Set([...assets.values()].map((a) => a.content))).catch(() => {
    // Compression then happens on first request, as before.
  });
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const path = c.req.path;
    const asset = assets.get(path) ?? assets.get(canonicalScriptPath(path) ?? '');
    if (!asset) return next();

    const compressed = compressedOf(asset.content);
    const encoding = negotiate(c.req.header('accept-encoding'), compressed);
    const rep = (encoding === 'identity' ? undefined : compressed[encoding]) ?? asset.content.identity;
    const headers: Record<string, string> = {
      'Content-Type': asset.type,
      'Cache-Control': asset.cacheControl,
      ETag: rep.etag,
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
    };
    if (compressed.gzip || compressed.br) headers.Vary = 'Accept-Encoding';
    if (encoding !== 'identity') headers['Content-Encoding'] = encoding;

    if (matchesIfNoneMatch(c.req.header('if-none-match'), rep.etag)) {
      return new Response(null, { status: 304, headers });
    }
    headers['Content-Length'] = String(rep.body.byteLength);
    return new Response(c.req.method === 'HEAD' ? null : rep.body, { status: 200, headers });
  };
}
