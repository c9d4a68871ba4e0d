/**
 * The countries' flags: the build copies flag-icons' country flags with their MIT licence to
 * `flags/`, with Cloudflare's cache rule; Node serves them with the same lifetime; every
 * region a browser names has a flag (so a stored country never asks for a missing file),
 * and the dashboard asks for the placeholder for what names no country.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAGS_CACHE_CONTROL, copyFlags } from '../../dashboard/build.mjs';
import { flagPath } from '../../dashboard/site-view/flags.ts';
import { serveAssets } from '../../server/node/static.ts';

const PACKAGE = fileURLToPath(new URL('../../node_modules/flag-icons/', import.meta.url));
/** Codes Intl still names that no visitor lookup gives (retired, reserved or made up for testing). */
const NO_FLAG = 'ac an bu cq cs dd dy ea ez fx hv nh qo rh su ta tp uk vd xa xb yd yu zr zz'.split(' ');

let out: string;
let copied: string[];
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'teller-flags-'));
  copied = await copyFlags(out);
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('the flags in the build', () => {
  it('are flag-icons’ two-letter 4:3 flags, with its licence beside them', () => {
    const flags = readdirSync(join(PACKAGE, 'flags', '4x3')).filter((name) => /^[a-z]{2}\.svg$/.test(name));
    expect(copied.sort()).toEqual(flags.sort());
    expect(readdirSync(join(out, 'flags')).sort()).toEqual([...flags, 'LICENSE.txt'].sort());
    expect(copied).toContain('xx.svg');
    expect(readFileSync(join(out, 'flags', 'no.svg'), 'utf8')).toBe(readFileSync(join(PACKAGE, 'flags', '4x3', 'no.svg'), 'utf8'));
    const licence = readFileSync(join(out, 'flags', 'LICENSE.txt'), 'utf8');
    expect(licence).toContain('The MIT License');
    expect(licence).toContain('Panayiotis Lipiridis');
  });

  it('tells Cloudflare to keep them a month', () => {
    expect(readFileSync(join(out, '_headers'), 'utf8')).toContain(`/flags/*\n  Cache-Control: ${FLAGS_CACHE_CONTROL}\n`);
    expect(FLAGS_CACHE_CONTROL).toBe('public, max-age=2592000');
  });

  it('are served by Node with the same lifetime and an SVG type', async () => {
    const app = new Hono();
    app.use('*', serveAssets(out));
    const res = await app.request('/flags/no.svg');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('cache-control')).toBe(FLAGS_CACHE_CONTROL);
    expect(await res.text()).toContain('<svg');
  });
});

describe('flagPath', () => {
  it('has a flag for every region Intl names but a few no lookup gives', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const missing: string[] = [];
    for (const a of letters) {
      for (const b of letters) {
        const code = a + b;
        if (names.of(code.toUpperCase()) && !copied.includes(`${code}.svg`)) missing.push(code);
      }
    }
    expect(missing.filter((code) => !NO_FLAG.includes(code))).toEqual([]);
  });

  it('names the country’s file, and the placeholder for no country or a made-up one', () => {
    expect(flagPath('NO')).toBe('/flags/no.svg');
    expect(flagPath('gb')).toBe('/flags/gb.svg');
    expect(flagPath('XK')).toBe('/flags/xk.svg');
    expect(flagPath('(not set)')).toBe('/flags/xx.svg');
    expect(flagPath('QQ')).toBe('/flags/xx.svg');
    expect(flagPath('')).toBe('/flags/xx.svg');
  });
});
