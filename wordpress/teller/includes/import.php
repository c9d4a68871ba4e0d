<?php
/**
 * Moving from WP Statistics: when its tables are present, their history goes to Teller's import
 * route one month at a time (each month an SQL dump of that month's rows, as mysqldump writes
 * them). The progress is kept in an option, so a reload continues where it stopped. Teller
 * clips imported days to those before its own first event, so running both never double counts.
 *
 * @package Teller
 */

defined( 'ABSPATH' ) || exit;

/** WP Statistics' tables the import reads, with the column that dates each row. */
const TELLER_WPS_TABLES = array(
	'visitor'               => 'last_counter',
	'pages'                 => 'date',
	'visitor_relationships' => 'date',
	'search'                => 'last_counter',
);

/** Rows read from the database at a time while a month is written out. */
const TELLER_IMPORT_BATCH = 5000;

/** Registers the import's AJAX actions. */
function teller_import_hooks() {
	add_action( 'wp_ajax_teller_import_start', 'teller_ajax_import_start' );
	add_action( 'wp_ajax_teller_import_step', 'teller_ajax_import_step' );
}

/**
 * WP Statistics' tables in this site's database, by their short name.
 *
 * @return array<string, string> short name => table name
 */
function teller_wps_tables() {
	global $wpdb;
	$found = array();
	foreach ( array_keys( TELLER_WPS_TABLES ) as $short ) {
		$table = $wpdb->prefix . 'statistics_' . $short;
		if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $table ) ) ) === $table ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			$found[ $short ] = $table;
		}
	}
	return isset( $found['visitor'] ) || isset( $found['pages'] ) ? $found : array();
}

/**
 * The months WP Statistics holds rows for.
 *
 * @param array<string, string> $tables From teller_wps_tables().
 * @return string[]
 */
function teller_wps_months( array $tables ) {
	global $wpdb;
	$first = null;
	$last  = null;
	foreach ( array( 'visitor', 'pages' ) as $short ) {
		if ( ! isset( $tables[ $short ] ) ) {
			continue;
		}
		$column = TELLER_WPS_TABLES[ $short ];
		$range  = $wpdb->get_row( "SELECT MIN(`{$column}`) AS first_day, MAX(`{$column}`) AS last_day FROM `{$tables[$short]}`", ARRAY_A ); // phpcs:ignore WordPress.DB
		if ( ! empty( $range['first_day'] ) ) {
			$first = null === $first || $range['first_day'] < $first ? $range['first_day'] : $first;
			$last  = null === $last || $range['last_day'] > $last ? $range['last_day'] : $last;
		}
	}
	return null === $first ? array() : teller_months_between( $first, $last );
}

/**
 * One month of WP Statistics as an SQL dump; '' when the month has no rows.
 *
 * @param array<string, string> $tables From teller_wps_tables().
 * @param string                $month  'YYYY-MM'.
 */
function teller_wps_month_dump( array $tables, $month ) {
	global $wpdb;
	list( $from, $until ) = teller_month_bounds( $month );
	$dump                 = '';
	foreach ( $tables as $short => $table ) {
		$columns = teller_import_columns( (array) $wpdb->get_col( "SHOW COLUMNS FROM `{$table}`" ) ); // phpcs:ignore WordPress.DB
		$list    = implode( ', ', array_map( static fn( $c ) => '`' . $c . '`', $columns ) );
		$date    = TELLER_WPS_TABLES[ $short ];
		for ( $offset = 0; ; $offset += TELLER_IMPORT_BATCH ) {
			$rows = $wpdb->get_results( $wpdb->prepare( "SELECT {$list} FROM `{$table}` WHERE `{$date}` >= %s AND `{$date}` < %s ORDER BY 1 LIMIT %d OFFSET %d", $from, $until, TELLER_IMPORT_BATCH, $offset ), ARRAY_N ); // phpcs:ignore WordPress.DB
			$dump .= teller_sql_insert( $table, $columns, (array) $rows );
			if ( count( (array) $rows ) < TELLER_IMPORT_BATCH ) {
				break;
			}
		}
	}
	return '' === $dump ? '' : "-- WP Statistics, {$month}, sent by the Teller plugin\n" . $dump;
}

/** The import's progress as the page shows it. */
function teller_import_state() {
	$state = get_option( TELLER_IMPORT_OPTION, array() );
	return is_array( $state ) && isset( $state['months'] ) ? $state : null;
}

/**
 * The progress as JSON for the page.
 *
 * @param array|null $state The stored progress.
 */
function teller_import_view( $state ) {
	if ( null === $state ) {
		return array( 'status' => 'none' );
	}
	$total = count( $state['months'] );
	return array(
		'status'  => $state['status'],
		'done'    => $state['next'],
		'total'   => $total,
		'percent' => teller_progress_percent( $state['next'], $total ),
		'rows'    => $state['rows'],
		'month'   => $state['months'][ $state['next'] ] ?? '',
		'error'   => $state['error'],
		/* translators: 1: months sent, 2: months in all, 3: rows stored */
		'text'    => sprintf( __( '%1$d of %2$d months sent, %3$s rows stored.', 'teller' ), $state['next'], $total, number_format_i18n( $state['rows'] ) ),
	);
}

/** Both AJAX actions: the owner only, with the page's nonce. */
function teller_import_guard() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_send_json_error( array( 'error' => __( 'You may not import statistics.', 'teller' ) ), 403 );
	}
	check_ajax_referer( 'teller_import', 'nonce' );
}

/** Starts (or starts again) the import from the first month. */
function teller_ajax_import_start() {
	teller_import_guard();
	$months = teller_wps_months( teller_wps_tables() );
	$state  = array(
		'status' => array() === $months ? 'done' : 'running',
		'months' => $months,
		'next'   => 0,
		'rows'   => 0,
		'error'  => '',
	);
	update_option( TELLER_IMPORT_OPTION, $state, false );
	wp_send_json_success( teller_import_view( $state ) );
}

/** Sends the next month, and answers with the progress. */
function teller_ajax_import_step() {
	teller_import_guard();
	$state = teller_import_state();
	if ( null === $state || 'done' === $state['status'] ) {
		wp_send_json_success( teller_import_view( $state ) );
	}
	$month = $state['months'][ $state['next'] ];
	$dump  = teller_wps_month_dump( teller_wps_tables(), $month );
	$state['status'] = 'running';
	$state['error']  = '';
	if ( '' !== $dump ) {
		$name     = 'wp-statistics-' . teller_settings()['domain'] . '-' . $month . '.sql';
		$response = teller_request(
			'POST',
			teller_site_path( 'imports/wp-statistics?file_name=' . rawurlencode( $name ) ),
			null,
			array(
				'timeout' => 60,
				'body'    => $dump,
				'headers' => array( 'Content-Type' => 'application/sql' ),
			)
		);
		$outcome  = null === $response['error'] ? teller_import_outcome( $response['status'], $response['body'] ) : array(
			'continue' => false,
			'rows'     => 0,
			'error'    => $response['error'],
		);
		if ( ! $outcome['continue'] ) {
			$state['status'] = 'failed';
			/* translators: 1: the month, 2: what Teller said */
			$state['error'] = sprintf( __( '%1$s could not be imported: %2$s', 'teller' ), $month, $outcome['error'] );
			update_option( TELLER_IMPORT_OPTION, $state, false );
			wp_send_json_success( teller_import_view( $state ) );
		}
		$state['rows'] += $outcome['rows'];
	}
	++$state['next'];
	if ( $state['next'] >= count( $state['months'] ) ) {
		$state['status'] = 'done';
	}
	update_option( TELLER_IMPORT_OPTION, $state, false );
	wp_send_json_success( teller_import_view( $state ) );
}

/** The import section of the settings page, shown when WP Statistics' tables are present. */
function teller_render_import_section() {
	if ( array() === teller_wps_tables() || ! teller_is_configured() ) {
		return;
	}
	$state = teller_import_state();
	wp_enqueue_script( 'teller-import', plugins_url( 'assets/import.js', TELLER_FILE ), array(), TELLER_VERSION, true );
	$active = is_plugin_active( 'wp-statistics/wp-statistics.php' );
	$view   = teller_import_view( $state );
	?>
	<h2><?php esc_html_e( 'Move from WP Statistics', 'teller' ); ?></h2>
	<p><?php esc_html_e( 'WP Statistics\' history can be imported into Teller, one month at a time. Days Teller already counts itself are left out, so running both for a while counts nothing twice. The token needs the import permission.', 'teller' ); ?></p>
	<div id="teller-import"
		data-ajax="<?php echo esc_url( admin_url( 'admin-ajax.php' ) ); ?>"
		data-nonce="<?php echo esc_attr( wp_create_nonce( 'teller_import' ) ); ?>"
		data-state="<?php echo esc_attr( (string) wp_json_encode( $view ) ); ?>"
		data-failed="<?php esc_attr_e( 'The import stopped:', 'teller' ); ?>"
		data-unreachable="<?php esc_attr_e( 'This page lost its connection to WordPress. Reload the page to continue.', 'teller' ); ?>">
		<progress max="100" value="<?php echo esc_attr( (string) ( $view['percent'] ?? 0 ) ); ?>" style="width:100%;max-width:480px" <?php echo null === $state ? 'hidden' : ''; ?>></progress>
		<p class="teller-import-status" aria-live="polite"></p>
		<p class="teller-import-done" hidden>
			<?php esc_html_e( 'The history of WP Statistics is in Teller.', 'teller' ); ?>
			<?php if ( $active ) : ?>
				<?php esc_html_e( 'Once you have checked the numbers in Teller, you can deactivate WP Statistics:', 'teller' ); ?>
				<a href="<?php echo esc_url( admin_url( 'plugins.php' ) ); ?>"><?php esc_html_e( 'Plugins', 'teller' ); ?></a>
			<?php endif; ?>
		</p>
		<button type="button" class="button button-primary teller-import-start"><?php echo esc_html( null === $state ? __( 'Import WP Statistics history', 'teller' ) : __( 'Import again from the start', 'teller' ) ); ?></button>
		<button type="button" class="button teller-import-continue" style="display:none"><?php esc_html_e( 'Continue the import', 'teller' ); ?></button>
	</div>
	<?php
}
