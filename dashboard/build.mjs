// @ts-check
/**
 * Builds the dashboard into `<outDir>/dashboard`: app.js (ES module; each language's strings
 * and the world map's code are chunks loaded when needed), app.css (uPlot's stylesheet
 * included), the country outlines (world-atlas, loaded on demand), and into `<outDir>/flags`
 * the countries' flags (flag-icons, with its licence). Called by
 * scripts/build.mjs; prints the gzipped size of a cold load against the budget unless `quiet`.
 * @module
 */
import { appendFile, copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const require = (/** @type {string} */ name) => fileURLToPath(import.meta.resolve(name));

/** Gzipped bytes allowed for the JavaScript and CSS of a cold load of the dashboard, uPlot included. */
export const DASHBOARD_BUDGET = 60 * 1024;

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

/**
 * @typedef {{ file: string, bytes: number, gzipped: number, load: 'initial' | 'language' | 'on demand' }} DashboardFile
 * @typedef {{ files: DashboardFile[], initial: number, total: number, budget: number }} DashboardBuild
 */

/**
 * How each output is loaded, from esbuild's metafile: the entry, its stylesheet and what it
 * imports statically come with the page; each language's strings are a chunk of their own,
 * of which a reader loads one; the rest (the map's code) comes when it is first needed.
 * @param {import('esbuild').Metafile} meta
 * @returns {Map<string, DashboardFile['load']>}
 */
function loadOf(meta) {
  /** @type {Map<string, DashboardFile['load']>} */
  const load = new Map();
  const entry = Object.entries(meta.outputs).find(([, o]) => o.entryPoint !== undefined);
  if (!entry) throw new Error('esbuild reported no entry output');
  const initial = [entry[0]];
  if (entry[1].cssBundle) initial.push(entry[1].cssBundle);
  for (let i = 0; i < initial.length; i++) {
    load.set(initial[i], 'initial');
    for (const imported of meta.outputs[initial[i]]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !load.has(imported.path)) initial.push(imported.path);
    }
  }
  for (const [path, output] of Object.entries(meta.outputs)) {
    if (load.has(path)) continue;
    const isLanguage = Object.keys(output.inputs).some((input) => /dashboard\/i18n\/(en|nb)\.ts$/.test(input));
    load.set(path, isLanguage ? 'language' : 'on demand');
  }
  return load;
}

/**
 * @param {{ outDir: string, quiet?: boolean }} options
 * @returns {Promise<DashboardBuild>}
 */
export async function buildDashboard({ outDir, quiet = false }) {
  const dir = join(outDir, 'dashboard');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const result = await build({
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
  });
  await copyFile(require(`world-atlas/${MAP_FILE}`), join(dir, MAP_FILE));
  await buildIcons(outDir);
  await appendFile(join(outDir, '_headers'), CLOUDFLARE_HEADERS);
  await copyFlags(outDir);

  const loads = loadOf(result.metafile);
  /** @type {DashboardFile[]} */
  const files = [];
  for (const [path, load] of loads) {
    if (!/\.(js|css)$/.test(path)) continue;
    const bytes = await readFile(path);
    files.push({ file: `dashboard/${basename(path)}`, bytes: bytes.byteLength, gzipped: gzipSync(bytes, { level: 9 }).byteLength, load });
  }
  files.sort((a, b) => a.file.localeCompare(b.file));
  const sum = (/** @type {DashboardFile[]} */ list) => list.reduce((n, f) => n + f.gzipped, 0);
  // A cold load: the page's own files and the larger of the two languages.
  const initial = sum(files.filter((f) => f.load === 'initial')) + Math.max(0, ...files.filter((f) => f.load === 'language').map((f) => f.gzipped));
  const total = sum(files);
  if (!quiet) {
    const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KB`;
    console.log(`dashboard: ${kb(initial)} gzip for a cold load (budget ${kb(DASHBOARD_BUDGET)}); ${kb(total)} in all ${files.length} files in ${dir}`);
    for (const f of files) console.log(`  ${f.file.padEnd(46)} ${String(f.bytes).padStart(7)} B min ${String(f.gzipped).padStart(6)} B gzip  ${f.load}`);
  }
  return { files, initial, total, budget: DASHBOARD_BUDGET };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildDashboard({ outDir: process.argv[2] ?? 'dist/public' });
}
