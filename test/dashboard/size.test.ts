/**
 * The dashboard's weight: a cold load of any page (the entry's JavaScript and CSS, the page's
 * own chunks and pages.css if it uses it, uPlot included for the site view, and one language's
 * strings) stays within the budget, each page and each language is its own chunk, and the world map's code and outlines
 * load only when the map is shown.
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
  it('keeps a cold load of every page within the budget, and says so truthfully', () => {
    for (const f of built.files) expect(f.gzipped, f.file).toBe(gzipSync(readFileSync(join(dir, f.file)), { level: 9 }).byteLength);
    const gzipped = (file: string) => built.files.find((f) => f.file === file)!.gzipped;
    const initial = built.files.filter((f) => f.load === 'initial');
    const languages = built.files.filter((f) => f.load === 'language');
    expect(initial.map((f) => f.file)).toEqual(expect.arrayContaining(['dashboard/app.js', 'dashboard/app.css']));
    expect(built.initial).toBe(initial.reduce((n, f) => n + f.gzipped, 0));
    for (const route of built.routes) {
      expect(route.cold, route.page).toBeLessThanOrEqual(built.budget);
      expect(route.files.length, route.page).toBeGreaterThan(0);
      for (const file of route.files) expect(built.files.find((f) => f.file === file)?.load, file).toBe('page');
      expect(route.cold, route.page).toBe(built.initial + route.files.reduce((n, file) => n + gzipped(file), 0) + Math.max(...languages.map((f) => f.gzipped)));
    }
    expect(built.heaviest.cold).toBe(Math.max(...built.routes.map((r) => r.cold)));
  });

  it('loads each page’s code with its route, the shell’s and site view’s styles with the entry, and the other pages’ styles with the routes that use them', () => {
    const pages = built.routes.map((r) => r.page).sort();
    expect(pages).toEqual(
      ['dashboard/pages/account.ts', 'dashboard/pages/auth.ts', 'dashboard/pages/funnels.ts', 'dashboard/pages/settings.ts', 'dashboard/pages/shared-links.ts', 'dashboard/pages/sites.ts', 'dashboard/pages/users.ts', 'dashboard/site-view/index.ts'].sort(),
    );
    const entry = built.files.filter((f) => f.load === 'initial' && f.file.endsWith('.js')).map((f) => read(f.file)).join('\n');
    const route = (page: string) => built.routes.find((r) => r.page === page)!;
    const siteView = route('dashboard/site-view/index.ts').files.map(read).join('\n');
    // uPlot's own class names: the chart's library comes with the site view only.
    expect(siteView).toContain('u-cursor-pt');
    expect(entry).not.toContain('u-cursor-pt');
    for (const r of built.routes.filter((r) => r.page !== 'dashboard/site-view/index.ts')) expect(r.files.map(read).join('\n'), r.page).not.toContain('u-cursor-pt');
    // The entry knows each page's files (module → files), so it asks for them all at once.
    const app = read('dashboard/app.js');
    for (const r of built.routes) {
      expect(app, r.page).toContain(JSON.stringify({ [r.page.replace(/^dashboard\//, '')]: r.files.map((f) => f.replace(/^dashboard\//, '')) }).slice(1, -1));
    }
    // Two stylesheets: app.css with every load, pages.css with the routes whose code uses it.
    const css = built.files.filter((f) => f.file.endsWith('.css'));
    expect(css.map((f) => f.file).sort()).toEqual(['dashboard/app.css', 'dashboard/pages.css']);
    expect(built.files.find((f) => f.file === 'dashboard/app.css')!.load).toBe('initial');
    // A stylesheet nothing loads is impossible: every one comes with the entry or with a route.
    for (const f of css) expect(f.load === 'initial' || built.routes.some((r) => r.files.includes(f.file)), f.file).toBe(true);
    expect(read('dashboard/app.css')).toContain('.uplot');
    expect(read('dashboard/app.css')).toContain('.sv-rows');
    // The other pages' own styles: in pages.css only, which the site view's cold load leaves out.
    for (const selector of ['.share-link', '.import-item', '.wp-steps', '.goal-text', '.tokens-table', '.site-card', '.settings-layout']) {
      expect(read('dashboard/pages.css'), selector).toContain(selector);
      expect(read('dashboard/app.css'), selector).not.toContain(selector);
    }
    expect(route('dashboard/site-view/index.ts').files).not.toContain('dashboard/pages.css');
    expect(route('dashboard/pages/settings.ts').files).toContain('dashboard/pages.css');
    // Connect WordPress is also on the sites page (a new site's setup).
    expect(route('dashboard/pages/sites.ts').files).toContain('dashboard/pages.css');
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

  it('brings the other pages’ strings with their code, not with the site view', () => {
    const files = (page: string) => built.routes.find((r) => r.page === page)!.files.map(read).join('\n');
    const languages = built.files.filter((f) => f.load === 'language').map((f) => read(f.file)).join('\n');
    // The login page's and the users page's own strings, in each language.
    for (const text of ['Log in to see your sites.', 'Logg inn for', 'Add a viewer']) {
      expect(files('dashboard/pages/auth.ts') + files('dashboard/pages/users.ts'), text).toContain(text);
      expect(files('dashboard/site-view/index.ts'), text).not.toContain(text);
      expect(languages, text).not.toContain(text);
    }
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
