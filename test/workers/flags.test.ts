/**
 * The countries' flags on Workers, in real workerd: the build's `flags/` folder is served
 * from the static assets (wrangler.toml's run_worker_first does not send it to the Worker)
 * as SVG, with the month's Cache-Control of its `_headers` rule, and its licence with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAGS_CACHE_CONTROL, copyFlags } from '../../dashboard/build.mjs';
import { type TellerWorker, buildWorker, startWorker } from './harness.ts';

let worker: TellerWorker;

beforeAll(async () => {
  // The harness builds the tracker only; the flags join it as `npm run build` puts them.
  await copyFlags((await buildWorker()).publicDir);
  worker = await startWorker();
}, 120_000);
afterAll(() => worker?.close());

describe('flags on Workers', () => {
  it('serves /flags/no.svg as an SVG image, cached for a month', async () => {
    const res = await worker.fetch('/flags/no.svg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('cache-control')).toBe(FLAGS_CACHE_CONTROL);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<svg');
  });

  it('serves the placeholder and flag-icons’ licence beside the flags', async () => {
    expect((await worker.fetch('/flags/xx.svg')).status).toBe(200);
    const licence = await worker.fetch('/flags/LICENSE.txt');
    expect(licence.status).toBe(200);
    expect(await licence.text()).toContain('Panayiotis Lipiridis');
  });
});
