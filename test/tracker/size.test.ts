/**
 * Size budgets (SPEC, Tracker): the core script at most 1 KB gzipped, the variants at
 * most 1.5 KB. Size is deterministic, so unlike time it can be a test: this builds the
 * real files and fails on the first byte over.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_BUDGET, VARIANT_BUDGET, buildTracker } from '../../tracker/build.mjs';

let outDir: string;
let results: Awaited<ReturnType<typeof buildTracker>>;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'teller-size-'));
  results = await buildTracker({ outDir, quiet: true });
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('tracker size budget', () => {
  it('keeps the core script within 1 KB gzipped', async () => {
    expect(CORE_BUDGET).toBe(1024);
    for (const file of ['script.js', 'js/script.js', 'js/plausible.js']) {
      const code = await readFile(join(outDir, file));
      expect(gzipSync(code, { level: 9 }).byteLength, file).toBeLessThanOrEqual(CORE_BUDGET);
    }
  });

  it('keeps every file within its budget, variants within 1.5 KB', () => {
    expect(VARIANT_BUDGET).toBe(1536);
    const over = results.filter((r) => r.gzipped > r.budget).map((r) => `${r.file}: ${r.gzipped} > ${r.budget}`);
    expect(over).toEqual([]);
    // Files without the extras carry nothing beyond the core, so the core budget holds.
    for (const r of results.filter((r) => /^(js\/)?(script|plausible)(\.(hash|manual|local|exclusions))*\.js$/.test(r.file))) {
      expect(r.budget, r.file).toBe(CORE_BUDGET);
    }
  });

  it('reports the true size of every file it wrote, and wrote every file it reports', async () => {
    const onDisk = [
      ...(await readdir(outDir)).filter((f) => f.endsWith('.js')),
      ...(await readdir(join(outDir, 'js'))).map((f) => `js/${f}`),
    ].sort();
    expect(results.map((r) => r.file).sort()).toEqual(onDisk);
    for (const r of results.filter((_, i) => i % 37 === 0)) {
      const code = await readFile(join(outDir, r.file));
      expect(r.minified, r.file).toBe(code.byteLength);
      expect(r.gzipped, r.file).toBe(gzipSync(code, { level: 9 }).byteLength);
    }
  });

  it('writes the names the SPEC promises', () => {
    const files = new Set(results.map((r) => r.file));
    for (const name of [
      'script.js',
      'js/script.js',
      'optout.js',
      'js/script.hash.js',
      'js/script.outbound-links.js',
      'js/script.file-downloads.js',
      'js/script.outbound-links.file-downloads.js',
      'js/script.file-downloads.outbound-links.js',
      'js/script.hash.outbound-links.file-downloads.js',
      'js/script.outbound-links.hash.file-downloads.js',
      'js/script.file-downloads.hash.outbound-links.pageview-props.tagged-events.js',
      'js/script.exclusions.local.js',
      'js/script.manual.js',
      'js/plausible.js',
      'js/plausible.hash.outbound-links.js',
      'script.extras.js',
    ]) {
      expect(files.has(name), name).toBe(true);
    }
  });
});

describe('Cloudflare static asset headers', () => {
  it('gives the scripts CORS and cache headers on Workers as Node does', async () => {
    const headers = await readFile(join(outDir, '_headers'), 'utf8');
    expect(headers).toMatch(/^\/\*\.js\n/);
    expect(headers).toContain('Access-Control-Allow-Origin: *');
    expect(headers).toContain('Cache-Control: public, max-age=86400, must-revalidate');
  });
});
