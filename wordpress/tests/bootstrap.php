<?php
/**
 * The plugin's pure functions without WordPress: only the translation functions they call are
 * stood in for, returning the English text.
 *
 * @package Teller
 */

define( 'ABSPATH', __DIR__ . '/' );

/**
 * Stand-in for WordPress' __().
 *
 * @param string $text   The English text.
 * @param string $domain The text domain.
 */
function __( $text, $domain = 'default' ) {
	return $text;
}

require_once dirname( __DIR__ ) . '/teller/includes/functions.php';
