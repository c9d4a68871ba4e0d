/** The plugin's PHPUnit suite (its pure functions), with Debian's phpunit. */
import { expect, it } from 'vitest';
import { run } from './php-tools.ts';

it('the PHPUnit suite of the WordPress plugin passes', () => {
  const { status, output } = run('phpunit', ['-c', 'phpunit.xml.dist']);
  expect(output, output).toMatch(/OK \(\d+ tests?, \d+ assertions?\)/);
  expect(status, output).toBe(0);
});
