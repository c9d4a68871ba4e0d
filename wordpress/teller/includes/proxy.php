<?php
/**
 * The optional first-party proxy: the tracker and its events go through the site's own origin
 * (REST routes under /wp-json/teller/v1/) to Teller, so blockers of third-party analytics do
 * not drop them. Only Teller's event shape is forwarded, from the site's own pages; the
 * visitor's address is the connection's (REMOTE_ADDR), named to Teller with the site's proxy
 * secret, never a browser's X-Forwarded-For.
 *
 * @package Teller
 */

defined( 'ABSPATH' ) || exit;

/** How long a tracker script fetched from Teller is served before it is fetched again. */
const TELLER_SCRIPT_TTL = 6 * HOUR_IN_SECONDS;

/** Registers the REST routes and their raw (non-JSON) serving. */
function teller_proxy_hooks() {
	add_action( 'rest_api_init', 'teller_register_proxy_routes' );
	add_filter( 'rest_pre_serve_request', 'teller_serve_raw', 10, 3 );
}

/** The routes: the tracker, the opt-out widget and the event endpoint. */
function teller_register_proxy_routes() {
	if ( ! teller_settings()['proxy'] ) {
		return;
	}
	register_rest_route(
		'teller/v1',
		'/script.js',
		array(
			'methods'             => 'GET',
			'callback'            => static fn() => teller_script_response( teller_script_file( (bool) teller_settings()['outbound_links'], (bool) teller_settings()['file_downloads'] ) ),
			'permission_callback' => '__return_true',
		)
	);
	register_rest_route(
		'teller/v1',
		'/optout.js',
		array(
			'methods'             => 'GET',
			'callback'            => static fn() => teller_script_response( 'optout.js' ),
			'permission_callback' => '__return_true',
		)
	);
	register_rest_route(
		'teller/v1',
		'/event',
		array(
			'methods'             => 'POST',
			'callback'            => 'teller_forward_event',
			'permission_callback' => '__return_true',
		)
	);
}

/**
 * One of Teller's scripts, fetched from Teller and kept for a few hours (longer when Teller
 * does not answer). The file name comes from the settings, never from the request.
 *
 * @param string $file The script's file name on Teller.
 */
function teller_script_response( $file ) {
	$key    = 'teller_js_' . md5( teller_settings()['url'] . '/' . $file );
	$script = get_transient( $key );
	if ( ! is_string( $script ) ) {
		$response = wp_remote_get(
			teller_settings()['url'] . '/' . $file,
			array(
				'timeout'     => 5,
				'redirection' => 0,
			)
		);
		$code     = is_wp_error( $response ) ? 0 : (int) wp_remote_retrieve_response_code( $response );
		if ( 200 === $code ) {
			$script = (string) wp_remote_retrieve_body( $response );
			set_transient( $key, $script, TELLER_SCRIPT_TTL );
			set_transient( $key . '_s', $script, WEEK_IN_SECONDS );
		} else {
			$script = get_transient( $key . '_s' );
		}
	}
	if ( ! is_string( $script ) ) {
		return new WP_REST_Response( "/* Teller did not answer */\n", 502, array( 'Content-Type' => 'application/javascript; charset=utf-8' ) );
	}
	return new WP_REST_Response(
		$script,
		200,
		array(
			'Content-Type'  => 'application/javascript; charset=utf-8',
			'Cache-Control' => 'public, max-age=3600',
		)
	);
}

/**
 * Writes a script response as the script itself, not as a JSON string.
 *
 * @param bool             $served  Whether the request was served already.
 * @param WP_HTTP_Response $result  The response.
 * @param WP_REST_Request  $request The request.
 */
function teller_serve_raw( $served, $result, $request ) {
	$route = $request->get_route();
	if ( $served || ! in_array( $route, array( '/teller/v1/script.js', '/teller/v1/optout.js', '/teller/v1/event' ), true ) || ! is_string( $result->get_data() ) ) {
		return $served;
	}
	echo $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- a script or Teller's plain-text answer, served as such, not HTML.
	return true;
}

/**
 * Forwards one event to Teller, as the site's proxy.
 *
 * @param WP_REST_Request $request The browser's request.
 */
function teller_forward_event( WP_REST_Request $request ) {
	$error = static fn( $status, $message ) => new WP_REST_Response( array( 'error' => $message ), $status );
	if ( ! teller_is_same_site_request( $request->get_header( 'origin' ), $request->get_header( 'sec_fetch_site' ), teller_site_host() ) ) {
		return $error( 403, 'events are forwarded only from this site\'s own pages' );
	}
	$secret = (string) get_option( TELLER_PROXY_SECRET_OPTION, '' );
	if ( '' === $secret ) {
		return $error( 503, 'the proxy has no secret yet: save the Teller settings again' );
	}
	$event = teller_proxy_event( $request->get_body(), teller_site_host(), teller_settings()['domain'] );
	if ( ! $event['ok'] ) {
		return $error( $event['status'], $event['error'] );
	}
	$address = teller_visitor_address( $_SERVER['REMOTE_ADDR'] ?? null ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- validated as an IP address.
	if ( null === $address ) {
		return $error( 400, 'the connection has no valid address' );
	}
	$browser = array();
	foreach ( $request->get_headers() as $name => $values ) {
		$browser[ str_replace( '_', '-', strtolower( $name ) ) ] = implode( ', ', (array) $values );
	}
	$headers                        = teller_forwarded_headers( $browser );
	$headers['content-type']        = 'text/plain';
	$headers['x-teller-proxy']      = $secret;
	$headers['x-teller-visitor-ip'] = $address;
	$response                       = wp_remote_post(
		teller_settings()['url'] . '/api/event',
		array(
			'timeout'     => 5,
			'redirection' => 0,
			'user-agent'  => $headers['user-agent'] ?? '',
			'headers'     => $headers,
			'body'        => $event['json'],
		)
	);
	if ( is_wp_error( $response ) ) {
		return $error( 502, 'Teller did not answer' );
	}
	$out = array( 'Content-Type' => 'text/plain; charset=utf-8' );
	foreach ( array( 'x-plausible-dropped', 'x-teller-dropped', 'retry-after' ) as $name ) {
		$value = wp_remote_retrieve_header( $response, $name );
		if ( is_string( $value ) && '' !== $value ) {
			$out[ $name ] = $value;
		}
	}
	return new WP_REST_Response( (string) wp_remote_retrieve_body( $response ), (int) wp_remote_retrieve_response_code( $response ), $out );
}

/**
 * Makes the site's proxy secret when the proxy is switched on, revokes it when it is switched
 * off. Returns a sentence when Teller refused, '' otherwise.
 *
 * @param bool $enabled Whether the proxy is on.
 */
function teller_sync_proxy_secret( $enabled ) {
	$has = '' !== (string) get_option( TELLER_PROXY_SECRET_OPTION, '' );
	if ( $enabled && ! $has ) {
		$response = teller_request( 'POST', teller_site_path( 'proxy-secret' ) );
		$data     = json_decode( $response['body'], true );
		$secret   = is_array( $data ) ? ( $data['secret'] ?? $data['proxy_secret'] ?? null ) : null;
		if ( ! is_string( $secret ) || '' === $secret ) {
			/* translators: %s: Teller's answer */
			return sprintf( __( 'The proxy could not be switched on: %s', 'teller' ), teller_response_problem( $response, $data ) );
		}
		update_option( TELLER_PROXY_SECRET_OPTION, $secret, false );
	} elseif ( ! $enabled && $has ) {
		teller_request( 'DELETE', teller_site_path( 'proxy-secret' ) );
		delete_option( TELLER_PROXY_SECRET_OPTION );
	}
	return '';
}
