/**
 * The plugin zip (scripts/wordpress-zip.mjs): a real zip that `unzip -t` accepts, every file
 * under the top folder `teller/` with its exact bytes, the .po files compiled first when the
 * compiler exists, the same bytes from the same sources; and Teller on Node serves it at
 * GET /wordpress/teller.zip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWordPressZip, zipFolder } from '../../scripts/wordpress-zip.mjs';
import { startTestServer } from '../helpers/server.ts';
import { FIXTURE_FILES, wordpressFixture } from '../helpers/wordpress-fixture.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'teller-wp-zip-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the WordPress plugin zip', () => {
  it('is a zip unzip accepts, with every file under teller/ as it was', () => {
    const source = wordpressFixture();
    dirs.push(join(source, '..'));
    const out = tempDir();
    const zip = buildWordPressZip({ sourceDir: source, outDir: out, poToMo: join(out, 'none.mjs'), quiet: true });
    expect(zip).toBe(join(out, 'wordpress/teller.zip'));
    expect(execFileSync('unzip', ['-t', zip!], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const names = execFileSync('unzip', ['-Z1', zip!], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toEqual(['teller/', 'teller/includes/', 'teller/includes/settings.php', 'teller/languages/', 'teller/languages/teller-nb_NO.po', 'teller/readme.txt', 'teller/teller.php']);
    const unpacked = tempDir();
    execFileSync('unzip', ['-q', zip!, '-d', unpacked]);
    for (const [name, text] of Object.entries(FIXTURE_FILES)) expect(readFileSync(join(unpacked, 'teller', name), 'utf8')).toBe(text);
    // The readme repeats itself: deflated, it is smaller than it was.
    expect(execFileSync('unzip', ['-v', zip!], { encoding: 'utf8' })).toMatch(/Defl:N .*teller\/readme\.txt/);
    expect(Buffer.from(zipFolder(source)).equals(readFileSync(zip!))).toBe(true);
  });

  it('compiles the .po files with the given compiler before zipping', () => {
    const source = wordpressFixture();
    dirs.push(join(source, '..'));
    const out = tempDir();
    const compiler = join(out, 'po-to-mo.mjs');
    writeFileSync(compiler, "import { writeFileSync } from 'node:fs';\nwriteFileSync(process.argv[2] + '/teller-nb_NO.mo', 'compiled');\n");
    const zip = buildWordPressZip({ sourceDir: source, outDir: out, poToMo: compiler, quiet: true })!;
    expect(execFileSync('unzip', ['-p', zip, 'teller/languages/teller-nb_NO.mo'], { encoding: 'utf8' })).toBe('compiled');
  });

  it('is left out, without failing the build, when there is no plugin folder', () => {
    const out = tempDir();
    expect(buildWordPressZip({ sourceDir: join(out, 'missing'), outDir: out, quiet: true })).toBeNull();
    expect(existsSync(join(out, 'wordpress'))).toBe(false);
  });

  it('is served by Teller on Node at /wordpress/teller.zip', async () => {
    const source = wordpressFixture();
    dirs.push(join(source, '..'));
    const publicDir = tempDir();
    const zip = buildWordPressZip({ sourceDir: source, outDir: publicDir, quiet: true })!;
    const server = await startTestServer({ publicDir });
    try {
      const res = await fetch(`${server.url}/wordpress/teller.zip`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(zip))).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
