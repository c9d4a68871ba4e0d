// @ts-check
/**
 * Gettext .po → .mo with no dependency, for the WordPress plugin's translations
 * (wordpress/teller/languages/). The build calls `compileLanguages`; by hand:
 * `node scripts/po-to-mo.mjs [file.po|dir …]` writes each .mo beside its .po.
 *
 * The .mo is GNU's format as WordPress' reader (wp-includes/pomo/mo.php) reads it: little
 * endian, keys sorted, no hash table. Untranslated and fuzzy entries are left out, so
 * WordPress falls back to the English source for them.
 * @module
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {{ context: string | null, id: string, plural: string | null, strings: string[], fuzzy: boolean }} PoEntry */

const ESCAPES = /** @type {Record<string, string>} */ ({ n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' });

/**
 * One quoted PO string's content, unescaped.
 * @param {string} quoted `"…"` as written in the file
 * @param {number} line for the error message
 */
function unquote(quoted, line) {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(quoted.trim());
  if (!m) throw new Error(`line ${line}: expected a quoted string, found ${quoted.trim().slice(0, 40)}`);
  return (m[1] ?? '').replace(/\\(.)/g, (_, c) => {
    const value = ESCAPES[c];
    if (value === undefined) throw new Error(`line ${line}: unknown escape \\${c}`);
    return value;
  });
}

/**
 * The entries of a .po file, the header (msgid "") included.
 * @param {string} text
 * @returns {PoEntry[]}
 */
export function parsePo(text) {
  /** @type {PoEntry[]} */
  const entries = [];
  /** @type {PoEntry | null} */
  let entry = null;
  /** @type {((s: string) => void) | null} */
  let append = null;
  let fuzzy = false;
  const fresh = () => /** @type {PoEntry} */ ({ context: null, id: '', plural: null, strings: [], fuzzy });
  const finish = () => {
    if (entry) entries.push(entry);
    entry = null;
    append = null;
    fuzzy = false;
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const at = index + 1;
    if (line === '') return finish();
    if (line.startsWith('#~')) return;
    if (line.startsWith('#')) {
      if (entry && entry.strings.length > 0) finish();
      if (line.startsWith('#,') && /\bfuzzy\b/.test(line)) fuzzy = true;
      return;
    }
    const m = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$/.exec(line);
    if (m) {
      const [, keyword, index_, quoted] = m;
      const value = unquote(quoted ?? '', at);
      // A msgctxt or msgid after a complete entry (one with a msgstr) starts the next one.
      if ((keyword === 'msgctxt' || keyword === 'msgid') && entry && entry.strings.length > 0) finish();
      entry ??= fresh();
      const current = entry;
      if (keyword === 'msgctxt') {
        current.context = value;
        append = (s) => (current.context += s);
      } else if (keyword === 'msgid') {
        current.id = value;
        append = (s) => (current.id += s);
      } else if (keyword === 'msgid_plural') {
        current.plural = value;
        append = (s) => (current.plural += s);
      } else {
        const n = index_ === undefined ? 0 : Number(index_);
        current.strings[n] = value;
        append = (s) => (current.strings[n] += s);
      }
      return;
    }
    if (line.startsWith('"') && append) return append(unquote(line, at));
    throw new Error(`line ${at}: cannot read "${line.slice(0, 40)}"`);
  });
  finish();
  return entries;
}

/**
 * The .mo bytes for a .po file's text.
 * @param {string} text
 * @returns {Uint8Array}
 */
export function poToMo(text) {
  const encoder = new TextEncoder();
  /** @type {Array<[Uint8Array, Uint8Array, string]>} */
  const pairs = [];
  for (const entry of parsePo(text)) {
    const isHeader = entry.id === '' && entry.context === null;
    if (!isHeader && (entry.fuzzy || entry.strings.length === 0 || entry.strings.some((s) => !s))) continue;
    const key = (entry.context === null ? '' : `${entry.context}\u0004`) + entry.id + (entry.plural === null ? '' : `\0${entry.plural}`);
    pairs.push([encoder.encode(key), encoder.encode(entry.strings.join('\0')), key]);
  }
  // Sorted by the key's bytes: readers may search the table by bisection.
  pairs.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  const count = pairs.length;
  const headerSize = 28;
  const tables = headerSize + 16 * count;
  let size = tables;
  for (const [key, value] of pairs) size += key.length + 1 + value.length + 1;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x950412de, true);
  view.setUint32(4, 0, true);
  view.setUint32(8, count, true);
  view.setUint32(12, headerSize, true);
  view.setUint32(16, headerSize + 8 * count, true);
  view.setUint32(20, 0, true);
  view.setUint32(24, tables, true);
  let at = tables;
  /** @param {Uint8Array} s @param {number} slot */
  const put = (s, slot) => {
    view.setUint32(slot, s.length, true);
    view.setUint32(slot + 4, at, true);
    bytes.set(s, at);
    at += s.length + 1;
  };
  pairs.forEach(([key], i) => put(key, headerSize + 8 * i));
  pairs.forEach(([, value], i) => put(value, headerSize + 8 * count + 8 * i));
  return bytes;
}

/**
 * Compiles every .po in the given files or folders to a .mo beside it.
 * @param {string[]} paths
 * @returns {string[]} the .mo files written
 */
export function compileLanguages(paths) {
  /** @type {string[]} */
  const written = [];
  for (const path of paths) {
    const files = statSync(path).isDirectory()
      ? readdirSync(path).filter((f) => f.endsWith('.po')).sort().map((f) => join(path, f))
      : [path];
    for (const file of files) {
      const out = file.replace(/\.po$/, '.mo');
      try {
        writeFileSync(out, poToMo(readFileSync(file, 'utf8')));
      } catch (error) {
        throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      written.push(out);
    }
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const targets = args.length > 0 ? args : [fileURLToPath(new URL('../wordpress/teller/languages', import.meta.url))];
  try {
    for (const file of compileLanguages(targets)) console.log(`wrote ${file}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
