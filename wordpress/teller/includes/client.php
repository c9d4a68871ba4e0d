<?php
/**
 * Talking to Teller with the site token: bounded timeouts, and Stats API answers cached in
 * transients so wp-admin stays fast when Teller is slow or down.
 *
 * @package Teller
 */

defined( 'ABSPATH' ) || exit;

/** Seconds wp-admin waits for Teller before showing a notice instead. */
const TELLER_ADMIN_TIMEOUT = 3;
/** How long a Stats API answer is reused. */
const TELLER_QUERY_TTL = 5 * MINUTE_IN_SECONDS;
/** How long the last good answer is kept to show while Teller does not answer. */
const TELLER_STALE_TTL = DAY_IN_SECONDS;
/** After a failure, how long wp-admin stops asking (so one slow Teller costs one timeout, not one per box). */
const TELLER_DOWN_TTL = MINUTE_IN_SECONDS;

/**
 * One request to Teller with the site token.
 *
 * @param string     $method  HTTP method.
 * @param string     $path    Path from Teller's root, starting with '/'.
 * @param array|null $json    A JSON body, or null.
 * @param array      $args    Overrides for wp_remote_request (timeout, body, headers).
 * @return array{error: string|null, status: int, body: string}
 */
function teller_request( $method, $path, $json = null, array $args = array() ) {
	$settings = teller_settings();
	if ( '' === $settings['url'] ) {
		return array(
			'error'  => __( 'no Teller address is set', 'teller' ),
			'status' => 0,
			'body'   => '',
		);
	}
	$headers = array(
		'Authorization' => 'Bearer ' . $settings['token'],
		'Accept'        => 'application/json',
	);
	if ( null !== $json ) {
		$headers['Content-Type'] = 'application/json';
		$args['body']            = wp_json_encode( $json );
	}
	$response = wp_remote_request(
		$settings['url'] . $path,
		array_merge(
			array(
				'method'      => $method,
				'timeout'     => TELLER_ADMIN_TIMEOUT,
				'redirection' => 0,
				'headers'     => array_merge( $headers, $args['headers'] ?? array() ),
			),
			array_diff_key( $args, array( 'headers' => true ) )
		)
	);
	if ( is_wp_error( $response ) ) {
		return array(
			'error'  => $response->get_error_message(),
			'status' => 0,
			'body'   => '',
		);
	}
	return array(
		'error'  => null,
		'status' => (int) wp_remote_retrieve_response_code( $response ),
		'body'   => (string) wp_remote_retrieve_body( $response ),
	);
}

/** The path of a route under the configured site: /api/v1/sites/<domain>/<rest>. */
function teller_site_path( $rest ) {
	return '/api/v1/sites/' . rawurlencode( teller_settings()['domain'] ) . '/' . $rest;
}

/**
 * A Stats API query, cached. While Teller does not answer, the last good answer (up to a day
 * old) is returned marked stale, or an error to show as a notice.
 *
 * @param array $query The query body (site_id included).
 * @return array{ok: bool, data: mixed, stale: bool, error: string}
 */
function teller_cached_query( array $query ) {
	$key   = 'teller_q_' . md5( wp_json_encode( array( teller_settings()['url'], $query ) ) );
	$fresh = get_transient( $key );
	if ( is_array( $fresh ) ) {
		return array(
			'ok'    => true,
			'data'  => $fresh,
			'stale' => false,
			'error' => '',
		);
	}
	$error = teller_down_problem();
	if ( null === $error ) {
		$response = teller_request( 'POST', '/api/v2/query', $query );
		$data     = json_decode( $response['body'], true );
		if ( null === $response['error'] && 200 === $response['status'] && is_array( $data ) ) {
			set_transient( $key, $data, TELLER_QUERY_TTL );
			set_transient( 'teller_s_' . substr( $key, 9 ), $data, TELLER_STALE_TTL );
			return array(
				'ok'    => true,
				'data'  => $data,
				'stale' => false,
				'error' => '',
			);
		}
		$error = teller_response_problem( $response, $data );
		if ( null !== $response['error'] || $response['status'] >= 500 || 429 === $response['status'] ) {
			teller_mark_down( $response, $data );
		}
	}
	$stale = get_transient( 'teller_s_' . substr( $key, 9 ) );
	return array(
		'ok'    => is_array( $stale ),
		'data'  => is_array( $stale ) ? $stale : null,
		'stale' => is_array( $stale ),
		'error' => (string) $error,
	);
}

/**
 * A sentence for a failed request to Teller. When Teller did not answer, the sentence is the
 * plugin's own and WordPress' transport error (untranslated, e.g. "fsocket timed out") follows
 * on a line of its own, which teller_problem_html() shows smaller.
 *
 * @param array $response From teller_request().
 * @param mixed $data     Its decoded body.
 */
function teller_response_problem( array $response, $data ) {
	if ( null !== $response['error'] ) {
		return __( 'Teller is not answering right now; try again in a few minutes.', 'teller' ) . "\n" . teller_technical_detail( $response['error'] );
	}
	if ( 401 === $response['status'] ) {
		return __( 'Teller does not accept the token. Test the connection under Settings → Teller.', 'teller' );
	}
	$detail = is_array( $data ) && isset( $data['error'] ) && is_string( $data['error'] ) ? $data['error'] : '';
	/* translators: 1: HTTP status code, 2: Teller's explanation (may be empty) */
	return trim( sprintf( __( 'Teller answered HTTP %1$d. %2$s', 'teller' ), $response['status'], $detail ) );
}

/**
 * Remembers for a while that Teller failed: the failure, not a sentence, so that each user
 * later reads it in their own language.
 *
 * @param array $response From teller_request().
 * @param mixed $data     Its decoded body.
 */
function teller_mark_down( array $response, $data ) {
	$detail = is_array( $data ) && isset( $data['error'] ) && is_string( $data['error'] ) ? array( 'error' => $data['error'] ) : null;
	$failed = array(
		'error'  => $response['error'],
		'status' => $response['status'],
		'body'   => '',
	);
	set_transient( 'teller_down', array( $failed, $detail ), TELLER_DOWN_TTL );
}

/** The problem of a Teller found failing lately, in the current user's language; null when none. */
function teller_down_problem() {
	$down = get_transient( 'teller_down' );
	if ( ! is_array( $down ) || ! is_array( $down[0] ?? null ) ) {
		return null;
	}
	return teller_response_problem( $down[0], $down[1] ?? null );
}

/**
 * The technical reason for a failure, labelled, for the second line of a notice.
 *
 * @param string $reason The transport error.
 */
function teller_technical_detail( $reason ) {
	/* translators: %s: the transport error WordPress gave, such as "fsocket timed out" */
	return sprintf( __( 'Technical detail: %s', 'teller' ), $reason );
}

/**
 * A problem as HTML for a notice: its first line as the message, the rest (the technical
 * detail) smaller below it. Everything is escaped.
 *
 * @param string $problem From teller_response_problem().
 */
function teller_problem_html( $problem ) {
	$lines = explode( "\n", (string) $problem, 2 );
	$html  = esc_html( $lines[0] );
	if ( isset( $lines[1] ) ) {
		$html .= '<br><small class="teller-detail">' . esc_html( $lines[1] ) . '</small>';
	}
	return $html;
}

/** Forgets every cached answer and flag, e.g. after the settings changed. */
function teller_forget_cache() {
	global $wpdb;
	$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s", $wpdb->esc_like( '_transient_teller_' ) . '%', $wpdb->esc_like( '_transient_timeout_teller_' ) . '%' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	wp_cache_flush_group( 'transient' );
}
