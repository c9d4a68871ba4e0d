/**
 * `npx tsx scripts/icons.ts`: renders the dashboard's icons (dashboard/icons/*.svg, drawn by
 * hand) into the PNGs and the favicon.ico committed beside them, with Chromium. Run it again
 * after changing an SVG; the build only copies the files (dashboard/build.mjs, ICONS).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../test/e2e/browser.ts';

const DIR = join(import.meta.dirname, '..', 'dashboard', 'icons');

/** PNG files: [file, source SVG, size in pixels]. */
const PNGS: Array<[string, string, number]> = [
  ['icon-192.png', 'icon.svg', 192],
  ['icon-512.png', 'icon.svg', 512],
  ['icon-maskable-512.png', 'maskable.svg', 512],
  // iOS rounds the corners itself and shows transparency as black: the full-bleed drawing.
  ['apple-touch-icon.png', 'maskable.svg', 180],
];
/** Sizes inside favicon.ico, for browsers that ask for /favicon.ico and ignore the SVG. */
const ICO_SIZES = [16, 32, 48];

/** An ICO file whose images are PNGs (allowed since Windows Vista, read by every browser). */
function ico(pngs: Array<{ size: number; bytes: Buffer }>): Buffer {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, bytes }, i) => {
    const at = 6 + 16 * i;
    header.writeUInt8(size % 256, at);
    header.writeUInt8(size % 256, at + 1);
    header.writeUInt16LE(1, at + 4);
    header.writeUInt16LE(32, at + 6);
    header.writeUInt32LE(bytes.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += bytes.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.bytes)]);
}

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const render = async (svg: string, size: number): Promise<Buffer> => {
    await page.setViewportSize({ width: size, height: size });
    const source = readFileSync(join(DIR, svg), 'utf8').replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<html><body style="margin:0;background:transparent">${source}</body></html>`);
    return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  };
  for (const [file, svg, size] of PNGS) writeFileSync(join(DIR, file), await render(svg, size));
  const small = [];
  for (const size of ICO_SIZES) small.push({ size, bytes: await render('icon.svg', size) });
  writeFileSync(join(DIR, 'favicon.ico'), ico(small));
} finally {
  await browser.close();
}
