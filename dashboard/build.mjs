// @ts-check
/**
 * Builds the dashboard into `<outDir>/dashboard`: app.js (ES module; each page's code, each
 * language's strings and the world map's code are chunks loaded when needed), app.css (the
 * shell's and the site view's styles, uPlot's included), pages.css (the styles the other pages
 * import, loaded with the first route that needs them), the country outlines (world-atlas,
 * loaded on demand), and into `<outDir>/flags`
 * the countries' flags (flag-icons, with its licence); returns the third-party packages it ships,
 * whose licences scripts/build.mjs writes. Called by
 * scripts/build.mjs; prints the gzipped size of each page's cold load against the budget unless `quiet`.
 * @module
 */
import { appendFile, copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { packageDirOf, packagesIn } from '../scripts/third-party.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = (/** @type {string} */ name) => fileURLToPath(import.meta.resolve(name));

/**
 * Gzipped bytes allowed for the JavaScript and CSS of a cold load of any page of the
 * dashboard (the site view's includes uPlot) with one language's strings. Raised from 60 to
 * 64 KiB with issue 19, after splitting by route and moving other pages' strings out of the
 * site view's load: the site view gained the range picker, comparison, realtime and Today
 * refresh, KPI sets under filters, drill-downs, flags, four panels and the export button
 * (the filter and Details dialogs, the map and the ZIP writer load on first use). Raised
 * to 65 KiB with issue 25: the site view was 59 bytes under 64 KiB, the chunks' hashed names
 * alone move a cold load by a few bytes, and the view's query builders moved to the core
 * (shared with the server, which starts the view's queries with its page) cost the page 60.
 */
export const DASHBOARD_BUDGET = 65 * 1024;

/**
 * The icons (dashboard/icons, rendered from their SVGs by scripts/icons.ts), copied to the
 * root where browsers and phones look for them, with the web app manifest that names them.
 */
export const ICONS = {
  svg: 'icon.svg',
  ico: 'favicon.ico',
  appleTouch: 'apple-touch-icon.png',
  manifest: [
    { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};

/** The theme colour of the manifest and the page: the dashboard's accent (app.css --accent). */
const THEME_COLOR = '#4338ca';

/**
 * Writes the icons and `manifest.webmanifest` into `outDir`.
 * @param {string} outDir
 */
export async function buildIcons(outDir) {
  const icons = join(here, 'icons');
  await mkdir(outDir, { recursive: true });
  const files = [ICONS.svg, ICONS.ico, ICONS.appleTouch, ...ICONS.manifest.map((i) => i.src)];
  await Promise.all(files.map((file) => copyFile(join(icons, file), join(outDir, file))));
  const manifest = {
    name: 'Teller',
    short_name: 'Teller',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#f6f7f9',
    theme_color: THEME_COLOR,
    icons: [{ src: `/${ICONS.svg}`, sizes: 'any', type: 'image/svg+xml' }, ...ICONS.manifest.map((i) => ({ ...i, src: `/${i.src}` }))],
  };
  await writeFile(join(outDir, 'manifest.webmanifest'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The map data: loaded when the locations panel is first drawn, outside the budget. */
export const MAP_FILE = 'countries-110m.json';

/**
 * Cloudflare's static assets: the dashboard's files must be revalidated on every load (the
 * tracker's rule above would cache them for a day, so an upgrade would show a stale app).
 */
const CLOUDFLARE_HEADERS = `/dashboard/*
  ! Cache-Control
  Cache-Control: no-cache
  X-Content-Type-Options: nosniff
`;

/**
 * The flags are named by country and change only with an upgrade of flag-icons, which may
 * take a month to reach a browser: a table of countries then loads no flag twice.
 */
export const FLAGS_CACHE_CONTROL = 'public, max-age=2592000';

const FLAG_HEADERS = `/flags/*
  Cache-Control: ${FLAGS_CACHE_CONTROL}
  X-Content-Type-Options: nosniff
`;

/**
 * Copies flag-icons' 4:3 flags of countries (two-letter names, `xx` the placeholder for an
 * unknown one) to `<outDir>/flags`, with the MIT licence that must go with every copy (as
 * LICENSE.txt, so a browser shows it). Files, not the bundle: a page loads only the flags it shows.
 * @param {string} outDir
 * @returns {Promise<string[]>} the files' names
 */
export async function copyFlags(outDir) {
  const from = dirname(require('flag-icons/package.json'));
  const to = join(outDir, 'flags');
  await rm(to, { recursive: true, force: true });
  await mkdir(to, { recursive: true });
  const names = (await readdir(join(from, 'flags', '4x3'))).filter((name) => /^[a-z]{2}\.svg$/.test(name));
  await Promise.all(names.map((name) => copyFile(join(from, 'flags', '4x3', name), join(to, name))));
  await copyFile(join(from, 'LICENSE'), join(to, 'LICENSE.txt'));
  await appendFile(join(outDir, '_headers'), FLAG_HEADERS);
  return names;
}

/** The stylesheet of the pages' own styles (PAGE_STYLE), which a route's file list names. */
export const PAGES_CSS = 'pages.css';

/** esbuild's namespace for a stylesheet a page imports: an empty module, its rules go to pages.css. */
const PAGE_STYLE = 'page-style';

/**
 * esbuild puts the styles of every module an entry reaches, lazily loaded pages' too, into the
 * entry's app.css. A stylesheet imported by any module but main.ts therefore becomes an empty
 * module here, and its rules go to pages.css instead; the metafile still records who imports it.
 * @type {import('esbuild').Plugin}
 */
const pageStyles = {
  name: 'page-styles',
  setup(b) {
    b.onResolve({ filter: /\.css$/ }, (args) => {
      if (args.kind !== 'import-statement' || /dashboard[\\/]main\.ts$/.test(args.importer)) return undefined;
      return { path: join(args.resolveDir, args.path), namespace: PAGE_STYLE, sideEffects: true };
    });
    b.onLoad({ filter: /.*/, namespace: PAGE_STYLE }, () => ({ contents: '', loader: 'js' }));
  },
};

/**
 * The stylesheets the pages import (absolute paths, sorted so the build is the same each time).
 * @param {import('esbuild').Metafile} meta
 * @returns {string[]}
 */
function pageStylesheets(meta) {
  const prefix = `${PAGE_STYLE}:`;
  return Object.keys(meta.inputs).filter((input) => input.startsWith(prefix)).map((input) => input.slice(prefix.length)).sort();
}

/**
 * @typedef {{ file: string, bytes: number, gzipped: number, load: 'initial' | 'language' | 'page' | 'on demand' }} DashboardFile
 * @typedef {{ page: string, files: string[], cold: number }} DashboardRoute
 * @typedef {{ files: DashboardFile[], initial: number, routes: DashboardRoute[], heaviest: DashboardRoute, total: number, budget: number, packages: string[] }} DashboardBuild
 */

/**
 * The outputs `from` brings with it: itself and what it imports statically, transitively.
 * @param {import('esbuild').Metafile} meta
 * @param {string} from
 * @returns {string[]}
 */
function staticClosure(meta, from) {
  const closure = [from];
  for (let i = 0; i < closure.length; i++) {
    for (const imported of meta.outputs[closure[i]]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !closure.includes(imported.path)) closure.push(imported.path);
    }
  }
  return closure;
}

/**
 * The outputs holding a module that imports one of the pages' stylesheets.
 * @param {import('esbuild').Metafile} meta
 * @returns {Set<string>}
 */
function styledOutputs(meta) {
  const styled = new Set(
    Object.entries(meta.inputs)
      .filter(([, input]) => input.imports.some((imported) => imported.path.startsWith(`${PAGE_STYLE}:`)))
      .map(([path]) => path),
  );
  return new Set(Object.entries(meta.outputs).filter(([, output]) => Object.keys(output.inputs).some((input) => styled.has(input))).map(([path]) => path));
}

/**
 * How each output is loaded, from esbuild's metafile: the entry (router, layout, strings'
 * loader, API client), its stylesheet and what it imports statically come with every page;
 * each page's code is a chunk the entry imports when its route is first drawn, with the
 * chunks that chunk imports statically, and pages.css (`pagesCss`) when any of them imports
 * a page's stylesheet; each language's strings are a chunk of their own, of which a reader
 * loads one; the rest (the map, the dialogs, the ZIP writer) comes when it is first needed.
 * @param {import('esbuild').Metafile} meta
 * @param {string} pagesCss where pages.css is written
 * @returns {{ load: Map<string, DashboardFile['load']>, initial: string[], routes: Array<{ page: string, files: string[] }> }}
 */
function loadOf(meta, pagesCss) {
  const entry = Object.entries(meta.outputs).find(([path, o]) => path.endsWith('.js') && o.entryPoint?.endsWith('dashboard/main.ts'));
  if (!entry) throw new Error('esbuild reported no output for dashboard/main.ts');
  // A stylesheet nothing loads: the page-styles plugin should have sent it to pages.css.
  const stray = Object.keys(meta.outputs).filter((path) => path.endsWith('.css') && path !== entry[1].cssBundle);
  if (stray.length > 0) throw new Error(`${stray.join(', ')}: a stylesheet outside app.css and pages.css`);
  const initial = staticClosure(meta, entry[0]);
  const styled = styledOutputs(meta);
  // The shell draws before any route's stylesheet is asked for: its styles belong in app.css.
  const unstyled = initial.filter((path) => styled.has(path));
  if (unstyled.length > 0) throw new Error(`${unstyled.join(', ')}: the entry's code imports a stylesheet; import it from dashboard/main.ts instead`);
  if (entry[1].cssBundle) initial.push(entry[1].cssBundle);
  /** @type {Map<string, DashboardFile['load']>} */
  const load = new Map(initial.map((path) => [path, 'initial']));
  const routes = entry[1].imports
    .filter((imported) => imported.kind === 'dynamic-import')
    .map((imported) => {
      const code = staticClosure(meta, imported.path).filter((path) => !load.has(path));
      return { page: meta.outputs[imported.path]?.entryPoint ?? imported.path, files: code.some((path) => styled.has(path)) ? [...code, pagesCss] : code };
    });
  for (const route of routes) for (const path of route.files) load.set(path, 'page');
  // Code loaded on demand (a dialog, the map) is drawn without waiting for pages.css.
  const onDemand = [...styled].filter((path) => !load.has(path));
  if (onDemand.length > 0) throw new Error(`${onDemand.join(', ')}: code loaded on demand imports a stylesheet; import it from dashboard/main.ts or from its page's own code`);
  for (const [path, output] of Object.entries(meta.outputs)) {
    if (load.has(path)) continue;
    const isLanguage = Object.keys(output.inputs).some((input) => /dashboard\/i18n\/base-(en|nb)\.ts$/.test(input));
    load.set(path, isLanguage ? 'language' : 'on demand');
  }
  return { load, initial, routes };
}

/**
 * Each page's module (relative to dashboard/) → the files its cold load adds to the initial
 * ones: its chunk, the chunks that chunk imports and pages.css if they use it. main.ts
 * preloads them together, and draws the page once the stylesheet is in.
 * @param {import('esbuild').Metafile} meta
 * @returns {Record<string, string[]>}
 */
function pageChunks(meta) {
  return Object.fromEntries(
    loadOf(meta, PAGES_CSS).routes.map(({ page, files }) => [page.replace(/^.*?dashboard\//, ''), files.map((path) => basename(path))]),
  );
}

/** Where the list of files a page names for preloading goes (server/core/dashboard-api/preload.ts reads it). */
export const PRELOAD_FILE = 'dashboard/preload.json';

/**
 * Code a page loads on demand but asks for on every cold load as it draws (the site view's
 * Goals panel and its locations map): named for preloading with the page's own chunks, and
 * outside the budget as before.
 */
const DRAWN_ON_DEMAND = { 'site-view/index.ts': ['site-view/goals-panel.ts', 'site-view/map.ts'] };

/**
 * What a cold load fetches beside app.js and app.css, for the server's page to name in
 * `<link rel="modulepreload">`: the chunks the entry imports, each page's chunks (and what it
 * draws on demand, DRAWN_ON_DEMAND), and each language's strings with the chunks they import
 * (JavaScript only: a route's pages.css is linked by the entry when the route is drawn).
 * @param {import('esbuild').Metafile} meta
 * @param {Map<string, DashboardFile['load']>} load
 * @param {DashboardRoute[]} routes
 * @returns {import('../server/core/dashboard-api/preload.ts').DashboardPreload}
 */
function preloadList(meta, load, routes) {
  const js = (/** @type {string[]} */ paths) => paths.filter((path) => path.endsWith('.js')).map((path) => basename(path));
  const languages = [...load].filter(([, how]) => how === 'language').map(([path]) => {
    const lang = Object.keys(meta.outputs[path]?.inputs ?? {}).some((input) => input.endsWith('i18n/base-nb.ts')) ? 'nb' : 'en';
    return [lang, js(staticClosure(meta, path).filter((p) => load.get(p) !== 'initial'))];
  });
  /** @param {string} page */
  const drawn = (page) =>
    (DRAWN_ON_DEMAND[/** @type {keyof typeof DRAWN_ON_DEMAND} */ (page)] ?? []).flatMap((module) => {
      const chunk = Object.keys(meta.outputs).find((path) => meta.outputs[path]?.entryPoint?.endsWith(`dashboard/${module}`));
      if (!chunk) throw new Error(`${module}: no chunk of its own to preload (DRAWN_ON_DEMAND)`);
      return staticClosure(meta, chunk).filter((path) => load.get(path) !== 'initial');
    });
  return {
    initial: js([...load].filter(([path, how]) => how === 'initial' && !path.endsWith('/app.js')).map(([path]) => path)),
    pages: Object.fromEntries(
      routes.map((r) => {
        const page = r.page.replace(/^.*?dashboard\//, '');
        return [page, [...new Set(js([...r.files, ...drawn(page)]))]];
      }),
    ),
    languages: Object.fromEntries(languages),
  };
}

/**
 * @param {{ outDir: string, quiet?: boolean }} options
 * @returns {Promise<DashboardBuild>}
 */
export async function buildDashboard({ outDir, quiet = false }) {
  const dir = join(outDir, 'dashboard');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  /** @type {import('esbuild').BuildOptions} */
  const options = {
    entryPoints: { app: join(here, 'main.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    target: 'es2020',
    outdir: dir,
    chunkNames: 'chunk-[hash]',
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    plugins: [pageStyles],
  };
  // Twice: the first build names the chunks, the second tells the entry which chunks each page
  // needs, so it can fetch them all at once (main.ts). Only app.js changes, as no chunk imports
  // it; the map goes in as a string (esbuild would put an object in a shared chunk).
  const first = await build({ ...options, write: false, define: { __PAGE_CHUNKS__: JSON.stringify('{}') } });
  const chunks = pageChunks(first.metafile);
  const result = await build({ ...options, define: { __PAGE_CHUNKS__: JSON.stringify(JSON.stringify(chunks)) } });
  const named = (/** @type {import('esbuild').Metafile} */ meta) => Object.keys(meta.outputs).filter((path) => !path.endsWith('/app.js')).sort().join();
  if (named(first.metafile) !== named(result.metafile)) throw new Error('the chunks changed their names between the two builds');
  const pagesCss = join(dir, PAGES_CSS);
  const stylesheets = pageStylesheets(result.metafile);
  if (stylesheets.length > 0) {
    // One stylesheet for all pages, in a fixed order: few bytes, and one request however many pages a reader opens.
    const contents = stylesheets.map((path) => `@import ${JSON.stringify(path)};`).join('\n');
    await build({ stdin: { contents, loader: 'css', resolveDir: here }, bundle: true, minify: true, target: 'es2020', outfile: pagesCss, legalComments: 'none', logLevel: 'silent' });
  }
  const map = require(`world-atlas/${MAP_FILE}`);
  await copyFile(map, join(dir, MAP_FILE));
  await buildIcons(outDir);
  await appendFile(join(outDir, '_headers'), CLOUDFLARE_HEADERS);
  await copyFlags(outDir);

  const { load, routes: pages } = loadOf(result.metafile, pagesCss);
  /** @type {DashboardFile[]} */
  const files = [];
  /** @type {Map<string, string>} esbuild's output path → the file's name in the build */
  const names = new Map();
  for (const [path, how] of load) {
    if (!/\.(js|css)$/.test(path)) continue;
    const bytes = await readFile(path);
    names.set(path, `dashboard/${basename(path)}`);
    files.push({ file: `dashboard/${basename(path)}`, bytes: bytes.byteLength, gzipped: gzipSync(bytes, { level: 9 }).byteLength, load: how });
  }
  files.sort((a, b) => a.file.localeCompare(b.file));
  const gzipOf = (/** @type {string} */ file) => files.find((f) => f.file === file)?.gzipped ?? 0;
  const sum = (/** @type {DashboardFile[]} */ list) => list.reduce((n, f) => n + f.gzipped, 0);
  const initial = sum(files.filter((f) => f.load === 'initial'));
  const language = Math.max(0, ...files.filter((f) => f.load === 'language').map((f) => f.gzipped));
  // A cold load of a route: what every page loads, the route's page chunk with what it
  // imports, and the larger of the two languages.
  /** @type {DashboardRoute[]} */
  const routes = pages.map(({ page, files: paths }) => {
    const own = paths.flatMap((path) => names.get(path) ?? []);
    return { page, files: own, cold: initial + own.reduce((n, file) => n + gzipOf(file), 0) + language };
  });
  routes.sort((a, b) => b.cold - a.cold);
  const heaviest = routes[0];
  if (!heaviest) throw new Error('dashboard/main.ts loads no page chunk');
  const total = sum(files);
  await writeFile(join(outDir, PRELOAD_FILE), JSON.stringify(preloadList(result.metafile, load, routes)));
  if (!quiet) {
    const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KB`;
    console.log(`dashboard: ${kb(heaviest.cold)} gzip for a cold load of the heaviest page, ${heaviest.page} (budget ${kb(DASHBOARD_BUDGET)}); ${kb(total)} in all ${files.length} files in ${dir}`);
    for (const r of routes) console.log(`  cold load ${kb(r.cold).padStart(8)}  ${r.page}`);
    for (const f of files) console.log(`  ${f.file.padEnd(46)} ${String(f.bytes).padStart(7)} B min ${String(f.gzipped).padStart(6)} B gzip  ${f.load}`);
  }
  const packages = [...packagesIn(result.metafile), ...[map, require('flag-icons/package.json')].flatMap((file) => packageDirOf(file) ?? [])];
  return { files, initial, routes, heaviest, total, budget: DASHBOARD_BUDGET, packages };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildDashboard({ outDir: process.argv[2] ?? 'dist/public' });
}
