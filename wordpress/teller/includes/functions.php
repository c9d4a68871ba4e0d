<?php
/**
 * Pure functions: no WordPress state, no network. Everything here is covered by the PHPUnit
 * suite in wordpress/tests/, which stubs only the translation functions.
 *
 * @package Teller
 */

defined( 'ABSPATH' ) || exit;

/** The longest event body the proxy forwards: Teller's own events are well under 2 KB. */
const TELLER_PROXY_MAX_BODY = 8192;

/** Clock difference (seconds) past which the connection test warns: shared links and dates go wrong. */
const TELLER_MAX_CLOCK_SKEW = 300;

/** Header names the proxy forwards from the browser, as Teller's collector reads them. */
const TELLER_PROXY_FORWARDED_HEADERS = array(
	'user-agent',
	'dnt',
	'sec-gpc',
	'sec-purpose',
	'purpose',
	'x-purpose',
	'x-moz',
	'sec-ch-ua',
	'sec-ch-ua-full-version-list',
	'sec-ch-ua-mobile',
	'sec-ch-ua-model',
	'sec-ch-ua-platform',
	'sec-ch-ua-platform-version',
);

/**
 * The Teller address as stored: scheme and host (and port, path prefix), no trailing slash.
 * Returns '' for anything that is not an http(s) URL.
 *
 * @param string $url What the owner typed.
 */
function teller_normalize_url( $url ) {
	$url = trim( (string) $url );
	if ( '' !== $url && ! preg_match( '#^[a-z][a-z0-9+.-]*://#i', $url ) ) {
		$url = 'https://' . $url;
	}
	$parts = parse_url( $url );
	if ( ! is_array( $parts ) || empty( $parts['host'] ) || ! in_array( strtolower( $parts['scheme'] ?? '' ), array( 'http', 'https' ), true ) ) {
		return '';
	}
	if ( isset( $parts['user'] ) || isset( $parts['query'] ) || isset( $parts['fragment'] ) ) {
		return '';
	}
	$port = isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '';
	$path = rtrim( $parts['path'] ?? '', '/' );
	return strtolower( $parts['scheme'] ) . '://' . strtolower( $parts['host'] ) . $port . $path;
}

/**
 * A site's domain as Teller names sites: lower case, no `www.`, no port. '' when not a host name.
 *
 * @param string $host A host name, or a URL.
 */
function teller_normalize_domain( $host ) {
	$host = strtolower( trim( (string) $host ) );
	if ( str_contains( $host, '/' ) ) {
		$host = (string) parse_url( str_contains( $host, '://' ) ? $host : 'https://' . $host, PHP_URL_HOST );
	}
	$host = preg_replace( '/:\d+$/', '', $host );
	$host = preg_replace( '/^www\./', '', $host );
	$host = rtrim( $host, '.' );
	return preg_match( '/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/', $host ) ? $host : '';
}

/**
 * The tracker file for the chosen extras, named as Teller serves it (extension names sorted).
 *
 * @param bool $outbound_links Count clicks on links to other sites.
 * @param bool $file_downloads Count clicks on links to files.
 */
function teller_script_file( $outbound_links, $file_downloads ) {
	$parts = array( 'script' );
	if ( $file_downloads ) {
		$parts[] = 'file-downloads';
	}
	if ( $outbound_links ) {
		$parts[] = 'outbound-links';
	}
	return implode( '.', $parts ) . '.js';
}

/**
 * Whether a logged-in user with these roles is counted.
 *
 * @param string[] $user_roles     The user's roles (empty for a visitor who is not logged in).
 * @param string[] $excluded_roles Roles the owner left out.
 */
function teller_counts_user( array $user_roles, array $excluded_roles ) {
	return array() === array_intersect( $user_roles, $excluded_roles );
}

/**
 * The language Teller writes texts in for a WordPress locale: Norwegian locales get bokmål.
 *
 * @param string $locale A WordPress locale such as nb_NO or en_US.
 */
function teller_lang_for_locale( $locale ) {
	return in_array( strtolower( substr( (string) $locale, 0, 2 ) ), array( 'nb', 'nn', 'no' ), true ) ? 'nb' : 'en';
}

/**
 * The embedded site view's theme for an admin colour scheme: WordPress' own schemes keep a
 * light content area except Midnight, whose dark menu a dark view matches best.
 *
 * @param string $admin_color The user's admin colour scheme (get_user_option( 'admin_color' )).
 */
function teller_embed_theme( $admin_color ) {
	return 'midnight' === $admin_color ? 'dark' : 'light';
}

/**
 * The shared link as framed in wp-admin: Teller's embed mode in the admin's language and theme.
 *
 * @param string $shared_url The shared link from Teller.
 * @param string $lang       'nb' or 'en'.
 * @param string $theme      'light' or 'dark'.
 */
function teller_embed_url( $shared_url, $lang, $theme ) {
	$query = http_build_query(
		array(
			'embed' => '1',
			'lang'  => 'nb' === $lang ? 'nb' : 'en',
			'theme' => 'dark' === $theme ? 'dark' : 'light',
		)
	);
	return $shared_url . ( str_contains( $shared_url, '?' ) ? '&' : '?' ) . $query;
}

/**
 * Why a connection test failed, or that it passed. The result carries a code the settings
 * page shows a sentence for; the sentence names exactly what to fix.
 *
 * @param array  $response ['error' => string|null (transport), 'status' => int, 'body' => string].
 * @param string $domain   The domain the plugin is configured for.
 * @param int    $now      This server's clock, Unix seconds.
 * @return array{ok: bool, code: string, message: string, scopes: string[]}
 */
function teller_connection_verdict( array $response, $domain, $now ) {
	$fail = static function ( $code, $message ) {
		return array(
			'ok'      => false,
			'code'    => $code,
			'message' => $message,
			'scopes'  => array(),
		);
	};
	if ( ! empty( $response['error'] ) ) {
		/* translators: %s: the error the HTTP request gave, such as a timeout */
		return $fail( 'unreachable', sprintf( __( 'Teller could not be reached: %s. Check the address and that this server may connect to it.', 'teller' ), $response['error'] ) );
	}
	$status = (int) ( $response['status'] ?? 0 );
	$body   = json_decode( (string) ( $response['body'] ?? '' ), true );
	if ( 401 === $status || 403 === $status ) {
		return $fail( 'invalid-token', __( 'Teller does not accept this token: it is mistyped, revoked, or not a site token. Create one under the site\'s settings in Teller (Connect WordPress).', 'teller' ) );
	}
	if ( 200 !== $status || ! is_array( $body ) || ! isset( $body['domain'], $body['server_time'] ) ) {
		/* translators: %d: HTTP status code */
		return $fail( 'not-teller', sprintf( __( 'The address answered with HTTP %d, not as Teller does. Check the Teller address.', 'teller' ), $status ) );
	}
	if ( teller_normalize_domain( (string) $body['domain'] ) !== teller_normalize_domain( $domain ) ) {
		/* translators: 1: the site the token belongs to, 2: the domain configured here */
		return $fail( 'site-mismatch', sprintf( __( 'This token is for the site %1$s in Teller, not %2$s. Use the token of %2$s, or change the domain here.', 'teller' ), (string) $body['domain'], $domain ) );
	}
	$skew = (int) $body['server_time'] - (int) $now;
	if ( abs( $skew ) > TELLER_MAX_CLOCK_SKEW ) {
		/* translators: %d: seconds */
		return $fail( 'clock-skew', sprintf( __( 'The clocks of this server and Teller differ by %d seconds. Set both to the correct time (NTP).', 'teller' ), abs( $skew ) ) );
	}
	$scopes = array_values( array_filter( (array) ( $body['scopes'] ?? array() ), 'is_string' ) );
	if ( ! in_array( 'stats', $scopes, true ) ) {
		return $fail( 'no-stats-scope', __( 'The token may not read statistics. Create a new one with Connect WordPress in Teller.', 'teller' ) );
	}
	/* translators: %s: the site's domain */
	$message = sprintf( __( 'Connected: Teller counts %s with this token.', 'teller' ), (string) $body['domain'] );
	$missing = array_diff( array( 'privacy', 'share', 'proxy' ), $scopes );
	if ( array() !== $missing ) {
		/* translators: %s: permission names such as "privacy, share" */
		$message .= ' ' . sprintf( __( 'It lacks the permissions %s: connect WordPress again in Teller for a token with them.', 'teller' ), implode( ', ', $missing ) );
	}
	return array(
		'ok'      => true,
		'code'    => 'ok',
		'message' => $message,
		'scopes'  => $scopes,
	);
}

/**
 * Whether a request to the proxy comes from the site's own pages: the browser's Origin (sent
 * with every fetch POST) must name this site's host, and Sec-Fetch-Site, when sent, must
 * say same-origin.
 *
 * @param string|null $origin         The Origin header.
 * @param string|null $sec_fetch_site The Sec-Fetch-Site header.
 * @param string      $site_host      The host of the site's home URL.
 */
function teller_is_same_site_request( $origin, $sec_fetch_site, $site_host ) {
	if ( null !== $sec_fetch_site && '' !== $sec_fetch_site && 'same-origin' !== $sec_fetch_site ) {
		return false;
	}
	if ( null === $origin || '' === $origin || 'null' === $origin ) {
		return false;
	}
	$host = parse_url( $origin, PHP_URL_HOST );
	return is_string( $host ) && strtolower( $host ) === strtolower( $site_host );
}

/**
 * Teller's event shape, and nothing else: the tracker's body decoded, every field checked and
 * re-encoded, the domain set to this site's. A refusal has the status to answer and why.
 *
 * @param string $body      The request body.
 * @param string $site_host The host of the site's home URL: the page must be on it.
 * @param string $domain    The site's domain in Teller.
 * @return array{ok: true, json: string}|array{ok: false, status: int, error: string}
 */
function teller_proxy_event( $body, $site_host, $domain ) {
	$refuse = static function ( $status, $error ) {
		return array(
			'ok'     => false,
			'status' => $status,
			'error'  => $error,
		);
	};
	if ( strlen( (string) $body ) > TELLER_PROXY_MAX_BODY ) {
		return $refuse( 413, 'the event is larger than ' . TELLER_PROXY_MAX_BODY . ' bytes' );
	}
	$event = json_decode( (string) $body, true );
	if ( ! is_array( $event ) || array_is_list( $event ) && array() !== $event ) {
		return $refuse( 400, 'the body must be a JSON object' );
	}
	$unknown = array_diff( array_keys( $event ), array( 'n', 'u', 'd', 'r', 'w', 'p', 'h', 'i', '$', 'l' ) );
	if ( array() !== $unknown ) {
		return $refuse( 400, 'unknown field ' . (string) reset( $unknown ) );
	}
	$name = $event['n'] ?? null;
	if ( ! is_string( $name ) || '' === trim( $name ) || mb_strlen( $name ) > 120 ) {
		return $refuse( 400, 'n: the event name must be a string of 1 to 120 characters' );
	}
	$url = $event['u'] ?? null;
	if ( ! is_string( $url ) || strlen( $url ) > 4096 ) {
		return $refuse( 400, 'u: the page URL must be a string of at most 4096 characters' );
	}
	$page = parse_url( $url );
	if ( ! is_array( $page ) || ! in_array( strtolower( $page['scheme'] ?? '' ), array( 'http', 'https' ), true ) || strtolower( $page['host'] ?? '' ) !== strtolower( $site_host ) ) {
		return $refuse( 400, 'u: the page must be on this site' );
	}
	if ( isset( $event['d'] ) && teller_normalize_domain( is_string( $event['d'] ) ? $event['d'] : '' ) !== teller_normalize_domain( $domain ) ) {
		return $refuse( 400, 'd: events for another site are not forwarded' );
	}
	$out = array(
		'n' => $name,
		'u' => $url,
		'd' => $domain,
	);
	$referrer = $event['r'] ?? null;
	if ( null !== $referrer ) {
		if ( ! is_string( $referrer ) || strlen( $referrer ) > 4096 ) {
			return $refuse( 400, 'r: the referrer must be a string of at most 4096 characters, or null' );
		}
		$out['r'] = $referrer;
	} else {
		$out['r'] = null;
	}
	if ( isset( $event['w'] ) ) {
		if ( ! is_int( $event['w'] ) || $event['w'] < 0 || $event['w'] > 100000 ) {
			return $refuse( 400, 'w: the screen width must be a whole number' );
		}
		$out['w'] = $event['w'];
	}
	if ( isset( $event['p'] ) ) {
		$props = teller_proxy_props( $event['p'] );
		if ( null === $props ) {
			return $refuse( 400, 'p: props must be an object of at most 30 short strings or numbers' );
		}
		if ( array() !== $props ) {
			$out['p'] = $props;
		}
	}
	foreach ( array( 'h', 'l' ) as $flag ) {
		if ( isset( $event[ $flag ] ) ) {
			if ( 1 !== $event[ $flag ] && true !== $event[ $flag ] ) {
				return $refuse( 400, $flag . ': must be 1' );
			}
			$out[ $flag ] = 1;
		}
	}
	if ( isset( $event['i'] ) ) {
		if ( ! is_bool( $event['i'] ) ) {
			return $refuse( 400, 'i: must be true or false' );
		}
		$out['i'] = $event['i'];
	}
	if ( isset( $event['$'] ) ) {
		$revenue = $event['$'];
		$amount  = is_array( $revenue ) ? ( $revenue['amount'] ?? null ) : null;
		$curr    = is_array( $revenue ) ? ( $revenue['currency'] ?? null ) : null;
		if ( ! ( is_string( $amount ) || is_int( $amount ) || is_float( $amount ) ) || ! is_string( $curr ) || ! preg_match( '/^[A-Za-z]{3}$/', $curr ) || count( $revenue ) !== 2 ) {
			return $refuse( 400, '$: revenue must be {amount, currency}' );
		}
		$out['$'] = array(
			'amount'   => $amount,
			'currency' => $curr,
		);
	}
	return array(
		'ok'   => true,
		'json' => (string) teller_json( $out ),
	);
}

/**
 * Props as the tracker sends them: a flat object of strings and numbers, at most 30.
 * Null when the value is not that.
 *
 * @param mixed $props The decoded `p` field.
 * @return array<string, string|int|float>|null
 */
function teller_proxy_props( $props ) {
	if ( ! is_array( $props ) || ( array_is_list( $props ) && array() !== $props ) || count( $props ) > 30 ) {
		return null;
	}
	$out = array();
	foreach ( $props as $key => $value ) {
		$key = (string) $key;
		if ( strlen( $key ) > 300 ) {
			return null;
		}
		if ( is_string( $value ) && strlen( $value ) <= 2000 || is_int( $value ) || is_float( $value ) ) {
			$out[ $key ] = $value;
		} elseif ( is_bool( $value ) ) {
			$out[ $key ] = $value ? 'true' : 'false';
		} else {
			return null;
		}
	}
	return $out;
}

/**
 * JSON as WordPress encodes it when loaded, plain json_encode otherwise (the unit tests).
 *
 * @param mixed $value What to encode.
 * @return string|false
 */
function teller_json( $value ) {
	return function_exists( 'wp_json_encode' ) ? wp_json_encode( $value, JSON_UNESCAPED_SLASHES ) : json_encode( $value, JSON_UNESCAPED_SLASHES );
}

/**
 * The visitor address the proxy names to Teller: the connection's own address only, one
 * IPv4 or IPv6 address; a browser's X-Forwarded-For is never read. Null when it is not one.
 *
 * @param mixed $remote_addr $_SERVER['REMOTE_ADDR'].
 */
function teller_visitor_address( $remote_addr ) {
	$address = is_string( $remote_addr ) ? trim( $remote_addr ) : '';
	return false !== filter_var( $address, FILTER_VALIDATE_IP ) ? $address : null;
}

/**
 * The request headers forwarded with an event, from the browser's headers (lower-case names).
 *
 * @param array<string, string> $browser_headers Lower-case header names to values.
 * @return array<string, string>
 */
function teller_forwarded_headers( array $browser_headers ) {
	$out = array();
	foreach ( TELLER_PROXY_FORWARDED_HEADERS as $name ) {
		if ( isset( $browser_headers[ $name ] ) && is_string( $browser_headers[ $name ] ) && strlen( $browser_headers[ $name ] ) <= 1024 ) {
			$out[ $name ] = str_replace( array( "\r", "\n" ), '', $browser_headers[ $name ] );
		}
	}
	return $out;
}

/**
 * Teller's privacy HTML ready for WordPress' policy guide: the owner-only notes become
 * WordPress' tutorial paragraphs (shown in the guide, never copied), and the opt-out widget's
 * script becomes the plugin's shortcode, which renders it on the page.
 *
 * @param string $html The privacy text as Teller writes it in HTML.
 */
function teller_policy_html( $html ) {
	$html = str_replace( '<p class="teller-owner-note">', '<p class="privacy-policy-tutorial">', (string) $html );
	return (string) preg_replace( '#<div id="teller-optout"[^>]*></div>\s*<script[^>]*optout\.js[^>]*></script>#', '<p>[teller_optout]</p>', $html );
}

/**
 * A page or post's path as Teller stores pages: the URL's path without a trailing slash,
 * '/' for the front page.
 *
 * @param string $url A permalink.
 */
function teller_path_of( $url ) {
	$path = parse_url( (string) $url, PHP_URL_PATH );
	$path = is_string( $path ) ? rtrim( $path, '/' ) : '';
	return '' === $path ? '/' : $path;
}

/**
 * The Stats API query for the Views column: pageviews of these paths over the given days.
 *
 * @param string   $domain The site's domain in Teller.
 * @param string[] $paths  Paths of the listed posts.
 * @param string   $first  First day, Y-m-d.
 * @param string   $last   Last day, Y-m-d.
 */
function teller_views_query( $domain, array $paths, $first, $last ) {
	$paths = array_values( array_unique( $paths ) );
	return array(
		'site_id'    => $domain,
		'metrics'    => array( 'pageviews' ),
		'date_range' => array( $first, $last ),
		'dimensions' => array( 'event:page' ),
		'filters'    => array( array( 'is', 'event:page', $paths ) ),
		'include'    => array( 'imports' => true ),
		'pagination' => array( 'limit' => max( 1, count( $paths ) ) ),
	);
}

/**
 * Counts per value from a Stats API answer of one dimension and one metric (pageviews per
 * path, visitors per search), leaving out events that have no value.
 *
 * @param mixed $answer The decoded answer.
 * @return array<string, int>
 */
function teller_counts_by_dimension( $answer ) {
	$out = array();
	foreach ( (array) ( is_array( $answer ) ? ( $answer['results'] ?? array() ) : array() ) as $row ) {
		// Events without a value (a page with no site search) come as "(not set)": not a word.
		if ( isset( $row['dimensions'][0], $row['metrics'][0] ) && '(not set)' !== $row['dimensions'][0] ) {
			$out[ (string) $row['dimensions'][0] ] = (int) $row['metrics'][0];
		}
	}
	return $out;
}

/**
 * A Stats API answer's single total (the first metric of its one row), or null.
 *
 * @param mixed $answer The decoded answer.
 */
function teller_single_metric( $answer ) {
	$row = is_array( $answer ) ? ( $answer['results'][0]['metrics'][0] ?? null ) : null;
	return is_numeric( $row ) ? (int) $row : null;
}

/**
 * The calendar months from the first to the last day, as 'YYYY-MM'.
 *
 * @param string $first First day, Y-m-d (or a date-time).
 * @param string $last  Last day, Y-m-d (or a date-time).
 * @return string[]
 */
function teller_months_between( $first, $last ) {
	if ( ! preg_match( '/^(\d{4})-(\d{2})/', (string) $first, $a ) || ! preg_match( '/^(\d{4})-(\d{2})/', (string) $last, $b ) ) {
		return array();
	}
	$months = array();
	$year   = (int) $a[1];
	$month  = (int) $a[2];
	$end    = (int) $b[1] * 12 + (int) $b[2];
	while ( $year * 12 + $month <= $end && count( $months ) < 1200 ) {
		$months[] = sprintf( '%04d-%02d', $year, $month );
		++$month;
		if ( $month > 12 ) {
			$month = 1;
			++$year;
		}
	}
	return $months;
}

/**
 * The first day of a 'YYYY-MM' month and of the month after it, for a half-open date range.
 *
 * @param string $month 'YYYY-MM'.
 * @return string[] [first day, first day of the next month]
 */
function teller_month_bounds( $month ) {
	list( $year, $mon ) = array_map( 'intval', explode( '-', $month ) );
	$next               = 12 === $mon ? sprintf( '%04d-01-01', $year + 1 ) : sprintf( '%04d-%02d-01', $year, $mon + 1 );
	return array( sprintf( '%04d-%02d-01', $year, $mon ), $next );
}

/**
 * One SQL value as mysqldump writes it: NULL, a bare number, or a quoted, escaped string.
 *
 * @param mixed $value A cell.
 */
function teller_sql_value( $value ) {
	if ( null === $value ) {
		return 'NULL';
	}
	if ( is_int( $value ) || is_float( $value ) ) {
		return (string) $value;
	}
	return "'" . strtr(
		(string) $value,
		array(
			'\\'   => '\\\\',
			"'"    => "\\'",
			"\0"   => '\\0',
			"\n"   => '\\n',
			"\r"   => '\\r',
			"\x1a" => '\\Z',
		)
	) . "'";
}

/**
 * An INSERT statement as mysqldump writes it, with the column list (so the importer needs no
 * CREATE TABLE). '' for no rows.
 *
 * @param string                $table   The table's name.
 * @param string[]              $columns Column names.
 * @param array<int, array>     $rows    Rows, each a list of cells in column order.
 */
function teller_sql_insert( $table, array $columns, array $rows ) {
	if ( array() === $rows ) {
		return '';
	}
	$tuples = array();
	foreach ( $rows as $row ) {
		$tuples[] = '(' . implode( ',', array_map( 'teller_sql_value', array_values( $row ) ) ) . ')';
	}
	$names = implode( ', ', array_map( static fn( $c ) => '`' . str_replace( '`', '', $c ) . '`', $columns ) );
	return 'INSERT INTO `' . str_replace( '`', '', $table ) . '` (' . $names . ") VALUES\n" . implode( ",\n", $tuples ) . ";\n";
}

/**
 * The columns of a WP Statistics table the import sends: all but those Teller never reads and
 * that identify people (the hashed or raw IP, the full user agent, the WordPress user).
 *
 * @param string[] $columns The table's columns.
 * @return string[]
 */
function teller_import_columns( array $columns ) {
	return array_values( array_diff( $columns, array( 'ip', 'UAString', 'user_id' ) ) );
}

/**
 * The import's progress in whole percent.
 *
 * @param int $done  Chunks sent.
 * @param int $total Chunks in all.
 */
function teller_progress_percent( $done, $total ) {
	return $total <= 0 ? 100 : (int) min( 100, floor( 100 * $done / $total ) );
}

/**
 * What one chunk's answer from Teller's import route means for the import: go on (with the
 * rows stored), go on past a month Teller already has or has nothing new of, or stop.
 *
 * @param int    $status The HTTP status.
 * @param string $body   The answer.
 * @return array{continue: bool, rows: int, error: string}
 */
function teller_import_outcome( $status, $body ) {
	$data = json_decode( (string) $body, true );
	$code = is_array( $data ) && isset( $data['code'] ) ? (string) $data['code'] : '';
	if ( 201 === $status || 200 === $status ) {
		return array(
			'continue' => true,
			'rows'     => is_array( $data ) ? (int) ( $data['rows'] ?? 0 ) : 0,
			'error'    => '',
		);
	}
	// Imported before (a reload sent the month again), or every day already held: nothing lost.
	if ( ( 409 === $status && 'duplicate' === $code ) || ( 400 === $status && 'empty' === $code ) ) {
		return array(
			'continue' => true,
			'rows'     => 0,
			'error'    => '',
		);
	}
	if ( 401 === $status || 403 === $status ) {
		return array(
			'continue' => false,
			'rows'     => 0,
			'error'    => __( 'Teller does not let this token import. In Teller, connect WordPress again with Import ticked, and paste the new token here.', 'teller' ),
		);
	}
	$message = is_array( $data ) && isset( $data['error'] ) && is_string( $data['error'] ) ? $data['error'] : '';
	return array(
		'continue' => false,
		'rows'     => 0,
		'error'    => '' !== $message ? $message : 'HTTP ' . (int) $status,
	);
}
