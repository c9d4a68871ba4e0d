/** A stand-in for wordpress/teller/ (the plugin is another branch's work): a few files in folders, one of them a .po. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURE_FILES: Record<string, string> = {
  'teller.php': '<?php\n/**\n * Plugin Name: Teller\n * Text Domain: teller\n */\n',
  'readme.txt': `=== Teller ===\n${'Privacy-friendly analytics. '.repeat(40)}\n`,
  'includes/settings.php': '<?php\nfunction teller_settings() {}\n',
  'languages/teller-nb_NO.po': 'msgid "Settings"\nmsgstr "Innstillinger"\n',
};

/** A new folder holding the fixture plugin as `<dir>/teller`; returns that path. */
export function wordpressFixture(): string {
  const source = join(mkdtempSync(join(tmpdir(), 'teller-wp-fixture-')), 'teller');
  for (const [name, text] of Object.entries(FIXTURE_FILES)) {
    mkdirSync(join(source, name, '..'), { recursive: true });
    writeFileSync(join(source, name), text);
  }
  // Editors' and git's files stay out of the zip.
  writeFileSync(join(source, '.DS_Store'), 'x');
  return source;
}
