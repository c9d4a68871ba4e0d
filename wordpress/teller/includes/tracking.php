<?php
/**
 * Counting: Teller's tracker on the front end (deferred, with data-domain), not for the roles
 * the owner left out, plus the 404 event. WordPress' search (`?s=`) is in the page address,
 * which Teller reads as site search by default.
 *
 * @package Teller
 */

defined( 'ABSPATH' ) || exit;

/** Registers the front-end hooks. */
function teller_tracking_hooks() {
	add_action( 'wp_enqueue_scripts', 'teller_enqueue_tracker' );
	add_filter( 'script_loader_tag', 'teller_script_tag', 10, 2 );
}

/** Whether this front-end request is counted. */
function teller_should_track() {
	if ( ! teller_is_configured() || is_admin() || is_feed() || is_preview() || is_customize_preview() || is_robots() ) {
		return false;
	}
	$roles = is_user_logged_in() ? (array) wp_get_current_user()->roles : array();
	// A network's super admin may hold no role on a site, and is an administrator there.
	if ( is_multisite() && is_super_admin() ) {
		$roles[] = 'administrator';
	}
	return teller_counts_user( $roles, (array) teller_settings()['exclude_roles'] );
}

/** Where the tracker is loaded from, and where it sends events. */
function teller_script_urls() {
	$settings = teller_settings();
	if ( $settings['proxy'] && '' !== (string) get_option( TELLER_PROXY_SECRET_OPTION, '' ) ) {
		return array(
			'src' => rest_url( 'teller/v1/script.js' ),
			'api' => rest_url( 'teller/v1/event' ),
		);
	}
	return array(
		'src' => $settings['url'] . '/' . teller_script_file( (bool) $settings['outbound_links'], (bool) $settings['file_downloads'] ),
		'api' => null,
	);
}

/** Enqueues the tracker, and on a missing page the 404 event. */
function teller_enqueue_tracker() {
	if ( ! teller_should_track() ) {
		return;
	}
	// No version: Teller serves the script with its own cache headers and ETag.
	wp_enqueue_script( 'teller', teller_script_urls()['src'], array(), null, false ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion
	if ( is_404() ) {
		wp_add_inline_script(
			'teller',
			'window.plausible=window.plausible||function(){(window.plausible.q=window.plausible.q||[]).push(arguments)};plausible("404",{props:{path:document.location.pathname}});'
		);
	}
}

/**
 * Adds defer, data-domain and (behind the proxy) data-api to the tracker's tag. WordPress 6.1
 * has no loading strategy for enqueued scripts (6.3 added it), so the tag is written here.
 *
 * @param string $tag    The script tag WordPress wrote.
 * @param string $handle The script's handle.
 */
function teller_script_tag( $tag, $handle ) {
	if ( 'teller' !== $handle ) {
		return $tag;
	}
	$urls  = teller_script_urls();
	$attrs = ' defer data-domain="' . esc_attr( teller_settings()['domain'] ) . '"';
	if ( null !== $urls['api'] ) {
		$attrs .= ' data-api="' . esc_url( $urls['api'] ) . '"';
	}
	return (string) preg_replace( '#<script (?=[^>]*\bid=[\'"]teller-js[\'"])#', '<script' . $attrs . ' ', $tag, 1 );
}
