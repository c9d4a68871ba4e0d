/**
 * serveAssets: what a visitor's browser gets when it loads the tracker from a Node server.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveAssets } from '../../server/node/static.ts';

const SCRIPT = `(()=>{${'var x=1;'.repeat(50)}})();`;
let root: string;
let app: Hono;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'teller-static-'));
  const publicDir = join(root, 'public');
  await mkdir(join(publicDir, 'js'), { recursive: true });
  await writeFile(join(publicDir, 'script.js'), SCRIPT);
  await writeFile(join(publicDir, 'js', 'script.hash.outbound-links.js'), 'hash+outbound');
  await writeFile(join(publicDir, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(join(publicDir, '.hidden.js'), 'secret');
  await writeFile(join(publicDir, '_headers'), '/*.js\n  Access-Control-Allow-Origin: *\n');
  // Outside the public directory: must never be reachable.
  await writeFile(join(root, 'secret.js'), 'do not serve');
  app = new Hono();
  app.use('*', serveAssets(publicDir));
  app.all('*', (c) => c.text('fell through', 404));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  app.request(path, { method, headers });

describe('serveAssets', () => {
  it('does not serve Cloudflare\'s _headers configuration file', async () => {
    expect(await (await get('/_headers')).text()).toBe('fell through');
  });

  it('serves a script with content type, CORS, caching and a strong ETag, and no cookie', async () => {
    const res = await get('/script.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400, must-revalidate');
    expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('content-length')).toBe(String(SCRIPT.length));
    expect(await res.text()).toBe(SCRIPT);
  });

  it('answers 304 to a matching If-None-Match, also in a list or weak, and 200 otherwise', async () => {
    const etag = (await get('/script.js')).headers.get('etag')!;
    for (const header of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
      const res = await get('/script.js', { 'if-none-match': header });
      expect(res.status, header).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect(await res.text()).toBe('');
    }
    expect((await get('/script.js', { 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('compresses for clients that accept it, with its own ETag per encoding', async () => {
    const plain = await get('/script.js');
    const gz = await get('/script.js', { 'accept-encoding': 'gzip, deflate' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toBe('Accept-Encoding');
    expect(gz.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(SCRIPT);
    const br = await get('/script.js', { 'accept-encoding': 'gzip, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    const refused = await get('/script.js', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(await refused.text()).toBe(SCRIPT);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await get('/script.js', {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(SCRIPT.length));
    expect(await res.text()).toBe('');
  });

  it('lets other methods and unknown paths fall through', async () => {
    for (const [path, method] of [
      ['/script.js', 'POST'],
      ['/nope.js', 'GET'],
      ['/js/', 'GET'],
      ['/.hidden.js', 'GET'],
    ] as const) {
      const res = await get(path, {}, method);
      expect(await res.text(), `${method} ${path}`).toBe('fell through');
    }
  });

  it('cannot be led outside its directory', async () => {
    for (const path of ['/../secret.js', '/%2e%2e/secret.js', '/js/..%2fsecret.js', '/..%5csecret.js', '//secret.js']) {
      const res = await get(path);
      expect(await res.text(), path).not.toContain('do not serve');
    }
  });

  it('serves a Plausible script name in another order as its canonical file', async () => {
    const res = await get('/js/script.outbound-links.hash.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hash+outbound');
    expect(await (await get('/js/script.revenue.outbound-links.compat.hash.js')).text()).toBe('hash+outbound');
    expect(await (await get('/js/script.outbound-links.hash.bogus.js')).text()).toBe('fell through');
  });

  it('does not let HTML be cached without revalidation', async () => {
    expect((await get('/index.html')).headers.get('cache-control')).toBe('no-cache');
  });
});
