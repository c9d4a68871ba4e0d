<?php
/**
 * The plugin's options. Each site of a multisite network has its own (WordPress keeps options
 * per site), so each is connected to Teller with its own domain and token.
 *
 * @package Teller
 */

defined( 'ABSPATH' ) || exit;

/** The settings option: Teller's address, the token, the domain and what is counted. */
const TELLER_OPTION = 'teller_settings';
/** The proxy secret Teller gave this site: not autoloaded, never printed. */
const TELLER_PROXY_SECRET_OPTION = 'teller_proxy_secret';
/** The WP Statistics import's progress. */
const TELLER_IMPORT_OPTION = 'teller_import';

/** Every option the plugin writes (uninstall removes these). */
const TELLER_OPTIONS = array( TELLER_OPTION, TELLER_PROXY_SECRET_OPTION, TELLER_IMPORT_OPTION, 'teller_privacy_nb', 'teller_privacy_en', 'teller_shared_link' );

/**
 * The settings with their defaults.
 *
 * @return array{url: string, token: string, domain: string, exclude_roles: string[], outbound_links: bool, file_downloads: bool, proxy: bool}
 */
function teller_settings() {
	$saved = get_option( TELLER_OPTION, array() );
	return array_merge( teller_default_settings(), is_array( $saved ) ? $saved : array() );
}

/** The settings before the owner saved any. */
function teller_default_settings() {
	return array(
		'url'            => '',
		'token'          => '',
		'domain'         => teller_normalize_domain( (string) wp_parse_url( home_url(), PHP_URL_HOST ) ),
		'exclude_roles'  => array( 'administrator', 'editor' ),
		'outbound_links' => false,
		'file_downloads' => false,
		'proxy'          => false,
	);
}

/** Whether an address and a token are set. */
function teller_is_configured() {
	$settings = teller_settings();
	return '' !== $settings['url'] && '' !== $settings['token'] && '' !== $settings['domain'];
}

/** The host of the site's front end, which the proxy's events must come from. */
function teller_site_host() {
	return strtolower( (string) wp_parse_url( home_url(), PHP_URL_HOST ) );
}

/** The language Teller's texts and the embedded view use here. */
function teller_lang() {
	return teller_lang_for_locale( function_exists( 'get_user_locale' ) && is_admin() ? get_user_locale() : get_locale() );
}
