/**
 * `teller import plausible --site <domain> <export.zip | folder | file.csv>`: the Node side
 * of the Plausible import. It only finds the bytes (a ZIP read in place from disk, a
 * folder's CSV files streamed) and their SHA-256; reading and storing them is the core's
 * (imports/plausible-csv.ts, imports/store.ts), as for the admin API.
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { plausibleSource, selectPlausibleFiles, zipCsvFiles, type CsvFile, type PlausibleSource } from '../core/imports/plausible-csv.ts';
import { ImportError, runImport, type ClipMode, type ImportSummary } from '../core/imports/store.ts';
import { ImportFormatError } from '../core/imports/tables.ts';
import { findSite, parseDomain, unknownSiteMessage } from '../core/sites.ts';
import { looksLikeZip, type RandomAccess } from '../core/unzip.ts';
import type { Db } from '../core/ports.ts';

export const IMPORT_USAGE = 'usage: import plausible --site <domain> [--refuse-overlap] <export.zip | folder of CSV files>';

export interface ImportIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

async function sha256OfFiles(paths: string[], root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) {
    // Each file's name goes in too: the same bytes under other names are another export.
    if (paths.length > 1 || path !== root) hash.update(`${relative(root, path)}\u0000`);
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

async function fileAccess(path: string): Promise<{ access: RandomAccess; close: () => Promise<void> }> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    access: {
      size,
      async read(offset, length) {
        const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        return buffer.subarray(0, bytesRead);
      },
    },
    close: () => handle.close(),
  };
}

async function csvFilesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function diskFile(path: string, name: string, size: number): CsvFile {
  return { name, size, bytes: () => createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array> };
}

/**
 * The source for `files` found at `path`: the files are chosen (and a file past the size
 * limit refused) before `hashed` are read for the SHA-256, so nothing large is read first.
 */
async function sourceOf(path: string, files: CsvFile[], hashed: () => string[]): Promise<PlausibleSource> {
  selectPlausibleFiles(files, basename(path));
  return plausibleSource(basename(path), await sha256OfFiles(hashed(), path), files);
}

/** The source at `path` (ZIP, folder or one CSV file), and what to close after. */
async function openSource(path: string): Promise<{ source: PlausibleSource; close: () => Promise<void> }> {
  const info = await stat(path);
  if (info.isDirectory()) {
    const paths = await csvFilesIn(path);
    const files = await Promise.all(paths.map(async (p) => diskFile(p, relative(path, p), (await stat(p)).size)));
    // Only Plausible's files make the export's identity: a README beside them changes nothing.
    const chosen = () => paths.filter((p) => selectPlausibleFiles(files, basename(path)).files.some((f) => f.file.name === relative(path, p)));
    return { source: await sourceOf(path, files, chosen), close: async () => undefined };
  }
  const { access, close } = await fileAccess(path);
  try {
    const head = await access.read(0, 4);
    const files = looksLikeZip(head) ? await zipCsvFiles(basename(path), access) : [diskFile(path, basename(path), info.size)];
    return { source: await sourceOf(path, files, () => [path]), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The summary in lines, as the CLI prints it. */
export function summaryLines(domain: string, fileName: string, summary: ImportSummary, skipped: string[]): string[] {
  const lines = [
    `Imported ${fileName} into ${domain} (import ${summary.id}): ${summary.days} days, ${summary.rows} rows, ${summary.firstDay} to ${summary.lastDay}.`,
  ];
  if (summary.note) lines.push(summary.note);
  if (skipped.length > 0) lines.push(`Not read (not files of Plausible's export): ${skipped.join(', ')}`);
  return lines;
}

/**
 * Runs `import plausible …` (args after "plausible"); returns the exit code: 0 imported,
 * 1 refused (the reason on stderr, nothing stored), 2 bad usage.
 */
export async function importPlausibleCommand(args: string[], io: ImportIo, openDb: () => Db & { close(): void }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { site: { type: 'string' }, 'refuse-overlap': { type: 'boolean' } } });
  } catch (error) {
    io.stderr(`teller: ${(error as Error).message}`);
    io.stderr(IMPORT_USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  const domain = values.site ? parseDomain(values.site) : null;
  if (!domain || positionals.length !== 1) {
    io.stderr(`teller: ${!values.site ? 'missing --site <domain>' : !domain ? `"${values.site}" is not a valid domain` : 'name one export: a ZIP, a folder or a CSV file'}`);
    io.stderr(IMPORT_USAGE);
    return 2;
  }
  const path = positionals[0]!;
  const clip: ClipMode = values['refuse-overlap'] ? 'refuse' : 'before-own-data';
  const db = openDb();
  try {
    const site = await findSite(db, domain);
    if (!site) {
      io.stderr(`teller: ${unknownSiteMessage(domain)}`);
      return 1;
    }
    let opened;
    try {
      opened = await openSource(path);
    } catch (error) {
      if (error instanceof ImportFormatError) throw error;
      io.stderr(`teller: cannot read ${path}: ${(error as Error).message}`);
      return 1;
    }
    try {
      const summary = await runImport(db, site, opened.source, { by: 'cli', nowSec: Math.floor(Date.now() / 1000), clock: Date.now, clip });
      for (const line of summaryLines(domain, opened.source.fileName, summary, opened.source.skipped)) io.stdout(line);
      return 0;
    } finally {
      await opened.close();
    }
  } catch (error) {
    if (!(error instanceof ImportFormatError || error instanceof ImportError)) throw error;
    io.stderr(`teller: import refused, nothing stored: ${error.message}`);
    return 1;
  } finally {
    db.close();
  }
}
