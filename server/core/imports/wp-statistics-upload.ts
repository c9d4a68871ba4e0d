/**
 * A WP Statistics upload (admin API, settings page) as the importer's files: a ZIP of the
 * plugin's exports and/or a mysqldump, or one such file on its own. Entries a ZIP tool adds
 * (folders, macOS resource forks, hidden files) are left out and named. Runtime-independent.
 * @module
 */
import { bytesAccess, looksLikeZip, readZip, ZipError, type ZipLimits } from '../unzip.ts';
import { ImportFormatError } from './tables.ts';
import type { WpsFile } from './wp-statistics.ts';

const GiB = 1024 * 1024 * 1024;

/** The importer reads the tables in memory, so the inflated whole is bounded as one file is. */
export const WPS_ZIP_LIMITS: ZipLimits = { maxEntries: 1_000, maxEntrySize: GiB, maxTotalSize: GiB, maxRatio: 200 };

export interface WpsUpload {
  files: WpsFile[];
  /** ZIP entries not read, as in the Plausible upload's answer. */
  skipped: string[];
}

const isTooling = (name: string) => name.endsWith('/') || name.startsWith('__MACOSX/') || (name.split('/').at(-1) ?? '').startsWith('.');

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.length;
  }
  const whole = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}

/** The upload's files; a damaged or hostile ZIP, or one with nothing in it, is an ImportFormatError naming it. */
export async function wpStatisticsUpload(fileName: string, bytes: Uint8Array): Promise<WpsUpload> {
  if (!looksLikeZip(bytes)) return { files: [{ name: fileName, bytes }], skipped: [] };
  const files: WpsFile[] = [];
  const skipped: string[] = [];
  try {
    for (const entry of await readZip(bytesAccess(bytes), WPS_ZIP_LIMITS)) {
      if (isTooling(entry.name)) skipped.push(entry.name);
      else files.push({ name: entry.name, bytes: await collect(entry.open()) });
    }
  } catch (error) {
    if (error instanceof ZipError) throw new ImportFormatError(error.message, { file: error.entry ?? fileName });
    throw error;
  }
  if (files.length === 0) throw new ImportFormatError('the ZIP archive holds no files', { file: fileName });
  return { files, skipped };
}
