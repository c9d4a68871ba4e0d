/**
 * What `npm run build` builds from: `npm start` (build.mjs --if-missing) rebuilds when any
 * file below these is newer than dist/public (the build scripts themselves included). The
 * dashboard imports types and small pure modules from server/core, so all of server/core
 * counts (test/node/build-sources.test.ts checks that every import of theirs lies below one
 * of these).
 */
import { existsSync } from 'node:fs';
import { WORDPRESS_SOURCE } from './wordpress-zip.mjs';

export const BUILD_SOURCES = ['tracker', 'dashboard', 'server/core', 'scripts', ...(existsSync(WORDPRESS_SOURCE) ? [WORDPRESS_SOURCE] : [])];
