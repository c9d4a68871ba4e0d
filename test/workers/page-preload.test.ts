/**
 * On Workers the dashboard's pages name the files they will load (`<link rel="modulepreload">`)
 * as on Node: the Worker reads the build's preload list through its static assets binding.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRELOAD_FILE, type DashboardPreload } from '../../server/core/dashboard-api/preload.ts';
import { buildWorker, type TellerWorker, startWorker } from './harness.ts';

// The build's list as dashboard/build.mjs writes it (this test process's own assets folder).
const LIST: DashboardPreload = {
  initial: ['chunk-ENTRY1.js', 'chunk-ENTRY2.js'],
  pages: { 'site-view/index.ts': ['chunk-VIEW.js'] },
  languages: { en: ['chunk-EN.js'], nb: ['chunk-NB.js'] },
};

let worker: TellerWorker;

beforeAll(async () => {
  const { publicDir } = await buildWorker();
  mkdirSync(join(publicDir, 'dashboard'), { recursive: true });
  writeFileSync(join(publicDir, PRELOAD_FILE), JSON.stringify(LIST));
  worker = await startWorker();
}, 120_000);

afterAll(async () => {
  await worker?.close();
});

const named = async (path: string, lang: string) => {
  const res = await worker.fetch(path, { headers: { 'accept-language': lang } });
  expect(res.status).toBe(200);
  return [...(await res.text()).matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
};

describe('the dashboard page on Workers', () => {
  it('names the entry’s chunks and the reader’s language strings, read from the static assets', async () => {
    expect(await named('/', 'nb-NO,nb;q=0.9')).toEqual(['/dashboard/chunk-ENTRY1.js', '/dashboard/chunk-ENTRY2.js', '/dashboard/chunk-NB.js']);
    // The site view's chunks only for a reader who may see it: a stranger gets the login page's.
    expect(await named('/sites/example.com', 'en-GB')).toEqual(['/dashboard/chunk-ENTRY1.js', '/dashboard/chunk-ENTRY2.js', '/dashboard/chunk-EN.js']);
  });
});
