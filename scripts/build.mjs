#!/usr/bin/env node
/**
 * `npm run build`: builds what the server serves into dist/public (the tracker scripts,
 * the dashboard with the third-party licences, and the WordPress plugin's zip). With --if-missing (used by `npm start`) it does
 * nothing when the output is newer than every source file.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboard } from '../dashboard/build.mjs';
import { BUILD_SOURCES } from './build-sources.mjs';
import { buildTracker } from '../tracker/build.mjs';
import { LICENCES_FILE, writeLicences } from './third-party.mjs';
import { buildWordPressZip, WORDPRESS_SOURCE, WORDPRESS_ZIP_PATH } from './wordpress-zip.mjs';

const OUT = 'dist/public';

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function upToDate() {
  const marker = join(OUT, 'script.js');
  if (!existsSync(marker) || !existsSync(join(OUT, 'dashboard', 'app.js')) || !existsSync(join(OUT, 'flags', 'xx.svg')) || !existsSync(join(OUT, LICENCES_FILE))) return false;
  if (existsSync(WORDPRESS_SOURCE) && !existsSync(join(OUT, WORDPRESS_ZIP_PATH))) return false;
  const built = statSync(marker).mtimeMs;
  return BUILD_SOURCES.every((dir) => newestSource(dir) <= built);
}

const ifMissing = process.argv.includes('--if-missing');
if (ifMissing && upToDate()) process.exit(0);
// The tracker writes _headers afresh; the dashboard appends its own rules to it.
await buildTracker({ outDir: OUT, quiet: false });
const dashboard = await buildDashboard({ outDir: OUT, quiet: false });
// The tracker bundles no third-party code (tracker/build.mjs refuses to).
await writeLicences(OUT, dashboard.packages);
buildWordPressZip({ outDir: OUT });
