/**
 * The third-party licences: the build writes THIRD-PARTY-LICENSES.txt into the public output
 * with the name, version, licence and licence text (read from node_modules) of every package
 * esbuild put into the dashboard's bundle, every package whose files it copies, and every
 * package in the Worker's bundle; Node serves it as text. The packages come from esbuild's
 * metafiles, so the list below is a floor that catches a broken derivation, not the source.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, type DashboardBuild } from '../../dashboard/build.mjs';
import { LICENCES_FILE, licenceOf, packageDirOf, writeLicences } from '../../scripts/third-party.mjs';
import { buildTracker } from '../../tracker/build.mjs';
import { serveAssets } from '../../server/node/static.ts';

const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));
/** What the build ships today: the dashboard's code and data, and the Worker's dependencies. */
const SHIPPED = ['uplot', 'topojson-client', 'world-atlas', 'flag-icons', 'hono', 'isbot', 'ua-parser-js'];

let dir: string;
let built: DashboardBuild;
let covered: string[];
let text: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'teller-licences-'));
  await buildTracker({ outDir: dir, quiet: true });
  built = await buildDashboard({ outDir: dir, quiet: true });
  covered = await writeLicences(dir, built.packages);
  text = readFileSync(join(dir, LICENCES_FILE), 'utf8');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A package's manifest and licence texts, read here independently of scripts/third-party.mjs. */
function fromNodeModules(pkgDir: string) {
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string; version: string; license: string };
  const texts = readdirSync(pkgDir)
    .filter((name) => /^licen[cs]e/i.test(name))
    .map((name) => readFileSync(join(pkgDir, name), 'utf8').trim());
  return { ...manifest, texts };
}

describe('THIRD-PARTY-LICENSES.txt', () => {
  it('covers every package in the dashboard’s bundle, as esbuild’s metafile names them', () => {
    const names = built.packages.map((p) => fromNodeModules(p).name);
    expect(names).toEqual(expect.arrayContaining(['uplot', 'topojson-client', 'world-atlas', 'flag-icons']));
    const covers = covered.map((p) => fromNodeModules(p).name);
    expect(covers).toEqual(expect.arrayContaining(SHIPPED));
  });

  it('gives each package’s name, version, licence and full licence text', () => {
    for (const pkgDir of covered) {
      const pkg = fromNodeModules(pkgDir);
      expect(pkg.texts.length, pkg.name).toBeGreaterThan(0);
      expect(text, pkg.name).toContain(`\n${pkg.name} ${pkg.version}\nLicense: ${pkg.license}\n`);
      expect(text, pkg.name).toContain(`  ${pkg.name} ${pkg.version} (${pkg.license})\n`);
      for (const licence of pkg.texts) expect(text, pkg.name).toContain(licence);
    }
    expect(text).toContain('Copyright (c) 2022 Leon Sorokin');
    expect(text).toContain('GNU AFFERO GENERAL PUBLIC LICENSE');
    expect(text.match(/^uplot /gm)).toHaveLength(1);
  });

  it('adds no byte to the dashboard’s JavaScript (the bundles keep no licence comments)', () => {
    for (const f of built.files) expect(readFileSync(join(dir, f.file), 'utf8'), f.file).not.toMatch(/@license|Copyright \(c\)/i);
  });

  it('is served by Node as text', async () => {
    const app = new Hono();
    app.use('*', serveAssets(dir));
    const res = await app.request(`/${LICENCES_FILE}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe(text);
  });
});

describe('the packages behind a bundle', () => {
  it('are found from the paths of their files, scoped and nested ones too', () => {
    expect(packageDirOf('../../main/node_modules/uplot/dist/uPlot.esm.js')).toBe('../../main/node_modules/uplot');
    expect(packageDirOf('node_modules/@scope/name/lib/a.js')).toBe('node_modules/@scope/name');
    expect(packageDirOf('node_modules/a/node_modules/b/index.js')).toBe('node_modules/a/node_modules/b');
    expect(packageDirOf('dashboard/main.ts')).toBeUndefined();
  });

  it('stop the build when one ships no licence file', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'teller-nolicence-'));
    try {
      mkdirSync(join(bare, 'node_modules', 'bare'), { recursive: true });
      writeFileSync(join(bare, 'node_modules', 'bare', 'package.json'), '{"name":"bare","version":"1.0.0","license":"MIT"}');
      await expect(licenceOf(join(bare, 'node_modules', 'bare'))).rejects.toThrow(/bare: no licence file/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('read the licence from node_modules', async () => {
    const uplot = await licenceOf(join(NODE_MODULES, 'uplot'));
    expect(uplot).toMatchObject({ name: 'uplot', license: 'MIT', files: [{ file: 'LICENSE' }] });
  });
});
