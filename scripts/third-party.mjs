// @ts-check
/**
 * The third-party code Teller's build ships, and its licences: the dashboard's bundle (uPlot,
 * topojson-client), the data it copies (world-atlas's outlines, flag-icons' flags) and the
 * Worker's bundle, which wrangler makes from the server's dependencies (hono, isbot,
 * ua-parser-js). Their licences require the notice to go with every copy, and the minified
 * bundles keep no comments, so the build writes `THIRD-PARTY-LICENSES.txt` beside what it
 * serves. Which packages are bundled is read from esbuild's metafiles, so a new dependency
 * cannot be left out; each text is read from node_modules when building.
 * @module
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The file's name in the public output. */
export const LICENCES_FILE = 'THIRD-PARTY-LICENSES.txt';

/**
 * The directory of the package a file belongs to (the innermost `node_modules/<name>` or
 * `node_modules/@scope/name`), or undefined for the project's own files.
 * @param {string} file
 * @returns {string | undefined}
 */
export function packageDirOf(file) {
  const path = file.replaceAll('\\', '/');
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  const name = parts[0]?.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1);
  return path.slice(0, at + 'node_modules/'.length) + name.join('/');
}

/**
 * The packages whose files esbuild put into a bundle, as absolute directories.
 * @param {import('esbuild').Metafile} meta
 * @param {string} [workingDir] esbuild's absWorkingDir, to which the metafile's paths are relative
 * @returns {string[]}
 */
export function packagesIn(meta, workingDir = process.cwd()) {
  const dirs = Object.keys(meta.inputs).flatMap((input) => packageDirOf(input) ?? []);
  return [...new Set(dirs.map((dir) => resolve(workingDir, dir)))].sort();
}

/**
 * The packages in the Worker's bundle. wrangler bundles server/workers/main.ts at deploy
 * time; this resolves the same imports with the conditions it uses for workerd.
 * @returns {Promise<string[]>}
 */
export async function workerPackages() {
  const result = await build({
    entryPoints: [join(root, 'server', 'workers', 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*'],
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  return packagesIn(result.metafile, root);
}

/**
 * @typedef {{ name: string, version: string, license: string, files: Array<{ file: string, text: string }> }} PackageLicence
 */

/**
 * A package's name, version, licence and licence files, from its package.json and its
 * LICENSE / LICENCE / COPYING files. Throws when there is no licence file, so the build stops
 * rather than ship code without its notice.
 * @param {string} dir
 * @returns {Promise<PackageLicence>}
 */
export async function licenceOf(dir) {
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  const names = (await readdir(dir)).filter((name) => /^(licen[cs]e|copying)([.-].*)?$/i.test(name)).sort();
  if (names.length === 0) throw new Error(`${manifest.name}: no licence file in ${dir}, so its notice cannot ship with the build`);
  const files = await Promise.all(names.map(async (file) => ({ file, text: (await readFile(join(dir, file), 'utf8')).trim() })));
  const license = typeof manifest.license === 'string' ? manifest.license : (manifest.license?.type ?? 'see the licence text');
  return { name: manifest.name, version: manifest.version, license, files };
}

/**
 * The text of THIRD-PARTY-LICENSES.txt for these packages' directories (duplicates and
 * order do not matter).
 * @param {string[]} dirs
 * @returns {Promise<string>}
 */
export async function licencesText(dirs) {
  const found = await Promise.all([...new Set(dirs)].map(licenceOf));
  // One package may be reached by two paths (a symlinked node_modules and its target).
  const packages = [...new Map(found.map((p) => [`${p.name}@${p.version}`, p])).values()];
  packages.sort((a, b) => a.name.localeCompare(b.name));
  const rule = '='.repeat(78);
  const sections = packages.map((p) =>
    [rule, `${p.name} ${p.version}`, `License: ${p.license}`, rule, '', ...p.files.flatMap((f) => [f.text, ''])].join('\n'),
  );
  const head = [
    'Teller is licensed under AGPL-3.0-or-later. It ships the following third-party code and',
    'data (in the dashboard, the countries\' flags and outlines, and the Cloudflare Worker),',
    'each under its own licence, reproduced below as the package distributes it.',
    '',
    ...packages.map((p) => `  ${p.name} ${p.version} (${p.license})`),
    '',
  ];
  return [...head, ...sections].join('\n');
}

/**
 * Writes `<outDir>/THIRD-PARTY-LICENSES.txt`: the licences of the packages given (what the
 * public output holds) and of those in the Worker's bundle.
 * @param {string} outDir
 * @param {string[]} dirs the packages' directories
 * @returns {Promise<string[]>} every package's directory the file covers
 */
export async function writeLicences(outDir, dirs) {
  const all = [...dirs, ...(await workerPackages())];
  await writeFile(join(outDir, LICENCES_FILE), await licencesText(all));
  return all;
}
