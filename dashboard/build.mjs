// @ts-check
/**
 * Builds the dashboard into `<outDir>/dashboard`: app.js (ES module; the world map's code is
 * a separate chunk loaded when the map is first shown), app.css (uPlot's stylesheet
 * included), and the country outlines (world-atlas, loaded on demand). Called by
 * scripts/build.mjs; prints the gzipped size against the budget unless `quiet`.
 * @module
 */
import { appendFile, copyFile, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const require = (/** @type {string} */ name) => fileURLToPath(import.meta.resolve(name));

/** Gzipped bytes allowed for the dashboard's JavaScript and CSS together, uPlot included. */
export const DASHBOARD_BUDGET = 60 * 1024;

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
 * @typedef {{ file: string, bytes: number, gzipped: number }} DashboardFile
 * @param {{ outDir: string, quiet?: boolean }} options
 * @returns {Promise<{ files: DashboardFile[], gzipped: number, budget: number }>}
 */
export async function buildDashboard({ outDir, quiet = false }) {
  const dir = join(outDir, 'dashboard');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await build({
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
  });
  await copyFile(require(`world-atlas/${MAP_FILE}`), join(dir, MAP_FILE));
  await appendFile(join(outDir, '_headers'), CLOUDFLARE_HEADERS);

  /** @type {DashboardFile[]} */
  const files = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!/\.(js|css)$/.test(name)) continue;
    const bytes = await readFile(join(dir, name));
    files.push({ file: `dashboard/${name}`, bytes: bytes.byteLength, gzipped: gzipSync(bytes, { level: 9 }).byteLength });
  }
  const gzipped = files.reduce((sum, f) => sum + f.gzipped, 0);
  if (!quiet) {
    console.log(`dashboard: ${files.length} files in ${dir}, ${(gzipped / 1024).toFixed(1)} KB gzip of ${DASHBOARD_BUDGET / 1024} KB budget`);
    for (const f of files) console.log(`  ${f.file.padEnd(46)} ${String(f.bytes).padStart(7)} B min ${String(f.gzipped).padStart(6)} B gzip`);
  }
  return { files, gzipped, budget: DASHBOARD_BUDGET };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildDashboard({ outDir: process.argv[2] ?? 'dist/public' });
}
