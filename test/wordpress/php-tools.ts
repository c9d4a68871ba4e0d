/**
 * The PHP tools the plugin's tests run: php-cli and Debian's phpunit. A missing one fails the
 * test with the command that installs it, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const PLUGIN_ROOT = join(import.meta.dirname, '../../wordpress');

/** The install command for a missing tool, as the Chromium step prints its own. */
export const INSTALL = 'apt-get update && apt-get install -y php-cli phpunit';

/** Runs a tool; throws naming the install command when it is not installed. */
export function run(tool: string, args: string[], cwd = PLUGIN_ROOT, input?: string): { status: number; output: string } {
  const result = spawnSync(tool, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, ...(input === undefined ? {} : { input }) });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${tool} is not installed; install it with: ${INSTALL}`);
  }
  if (result.error) throw result.error;
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** Every file under `dir` whose name ends with `suffix`. */
export function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, suffix);
    return name.endsWith(suffix) ? [path] : [];
  });
}
