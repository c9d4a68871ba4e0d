// @ts-check
/**
 * Builds the tracker scripts and the opt-out widget into the public directory.
 * Called by scripts/build.mjs (`npm run build`, and `npm start` when dist is missing);
 * also runs alone: `node tracker/build.mjs [outDir]`.
 *
 * Each file name stands for a set of compile-time switches (tracker/variants.mjs); every
 * distinct set is bundled once by esbuild and written under all the names that share it.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { flagsFor, scriptFiles } from './variants.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Gzipped bytes allowed (SPEC, Tracker): the core script, and files with more in them. */
export const CORE_BUDGET = 1024;
export const VARIANT_BUDGET = 1536;

/**
 * @param {string} entry
 * @param {Record<string, string>} define
 * @returns {Promise<Uint8Array>}
 */
async function bundle(entry, define) {
  const result = await build({
    entryPoints: [join(here, 'src', entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    // Browsers from 2020 on: optional chaining and `??` stay as written, which is smaller.
    target: 'es2020',
    write: false,
    legalComments: 'none',
    define,
    // tsconfig's `strict` would make esbuild prepend "use strict": bytes for nothing, as
    // the code behaves the same in sloppy mode.
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
    logLevel: 'silent',
    metafile: true,
  });
  // scripts/build.mjs writes the licences of the dashboard's and the Worker's packages only.
  const foreign = Object.keys(result.metafile.inputs).filter((input) => input.includes('node_modules/'));
  if (foreign.length > 0) throw new Error(`${entry} bundles third-party code (${foreign.join(', ')}): list its licence in THIRD-PARTY-LICENSES.txt (scripts/build.mjs)`);
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
  return output.contents;
}

/**
 * @typedef {{ file: string, minified: number, gzipped: number, budget: number }} ScriptSize
 */

/**
 * Writes every served script into `outDir` and returns the size of each file written
 * (paths relative to `outDir`, `/` separated). Prints one line per distinct script
 * unless `quiet`.
 * @param {{ outDir: string, quiet?: boolean }} options
 * @returns {Promise<ScriptSize[]>}
 */
export async function buildTracker({ outDir, quiet = false }) {
  /** @type {Map<string, Promise<Uint8Array>>} */
  const bundles = new Map();
  /** @type {Array<{ file: string, key: string, budget: number }>} */
  const plan = [];
  for (const { file, extensions } of scriptFiles()) {
    const flags = flagsFor(extensions);
    const key = JSON.stringify(flags);
    if (!bundles.has(key)) {
      const define = Object.fromEntries(Object.entries(flags).map(([name, on]) => [name, String(on)]));
      bundles.set(key, bundle('script.ts', define));
    }
    plan.push({ file, key, budget: flags.EXTRAS_CODE ? VARIANT_BUDGET : CORE_BUDGET });
  }
  bundles.set('optout', bundle('optout.ts', {}));
  plan.push({ file: 'optout.js', key: 'optout', budget: VARIANT_BUDGET });

  await mkdir(join(outDir, 'js'), { recursive: true });
  /** @type {Map<string, { minified: number, gzipped: number }>} */
  const sizes = new Map();
  /** @type {ScriptSize[]} */
  const results = [];
  /** @type {Map<string, string[]>} file names per distinct script, for the report */
  const names = new Map();
  for (const { file, key, budget } of plan) {
    const code = await /** @type {Promise<Uint8Array>} */ (bundles.get(key));
    let size = sizes.get(key);
    if (!size) {
      size = { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
      sizes.set(key, size);
    }
    await writeFile(join(outDir, file), code);
    results.push({ file, ...size, budget });
    names.set(key, [...(names.get(key) ?? []), file]);
  }

  await writeFile(join(outDir, '_headers'), CLOUDFLARE_HEADERS);
  if (!quiet) report(outDir, results, names);
  return results;
}

/**
 * Cloudflare's static assets send these with the scripts, as Node's serveAssets does: the
 * tracker is loaded from other sites' pages, and is revalidated at most daily.
 */
const CLOUDFLARE_HEADERS = `/*.js
  Access-Control-Allow-Origin: *
  Cross-Origin-Resource-Policy: cross-origin
  Cache-Control: public, max-age=86400, must-revalidate
  X-Content-Type-Options: nosniff
`;

/** Files worth a line of their own: the names sites use most, and the largest of each kind. */
const HEADLINES = [
  'script.js',
  'script.hash.js',
  'script.manual.js',
  'script.outbound-links.js',
  'script.file-downloads.js',
  'script.tagged-events.js',
  'script.file-downloads.hash.outbound-links.js',
  'script.extras.js',
  'optout.js',
];

/**
 * @param {string} outDir
 * @param {ScriptSize[]} results
 * @param {Map<string, string[]>} names
 */
function report(outDir, results, names) {
  const line = (/** @type {ScriptSize} */ r, /** @type {string} */ note = '') =>
    console.log(
      `  ${r.file.padEnd(46)} ${String(r.minified).padStart(5)} B min ${String(r.gzipped).padStart(5)} B gzip  (budget ${r.budget})${note}`,
    );
  console.log(`tracker: ${results.length} files (${names.size} distinct scripts) in ${outDir}`);
  for (const file of HEADLINES) {
    const r = results.find((x) => x.file === file);
    if (r) line(r);
  }
  for (const budget of [CORE_BUDGET, VARIANT_BUDGET]) {
    const largest = results.filter((r) => r.budget === budget).sort((a, b) => b.gzipped - a.gzipped)[0];
    if (largest && !HEADLINES.includes(largest.file)) line(largest, `  largest within ${budget}`);
  }
  for (const r of results) if (r.gzipped > r.budget) line(r, '  OVER BUDGET');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = resolve(process.argv[2] ?? join(here, '..', 'dist', 'public'));
  const results = await buildTracker({ outDir });
  if (results.some((r) => r.gzipped > r.budget)) process.exitCode = 1;
}
