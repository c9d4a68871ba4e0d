<?php
/**
 * Plugin Name:       Teller
 * Description:       Privacy-friendly visitor statistics from your own Teller server: counts visits without cookies, shows the numbers in wp-admin, writes the privacy policy paragraph and brings WP Statistics' history along.
 * Version:           1.0.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            The Teller authors
 * License:           AGPL-3.0-or-later
 * License URI:       https://www.gnu.org/licenses/agpl-3.0.html
 * Text Domain:       teller
 * Domain Path:       /languages
 *
 * @package Teller
 */

defined( 'ABSPATH' ) || exit;

define( 'TELLER_VERSION', '1.0.0' );
define( 'TELLER_FILE', __FILE__ );
define( 'TELLER_DIR', __DIR__ );

require_once TELLER_DIR . '/includes/functions.php';
require_once TELLER_DIR . '/includes/options.php';
require_once TELLER_DIR . '/includes/client.php';
require_once TELLER_DIR . '/includes/tracking.php';
require_once TELLER_DIR . '/includes/proxy.php';
require_once TELLER_DIR . '/includes/privacy.php';
require_once TELLER_DIR . '/includes/settings.php';
require_once TELLER_DIR . '/includes/stats.php';
require_once TELLER_DIR . '/includes/import.php';

add_action(
	'init',
	static function () {
		load_plugin_textdomain( 'teller', false, dirname( plugin_basename( TELLER_FILE ) ) . '/languages' );
	}
);

teller_tracking_hooks();
teller_proxy_hooks();
teller_privacy_hooks();
teller_settings_hooks();
teller_stats_hooks();
teller_import_hooks();
