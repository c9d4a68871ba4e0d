<?php
/**
 * Uninstall: removes the plugin's options and transients, on every site of a network, and
 * nothing else (Teller keeps the statistics; WP Statistics' tables are left as they are).
 *
 * @package Teller
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/functions.php';
require_once __DIR__ . '/includes/options.php';
require_once __DIR__ . '/includes/client.php';

/** Removes this site's options and transients. */
function teller_uninstall_site() {
	foreach ( TELLER_OPTIONS as $option ) {
		delete_option( $option );
	}
	teller_forget_cache();
}

if ( is_multisite() ) {
	foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $teller_site_id ) {
		switch_to_blog( $teller_site_id );
		teller_uninstall_site();
		restore_current_blog();
	}
} else {
	teller_uninstall_site();
}
