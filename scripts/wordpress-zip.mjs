/**
 * The WordPress plugin as the zip WordPress installs ("Upload Plugin"): every file of
 * `wordpress/teller/` under the top folder `teller/`, deflated, with the `.mo` translations
 * compiled from the `.po` files first (scripts/po-to-mo.mjs, when the plugin has it).
 * Written into the build output as `wordpress/teller.zip`, which Teller serves as a static
 * file on Node (server/node/static.ts) and Cloudflare serves from the Worker's assets.
 * A small writer of its own, so the build needs no zip package: local headers, deflate
 * (node:zlib), a central directory; fixed timestamps, so the same sources give the same bytes.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export const WORDPRESS_SOURCE = 'wordpress/teller';
/** The path under the build output (dist/public) and so the URL path it is served at. */
export const WORDPRESS_ZIP_PATH = 'wordpress/teller.zip';
const PO_TO_MO = 'scripts/po-to-mo.mjs';
const TOP = 'teller/';

/** 1980-01-01 00:00, the first MS-DOS date: the archive's bytes depend on the sources alone. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Made by Unix (3) with zip 2.0, so unzip gives files 0644 and folders 0755. */
const MADE_BY = (3 << 8) | 20;
const UTF8_NAMES = 0x0800;

/** Every file and folder below `dir`, as archive names relative to it, sorted (folders end in `/`); dot files are left out. */
function entriesOf(dir) {
  const names = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = join(at, entry.name);
      const name = relative(dir, full).split(sep).join('/');
      if (entry.isDirectory()) {
        names.push({ name: `${name}/`, full: null });
        walk(full);
      } else if (entry.isFile()) names.push({ name, full });
    }
  };
  walk(dir);
  return names;
}

function localHeader(name, method, crc, compressed, size) {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(UTF8_NAMES, 6);
  header.writeUInt16LE(method, 8);
  header.writeUInt16LE(DOS_TIME, 10);
  header.writeUInt16LE(DOS_DATE, 12);
  header.writeUInt32LE(crc, 14);
  header.writeUInt32LE(compressed, 18);
  header.writeUInt32LE(size, 22);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
}

function centralHeader(name, method, crc, compressed, size, offset, folder) {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(MADE_BY, 4);
  header.writeUInt16LE(20, 6);
  header.writeUInt16LE(UTF8_NAMES, 8);
  header.writeUInt16LE(method, 10);
  header.writeUInt16LE(DOS_TIME, 12);
  header.writeUInt16LE(DOS_DATE, 14);
  header.writeUInt32LE(crc, 16);
  header.writeUInt32LE(compressed, 20);
  header.writeUInt32LE(size, 24);
  header.writeUInt16LE(name.length, 28);
  // Unix mode in the high half, and the MS-DOS folder bit for folders.
  header.writeUInt32LE((((folder ? 0o40755 : 0o100644) << 16) | (folder ? 0x10 : 0)) >>> 0, 38);
  header.writeUInt32LE(offset, 42);
  return Buffer.concat([header, name]);
}

/** The zip of `sourceDir` with every name under `top`, as bytes. */
export function zipFolder(sourceDir, top = TOP) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, full } of [{ name: '', full: null }, ...entriesOf(sourceDir)]) {
    const nameBytes = Buffer.from(`${top}${name}`, 'utf8');
    const data = full === null ? Buffer.alloc(0) : readFileSync(full);
    const deflated = data.length > 0 ? deflateRawSync(data, { level: 9 }) : data;
    // A file deflate does not shrink is stored as it is.
    const [method, body] = deflated.length < data.length ? [8, deflated] : [0, data];
    const crc = crc32(data);
    const local = localHeader(nameBytes, method, crc, body.length, data.length);
    locals.push(local, body);
    centrals.push(centralHeader(nameBytes, method, crc, body.length, data.length, offset, full === null));
    offset += local.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length, 8);
  end.writeUInt16LE(centrals.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * Builds `<outDir>/wordpress/teller.zip` from `sourceDir` and returns its path, or null
 * when there is no plugin folder (the build goes on without the zip). `.po` files are
 * compiled to `.mo` first by `node <poToMo> <languages folder>` (scripts/po-to-mo.mjs) when both exist.
 */
export function buildWordPressZip({ sourceDir = WORDPRESS_SOURCE, outDir = 'dist/public', poToMo = PO_TO_MO, quiet = false } = {}) {
  if (!existsSync(sourceDir) || !statSync(sourceDir).isDirectory()) {
    if (!quiet) console.log(`wordpress: no ${sourceDir}, no plugin zip`);
    return null;
  }
  const languages = join(sourceDir, 'languages');
  if (existsSync(poToMo) && existsSync(languages)) execFileSync(process.execPath, [poToMo, languages], { stdio: quiet ? 'ignore' : 'inherit' });
  const out = join(outDir, WORDPRESS_ZIP_PATH);
  mkdirSync(dirname(out), { recursive: true });
  const zip = zipFolder(sourceDir);
  writeFileSync(out, zip);
  if (!quiet) console.log(`wordpress: ${out} (${zip.length} bytes)`);
  return out;
}
