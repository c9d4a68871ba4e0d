/**
 * The third-party licences on Workers: the packages scripts/third-party.mjs lists for the
 * Worker are those wrangler really bundles (its own metafile from `wrangler deploy
 * --dry-run`), and THIRD-PARTY-LICENSES.txt is served from the static assets in workerd.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metafile } from 'esbuild';
import { LICENCES_FILE, packagesIn, workerPackages, writeLicences } from '../../scripts/third-party.mjs';
import { ROOT, type TellerWorker, buildWorker, startWorker } from './harness.ts';

let worker: TellerWorker;
let bundled: string[];

beforeAll(async () => {
  const built = await buildWorker();
  bundled = packagesIn(JSON.parse(readFileSync(join(built.outDir, 'bundle-meta.json'), 'utf8')) as Metafile, ROOT);
  // The harness builds the tracker only; the licences join it as `npm run build` writes them.
  await writeLicences(built.publicDir, []);
  worker = await startWorker();
}, 120_000);
afterAll(() => worker?.close());

describe('third-party licences on Workers', () => {
  it('cover every package wrangler puts into the Worker', async () => {
    const names = (dirs: string[]) => dirs.map((dir) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name).sort();
    expect(names(bundled)).toEqual(expect.arrayContaining(['hono', 'isbot', 'ua-parser-js']));
    expect(names(await workerPackages())).toEqual(names(bundled));
  });

  it('are served from the static assets as text', async () => {
    const res = await worker.fetch(`/${LICENCES_FILE}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('\nua-parser-js ');
    expect(text).toContain(readFileSync(join(ROOT, 'node_modules/hono/LICENSE'), 'utf8').trim());
  });
});
