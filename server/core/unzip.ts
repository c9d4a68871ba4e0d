/**
 * A ZIP reader for imports, runtime-independent (web streams and DecompressionStream, which
 * Node and Workers both have): the archive is read through its central directory from any
 * random-access source (bytes in memory, a file on disk), and each entry is inflated as it
 * is read, so memory stays bounded by one chunk however large the archive. Stored and
 * deflated entries; no ZIP64, no encryption.
 *
 * Defences, since an upload is untrusted: the entry count, each entry's and the archive's
 * inflated size and the inflate ratio are bounded before a byte is inflated (from the
 * directory), and again while inflating (a directory can lie); a truncated archive, an
 * entry reaching past the directory and a wrong CRC-32 are refused. Every refusal is a
 * ZipError naming the entry.
 * @module
 */
import { crc32 } from './crc32.ts';

export interface RandomAccess {
  size: number;
  /** `length` bytes from `offset` (fewer only at the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface ZipLimits {
  maxEntries: number;
  /** Most inflated bytes of one entry. */
  maxEntrySize: number;
  /** Most inflated bytes of all entries together. */
  maxTotalSize: number;
  /** Most inflated bytes per compressed byte, for entries above 1 MiB. */
  maxRatio: number;
}

export interface ZipEntryReader {
  name: string;
  size: number;
  compressedSize: number;
  /** The inflated bytes, checked against the directory's size and CRC-32. */
  open(): AsyncIterable<Uint8Array>;
}

export class ZipError extends Error {
  readonly entry: string | null;
  constructor(message: string, entry: string | null = null) {
    super(entry === null ? message : `${entry}: ${message}`);
    this.name = 'ZipError';
    this.entry = entry;
  }
}

const MiB = 1024 * 1024;
const CHUNK = MiB;
const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function bytesAccess(bytes: Uint8Array): RandomAccess {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)) };
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Whether the bytes start like a ZIP archive (a local header, or the end record of an empty one). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && (view(head).getUint32(0, true) === LOCAL || view(head).getUint32(0, true) === EOCD);
}

async function endRecord(src: RandomAccess): Promise<{ count: number; dirSize: number; dirOffset: number; at: number }> {
  const tail = Math.min(src.size, 22 + 0xffff);
  const bytes = await src.read(src.size - tail, tail);
  const v = view(bytes);
  for (let i = bytes.length - 22; i >= 0; i--) {
    if (v.getUint32(i, true) !== EOCD) continue;
    const at = src.size - tail + i;
    const count = v.getUint16(i + 10, true);
    const dirSize = v.getUint32(i + 12, true);
    const dirOffset = v.getUint32(i + 16, true);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) throw new ZipError('ZIP64 archives are not supported');
    if (dirOffset + dirSize > at) throw new ZipError('the archive is truncated or corrupt: its directory lies outside it');
    return { count, dirSize, dirOffset, at };
  }
  throw new ZipError('not a ZIP archive, or a truncated one: no end-of-directory record');
}

/** The archive's entries (directories left out), checked against `limits`. */
export async function readZip(src: RandomAccess, limits: ZipLimits): Promise<ZipEntryReader[]> {
  const end = await endRecord(src);
  if (end.count > limits.maxEntries) throw new ZipError(`the archive has ${end.count} entries; at most ${limits.maxEntries} are read`);
  const dir = await src.read(end.dirOffset, end.dirSize);
  if (dir.length < end.dirSize) throw new ZipError('the archive is truncated: its directory is cut short');
  const v = view(dir);
  const decoder = new TextDecoder();
  const entries: ZipEntryReader[] = [];
  let total = 0;
  let at = 0;
  for (let i = 0; i < end.count; i++) {
    if (at + 46 > dir.length || v.getUint32(at, true) !== CENTRAL) throw new ZipError('the archive is corrupt: a directory record is damaged');
    const flags = v.getUint16(at + 8, true);
    const method = v.getUint16(at + 10, true);
    const crc = v.getUint32(at + 16, true);
    const compressedSize = v.getUint32(at + 20, true);
    const size = v.getUint32(at + 24, true);
    const nameLength = v.getUint16(at + 28, true);
    const next = at + 46 + nameLength + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
    const offset = v.getUint32(at + 42, true);
    if (next > dir.length) throw new ZipError('the archive is corrupt: a directory record is damaged');
    const name = decoder.decode(dir.subarray(at + 46, at + 46 + nameLength));
    at = next;
    if (name.endsWith('/')) continue;
    if (flags & 1) throw new ZipError('encrypted entries are not supported', name);
    if (method !== 0 && method !== 8) throw new ZipError(`compression method ${method} is not supported (only stored and deflate)`, name);
    if (size === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff) throw new ZipError('ZIP64 entries are not supported', name);
    if (size > limits.maxEntrySize) throw new ZipError(`inflates to ${size} bytes; at most ${limits.maxEntrySize} are read`, name);
    if (size > MiB && size > compressedSize * limits.maxRatio) {
      throw new ZipError(`inflates ${Math.round(size / Math.max(1, compressedSize))} times its size (at most ${limits.maxRatio}): refused as a zip bomb`, name);
    }
    if (method === 0 && size !== compressedSize) throw new ZipError('the archive is corrupt: a stored entry with two sizes', name);
    total += size;
    if (total > limits.maxTotalSize) throw new ZipError(`the archive inflates to more than ${limits.maxTotalSize} bytes, the most read`);
    entries.push({ name, size, compressedSize, open: () => entryBytes(src, end.dirOffset, { name, method, crc, size, compressedSize, offset }) });
  }
  return entries;
}

interface Located {
  name: string;
  method: number;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
}

async function* rawBytes(src: RandomAccess, start: number, length: number, name: string): AsyncGenerator<Uint8Array> {
  for (let done = 0; done < length; ) {
    const chunk = await src.read(start + done, Math.min(CHUNK, length - done));
    if (chunk.length === 0) throw new ZipError('the archive is truncated: the entry is cut short', name);
    done += chunk.length;
    yield chunk;
  }
}

/** Raw deflate inflated chunk by chunk; a corrupt or cut stream is a ZipError. */
async function* inflate(input: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let inputError: unknown = null;
  const pump = (async () => {
    try {
      for await (const chunk of input) await writer.write(chunk as Uint8Array<ArrayBuffer>);
      await writer.close();
    } catch (error) {
      inputError = error;
      await writer.abort(error).catch(() => undefined);
    }
  })();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        if (inputError instanceof ZipError) throw inputError;
        throw new ZipError('the archive is corrupt: the entry does not inflate', name);
      }
      if (next.done) break;
      yield next.value;
    }
    await pump;
    if (inputError !== null) throw inputError;
  } finally {
    await reader.cancel().catch(() => undefined);
    await pump;
  }
}

async function* entryBytes(src: RandomAccess, dirOffset: number, e: Located): AsyncGenerator<Uint8Array> {
  const header = await src.read(e.offset, 30);
  if (header.length < 30 || view(header).getUint32(0, true) !== LOCAL) throw new ZipError('the archive is corrupt: no local header where the directory says', e.name);
  const start = e.offset + 30 + view(header).getUint16(26, true) + view(header).getUint16(28, true);
  if (start + e.compressedSize > dirOffset) throw new ZipError('the archive is corrupt: the entry reaches past its end', e.name);
  const raw = rawBytes(src, start, e.compressedSize, e.name);
  let crc = 0;
  let size = 0;
  for await (const chunk of e.method === 8 ? inflate(raw, e.name) : raw) {
    size += chunk.length;
    if (size > e.size) throw new ZipError(`inflates past the ${e.size} bytes its directory record states: refused as a zip bomb`, e.name);
    crc = crc32(chunk, crc);
    yield chunk;
  }
  if (size !== e.size) throw new ZipError(`the archive is corrupt: ${size} bytes instead of ${e.size}`, e.name);
  if (crc !== e.crc) throw new ZipError('the archive is corrupt: wrong CRC-32', e.name);
}
