/**
 * On Workers the icons and the manifest are static assets answered by Cloudflare: with
 * wrangler.toml's run_worker_first they must not reach the Worker (which would answer 404),
 * and they come with the types a browser and a phone expect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ICONS } from '../../dashboard/build.mjs';
import { type TellerWorker, startWorker } from './harness.ts';

let worker: TellerWorker;

beforeAll(async () => {
  worker = await startWorker();
}, 120_000);

afterAll(async () => {
  await worker?.close();
});

describe('icons on Workers', () => {
  it('serves favicon.ico, the SVG icon, the apple-touch-icon and the manifest with its icons', async () => {
    // Cloudflare names an ICO by its registered type; Node by the older one: browsers take both.
    const ico = await worker.fetch('/favicon.ico');
    expect(ico.status).toBe(200);
    expect(['image/vnd.microsoft.icon', 'image/x-icon']).toContain(ico.headers.get('content-type'));
    const expected: Array<[string, string]> = [
      [`/${ICONS.svg}`, 'image/svg+xml'],
      [`/${ICONS.appleTouch}`, 'image/png'],
      ...ICONS.manifest.map((i): [string, string] => [`/${i.src}`, i.type]),
    ];
    for (const [path, type] of expected) {
      const res = await worker.fetch(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')?.split(';')[0], path).toBe(type);
      expect((await res.arrayBuffer()).byteLength, path).toBeGreaterThan(0);
    }
    const manifest = await worker.fetch('/manifest.webmanifest');
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')?.split(';')[0]).toBe('application/manifest+json');
    const json = (await manifest.json()) as { icons: Array<{ src: string }> };
    expect(json.icons.map((i) => i.src)).toContain('/icon-512.png');
  });
});
