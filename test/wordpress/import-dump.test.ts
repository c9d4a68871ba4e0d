/**
 * The plugin's WP Statistics import writes each month as an SQL dump (teller_sql_insert, in
 * PHP). Fed the rows of WP Statistics' real tables (the fixture mysqldump), the PHP's dump must
 * map to exactly what the mysqldump itself maps to in Teller's importer, though it leaves out
 * the columns that identify people (ip, UAString, user_id), which Teller never reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readWpsFile } from '../../server/core/imports/wp-statistics-files.ts';
import { mapWpStatistics } from '../../server/core/imports/wp-statistics.ts';
import { PLUGIN_ROOT, run } from './php-tools.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/wp-statistics');
const encoder = new TextEncoder();

/** The dump the plugin writes for these tables, by running its PHP. */
function pluginDump(tables: Array<{ name: string; columns: string[]; rows: string[][] }>): string {
  const script = `
define( 'ABSPATH', '/' );
function __( $text, $domain = 'default' ) { return $text; }
require '${join(PLUGIN_ROOT, 'teller/includes/functions.php')}';
$dump = "-- WP Statistics, sent by the Teller plugin\\n";
foreach ( json_decode( file_get_contents( 'php://stdin' ), true ) as $table ) {
	$keep = teller_import_columns( $table['columns'] );
	$at   = array_map( fn( $c ) => array_search( $c, $table['columns'], true ), $keep );
	$rows = array_map( fn( $row ) => array_map( fn( $i ) => $row[ $i ], $at ), $table['rows'] );
	$dump .= teller_sql_insert( $table['name'], $keep, $rows );
}
echo $dump;
`;
  const { status, output } = run('php', ['-r', script.replace(/^<\?php/, '')], PLUGIN_ROOT, JSON.stringify(tables));
  expect(status, output).toBe(0);
  return output;
}

it.each(['mysqldump/wp_statistics.sql', 'v13/mysqldump/wp_statistics.sql'])('the plugin\'s dump of %s imports as the mysqldump does', (fixture) => {
  const original = readFileSync(join(FIXTURES, fixture), 'utf8');
  const tables = readWpsFile(fixture, original).map((t) => ({
    name: `wp_statistics_${t.table}`,
    columns: [...t.columns.entries()].sort((a, b) => a[1] - b[1]).map(([name]) => name),
    rows: t.rows.map((r) => [...r.cells]),
  }));
  expect(tables.length).toBeGreaterThan(2);
  const dump = pluginDump(tables);
  expect(dump).not.toMatch(/`(ip|UAString|user_id)`/);
  const site = { domain: 'wp.test', locationPrecision: 'city' as const };
  const fromPlugin = mapWpStatistics([{ name: 'plugin.sql', bytes: encoder.encode(dump) }], site);
  const fromMysqldump = mapWpStatistics([{ name: 'mysqldump.sql', bytes: encoder.encode(original) }], site);
  expect(fromPlugin.rows.length).toBeGreaterThan(10);
  expect(fromPlugin.rows).toEqual(fromMysqldump.rows);
});
