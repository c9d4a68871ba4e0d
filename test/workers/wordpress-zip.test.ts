/** On Workers the plugin zip is one of the Worker's static assets: GET /wordpress/teller.zip answers its bytes. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWordPressZip } from '../../scripts/wordpress-zip.mjs';
import { wordpressFixture } from '../helpers/wordpress-fixture.ts';
import { buildWorker, startWorker, type TellerWorker } from './harness.ts';

let worker: TellerWorker | null = null;
const source = wordpressFixture();
afterAll(async () => {
  await worker?.close();
  rmSync(join(source, '..'), { recursive: true, force: true });
});

describe('the WordPress plugin zip on Workers', () => {
  it('is served from the assets at /wordpress/teller.zip', async () => {
    const built = await buildWorker();
    const zip = buildWordPressZip({ sourceDir: source, outDir: built.publicDir, quiet: true })!;
    worker = await startWorker();
    const res = await worker.fetch('/wordpress/teller.zip');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/zip/);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(zip))).toBe(true);
  });
});
