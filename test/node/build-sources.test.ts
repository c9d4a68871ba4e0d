/**
 * `npm start` rebuilds dist/public when a source is newer (scripts/build.mjs --if-missing).
 * The folders it looks at must exist (a renamed one made every start after the first fail)
 * and hold everything the dashboard and the tracker import from the server.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_SOURCES } from '../../scripts/build-sources.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : []));
}

describe('the build\'s source folders', () => {
  it('all exist', () => {
    expect(BUILD_SOURCES.filter((dir) => !existsSync(join(ROOT, dir)))).toEqual([]);
  });

  it('hold every server module the dashboard and the tracker import', () => {
    const outside: string[] = [];
    for (const file of [...tsFiles(join(ROOT, 'dashboard')), ...tsFiles(join(ROOT, 'tracker'))]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = relative(ROOT, resolve(dirname(file), m[1]!));
        if (!BUILD_SOURCES.some((dir) => target === dir || target.startsWith(`${dir}/`))) outside.push(`${relative(ROOT, file)} → ${target}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
