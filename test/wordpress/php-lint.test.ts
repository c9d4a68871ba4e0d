/** `php -l` on every PHP file of the plugin and its tests. */
import { describe, expect, it } from 'vitest';
import { filesUnder, PLUGIN_ROOT, run } from './php-tools.ts';

describe('the WordPress plugin', () => {
  const files = filesUnder(PLUGIN_ROOT, '.php');

  it('has its PHP files where the tests look', () => {
    expect(files.map((f) => f.slice(PLUGIN_ROOT.length + 1))).toEqual(
      expect.arrayContaining(['teller/teller.php', 'teller/uninstall.php', 'teller/includes/functions.php', 'tests/FunctionsTest.php']),
    );
  });

  it.each(files.map((f) => [f.slice(PLUGIN_ROOT.length + 1), f]))('%s passes php -l', (_name, file) => {
    const { status, output } = run('php', ['-l', file]);
    expect(output).toContain('No syntax errors detected');
    expect(status).toBe(0);
  });
});
