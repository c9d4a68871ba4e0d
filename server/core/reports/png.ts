/**
 * A small PNG encoder for the report's chart: 8-bit indexed colour, one zlib stream made by
 * `CompressionStream('deflate')` (RFC 1950, what PNG's IDAT holds), which both Node and
 * workerd have. Enough for flat shapes; no text (the mail's HTML carries the labels).
 * @module
 */
import { crc32 } from '../crc32.ts';

export type Rgb = readonly [number, number, number];

/** An image of palette indexes, row by row. */
export interface IndexedImage {
  width: number;
  height: number;
  palette: readonly Rgb[];
  pixels: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export async function encodePng(image: IndexedImage): Promise<Uint8Array> {
  const { width, height, palette, pixels } = image;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 3, 0, 0, 0], 8); // 8 bits, indexed colour, deflate, adaptive filters, no interlace
  // Each row starts with filter type 0 (none): flat colour compresses well as it is.
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return concat([
    Uint8Array.from(SIGNATURE),
    chunk('IHDR', header),
    chunk('PLTE', Uint8Array.from(palette.flat())),
    chunk('IDAT', await deflate(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

export interface BarChart {
  values: readonly number[];
  /** CSS pixels; the image is drawn at twice this for sharp high-density screens. */
  width: number;
  height: number;
  background: Rgb;
  bar: Rgb;
  grid: Rgb;
}

/** Bars of `values` from the bottom, scaled to the largest, with a baseline and a top line. */
export function drawBars(chart: BarChart): IndexedImage {
  const scale = 2;
  const width = chart.width * scale;
  const height = chart.height * scale;
  const pixels = new Uint8Array(width * height); // 0: background
  const max = Math.max(1, ...chart.values);
  const slot = width / Math.max(1, chart.values.length);
  const gap = Math.max(2, Math.round(slot * 0.2));
  const top = 4 * scale;
  const plot = height - top - scale;
  for (let x = 0; x < width; x++) {
    pixels[top * width + x] = 2;
    pixels[(height - 1) * width + x] = 2;
  }
  chart.values.forEach((value, i) => {
    const barHeight = value > 0 ? Math.max(scale, Math.round((value / max) * plot)) : 0;
    const x0 = Math.round(i * slot + gap / 2);
    const x1 = Math.round((i + 1) * slot - gap / 2);
    for (let y = height - 1 - barHeight; y < height - 1; y++) pixels.fill(1, y * width + x0, y * width + x1);
  });
  return { width, height, palette: [chart.background, chart.bar, chart.grid], pixels };
}
