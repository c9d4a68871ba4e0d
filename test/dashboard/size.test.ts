/**
 * The dashboard's weight: a cold load (the page's JavaScript and CSS, uPlot included, and one
 * language's strings) stays within the budget, each language is its own chunk, and the world
 * map's code and outlines load only when the map is shown.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, type DashboardBuild } from '../../dashboard/build.mjs';

let dir: string;
let built: DashboardBuild;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'teller-dash-size-'));
  built = await buildDashboard({ outDir: dir, quiet: true });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (file: string) => readFileSync(join(dir, file), 'utf8');

describe('dashboard build', () => {
  it('keeps a cold load within the budget, and says so truthfully', () => {
    expect(built.initial).toBeLessThanOrEqual(built.budget);
    for (const f of built.files) expect(f.gzipped, f.file).toBe(gzipSync(readFileSync(join(dir, f.file)), { level: 9 }).byteLength);
    const initial = built.files.filter((f) => f.load === 'initial');
    const languages = built.files.filter((f) => f.load === 'language');
    expect(built.initial).toBe(initial.reduce((n, f) => n + f.gzipped, 0) + Math.max(...languages.map((f) => f.gzipped)));
    expect(initial.map((f) => f.file)).toEqual(expect.arrayContaining(['dashboard/app.js', 'dashboard/app.css']));
  });

  it('puts each language in its own chunk, and neither in the page itself', () => {
    const languages = built.files.filter((f) => f.load === 'language');
    expect(languages).toHaveLength(2);
    const texts = languages.map((f) => read(f.file));
    // esbuild writes non-ASCII letters as escapes: look for words without them.
    expect(texts.filter((t) => t.includes('Logg ut'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('Log out'))).toHaveLength(1);
    const page = built.files.filter((f) => f.load === 'initial').map((f) => read(f.file)).join('\n');
    expect(page).not.toContain('Logg ut');
    expect(page).not.toContain('Log out');
  });

  it('loads the map’s code and outlines on demand', () => {
    const page = built.files.filter((f) => f.load === 'initial').map((f) => read(f.file)).join('\n');
    expect(page).not.toContain('GeometryCollection');
    expect(page).not.toContain('countries-110m.json');
    const onDemand = built.files.filter((f) => f.load === 'on demand').map((f) => read(f.file)).join('\n');
    expect(onDemand).toContain('GeometryCollection');
    expect(onDemand).toContain('/dashboard/countries-110m.json');
    expect(read('dashboard/countries-110m.json')).toContain('"type":"Topology"');
  });
});
