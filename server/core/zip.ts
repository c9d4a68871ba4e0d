/**
 * A streaming ZIP writer, store only (CSV compresses well, but an export is read once and
 * Workers' CPU is metered; the files stay readable by any unzip). Runtime-independent (web
 * streams only): the privacy export uses it on Node and Workers, the dashboard's export of a
 * whole view in the browser. Each entry's CRC and size
 * follow its data in a data descriptor, so nothing is buffered beyond one chunk. Entries
 * and the archive are limited to 4 GiB (no ZIP64).
 * @module
 */
import { crc32 } from './crc32.ts';

export interface ZipEntry {
  /** Path inside the archive (UTF-8). */
  name: string;
  chunks: AsyncIterable<Uint8Array>;
}

const LIMIT = 0xffffffff;
/** Bit 3: sizes and CRC in a data descriptor after the data; bit 11: UTF-8 names. */
const FLAGS = 0x0808;
const VERSION = 20;

class Bytes {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u16(n: number): this {
    this.view.setUint16(this.at, n, true);
    this.at += 2;
    return this;
  }
  u32(n: number): this {
    this.view.setUint32(this.at, n, true);
    this.at += 4;
    return this;
  }
  raw(b: Uint8Array): this {
    this.bytes.set(b, this.at);
    this.at += b.length;
    return this;
  }
  done(): Uint8Array {
    return this.bytes;
  }
}

/** MS-DOS date and time of `date` (UTC; ZIP has no zone), two-second precision. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getUTCFullYear());
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

interface Written {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

function checkLimit(n: number, what: string): void {
  if (n > LIMIT) throw new Error(`export too large for a ZIP without ZIP64: ${what} passed 4 GiB`);
}

async function* zipChunks(entries: AsyncIterable<ZipEntry>, modified: Date): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const stamp = dosDateTime(modified);
  const written: Written[] = [];
  let offset = 0;
  for await (const entry of entries) {
    const name = encoder.encode(entry.name);
    const header = new Bytes(30 + name.length)
      .u32(0x04034b50).u16(VERSION).u16(FLAGS).u16(0).u16(stamp.time).u16(stamp.date)
      .u32(0).u32(0).u32(0).u16(name.length).u16(0).raw(name).done();
    const start = offset;
    yield header;
    offset += header.length;
    let crc = 0;
    let size = 0;
    for await (const chunk of entry.chunks) {
      if (chunk.length === 0) continue;
      crc = crc32(chunk, crc);
      size += chunk.length;
      checkLimit(size, entry.name);
      yield chunk;
    }
    offset += size;
    const descriptor = new Bytes(16).u32(0x08074b50).u32(crc).u32(size).u32(size).done();
    yield descriptor;
    offset += descriptor.length;
    checkLimit(offset, 'the archive');
    written.push({ name, crc, size, offset: start });
  }
  const directoryStart = offset;
  for (const w of written) {
    const record = new Bytes(46 + w.name.length)
      .u32(0x02014b50).u16(VERSION).u16(VERSION).u16(FLAGS).u16(0).u16(stamp.time).u16(stamp.date)
      .u32(w.crc).u32(w.size).u32(w.size).u16(w.name.length).u16(0).u16(0).u16(0).u16(0).u32(0).u32(w.offset)
      .raw(w.name).done();
    yield record;
    offset += record.length;
  }
  checkLimit(offset, 'the archive');
  yield new Bytes(22)
    .u32(0x06054b50).u16(0).u16(0).u16(written.length).u16(written.length)
    .u32(offset - directoryStart).u32(directoryStart).u16(0).done();
}

/** The entries as one ZIP archive, produced as the reader pulls (backpressure included). */
export function zipStream(entries: AsyncIterable<ZipEntry>, modified: Date): ReadableStream<Uint8Array> {
  const chunks = zipChunks(entries, modified);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
