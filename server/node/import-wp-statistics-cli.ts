/**
 * `teller import wp-statistics --site <domain> <files…>`: WP Statistics' own exports (CSV,
 * TSV or XML, one table per file) and/or a mysqldump of its tables, imported as one import.
 * The reading and mapping is the core's (server/core/imports/wp-statistics.ts); this reads
 * the files from disk and says what happened.
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ImportError, runImport } from '../core/imports/store.ts';
import { importNoteText } from '../core/imports/notes.ts';
import { ImportFormatError } from '../core/imports/tables.ts';
import { wpStatisticsSource, type WpsFile } from '../core/imports/wp-statistics.ts';
import { findSite, parseDomain, unknownSiteMessage } from '../core/sites.ts';
import type { SqliteDb } from './sqlite-db.ts';

export const WP_STATISTICS_USAGE = `  import wp-statistics --site <domain> <file|folder>…
                                                 import WP Statistics' exports (CSV/TSV/XML) and/or a mysqldump of its tables`;

/** A file bigger than this is not a WP Statistics export anyone can make; it is refused unread. */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

export interface WpImportDeps {
  openDb(): SqliteDb;
  /** Bad usage: exit 2 with the usage hint. */
  usageError(message: string): Error;
  /** The import cannot be done: exit 1. */
  commandError(message: string): Error;
  stdout(line: string): void;
}

function readInputs(paths: readonly string[], deps: WpImportDeps): WpsFile[] {
  const files: string[] = [];
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw deps.commandError(`${path}: no such file or folder`);
    }
    if (stat.isDirectory()) files.push(...readdirSync(path).sort().map((name) => join(path, name)).filter((f) => statSync(f).isFile()));
    else files.push(path);
  }
  if (files.length === 0) throw deps.usageError('no files to import');
  return files.map((path) => {
    if (statSync(path).size > MAX_FILE_BYTES) throw deps.commandError(`${path}: larger than 1 GB, not a WP Statistics export`);
    return { name: basename(path), bytes: readFileSync(path) };
  });
}

export async function importWpStatisticsCommand(args: string[], deps: WpImportDeps): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { site: { type: 'string' } } });
  if (!values.site) throw deps.usageError('missing --site <domain>');
  const domain = parseDomain(values.site);
  if (!domain) throw deps.usageError(`"${values.site}" is not a valid domain`);
  if (positionals.length === 0) throw deps.usageError('usage: import wp-statistics --site <domain> <file|folder>…');
  const files = readInputs(positionals, deps);
  const db = deps.openDb();
  try {
    const site = await findSite(db, domain);
    if (!site) throw deps.commandError(unknownSiteMessage(domain));
    const source = await wpStatisticsSource(files, site);
    const summary = await runImport(db, site, source, { by: 'cli', nowSec: Math.floor(Date.now() / 1000) });
    deps.stdout(`Imported ${source.fileName} into ${domain} as import ${summary.id}: ${summary.days} days (${summary.firstDay} to ${summary.lastDay}), ${summary.rows} rows.`);
    if (summary.note) deps.stdout(summary.note);
    for (const note of source.notes) deps.stdout(importNoteText(note));
  } catch (error) {
    if (error instanceof ImportFormatError || error instanceof ImportError) throw deps.commandError(error.message);
    throw error;
  } finally {
    db.close();
  }
}
