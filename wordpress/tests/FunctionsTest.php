<?php
/**
 * The plugin's pure functions.
 *
 * @package Teller
 */

use PHPUnit\Framework\TestCase;

final class FunctionsTest extends TestCase {

	private const EVENT = array(
		'n' => 'pageview',
		'u' => 'https://blog.example.com/hello-world/?s=kake',
		'd' => 'blog.example.com',
		'r' => 'https://www.google.com/',
		'w' => 1280,
	);

	public function test_teller_address_is_normalised_or_refused(): void {
		$this->assertSame( 'https://stats.example.com', teller_normalize_url( ' https://Stats.Example.com/ ' ) );
		$this->assertSame( 'https://stats.example.com', teller_normalize_url( 'stats.example.com' ) );
		$this->assertSame( 'http://127.0.0.1:8080/teller', teller_normalize_url( 'http://127.0.0.1:8080/teller/' ) );
		$this->assertSame( '', teller_normalize_url( 'ftp://stats.example.com' ) );
		$this->assertSame( '', teller_normalize_url( 'https://user:pw@stats.example.com' ) );
		$this->assertSame( '', teller_normalize_url( 'https://stats.example.com/?x=1' ) );
		$this->assertSame( '', teller_normalize_url( '' ) );
	}

	public function test_domain_is_the_host_without_www_or_port(): void {
		$this->assertSame( 'example.com', teller_normalize_domain( 'WWW.Example.com' ) );
		$this->assertSame( 'example.com', teller_normalize_domain( 'example.com:8080' ) );
		$this->assertSame( 'shop.example.com', teller_normalize_domain( 'https://shop.example.com/path' ) );
		$this->assertSame( '127.0.0.1', teller_normalize_domain( '127.0.0.1:8081' ) );
		$this->assertSame( '', teller_normalize_domain( 'exa mple.com' ) );
		$this->assertSame( '', teller_normalize_domain( '<script>' ) );
	}

	public function test_script_file_names_the_chosen_extras_in_sorted_order(): void {
		$this->assertSame( 'script.js', teller_script_file( false, false ) );
		$this->assertSame( 'script.outbound-links.js', teller_script_file( true, false ) );
		$this->assertSame( 'script.file-downloads.js', teller_script_file( false, true ) );
		$this->assertSame( 'script.file-downloads.outbound-links.js', teller_script_file( true, true ) );
	}

	public function test_users_of_excluded_roles_are_not_counted(): void {
		$excluded = array( 'administrator', 'editor' );
		$this->assertTrue( teller_counts_user( array(), $excluded ) );
		$this->assertTrue( teller_counts_user( array( 'subscriber' ), $excluded ) );
		$this->assertFalse( teller_counts_user( array( 'subscriber', 'editor' ), $excluded ) );
		$this->assertTrue( teller_counts_user( array( 'administrator' ), array() ) );
	}

	public function test_norwegian_locales_get_bokmal(): void {
		$this->assertSame( 'nb', teller_lang_for_locale( 'nb_NO' ) );
		$this->assertSame( 'nb', teller_lang_for_locale( 'nn_NO' ) );
		$this->assertSame( 'en', teller_lang_for_locale( 'en_US' ) );
		$this->assertSame( 'en', teller_lang_for_locale( 'de_DE' ) );
		$this->assertSame( 'en', teller_lang_for_locale( '' ) );
	}

	public function test_embed_url_follows_the_admin_language_and_scheme(): void {
		$this->assertSame( 'https://t.example/share/abc?embed=1&lang=nb&theme=dark', teller_embed_url( 'https://t.example/share/abc', 'nb', teller_embed_theme( 'midnight' ) ) );
		$this->assertSame( 'https://t.example/share?k=1&embed=1&lang=en&theme=light', teller_embed_url( 'https://t.example/share?k=1', 'xx', teller_embed_theme( 'fresh' ) ) );
	}

	/** @return array{error: string|null, status: int, body: string} */
	private function answer( int $status, array $body = array(), ?string $error = null ): array {
		return array(
			'error'  => $error,
			'status' => $status,
			'body'   => json_encode( $body ),
		);
	}

	public function test_connection_verdict_names_what_is_wrong(): void {
		$now  = 1_764_000_000;
		$good = array(
			'domain'      => 'example.com',
			'scopes'      => array( 'stats', 'privacy' ),
			'server_time' => $now + 20,
			'version'     => '1.0.0',
		);
		$ok   = teller_connection_verdict( $this->answer( 200, $good ), 'example.com', $now );
		$this->assertTrue( $ok['ok'] );
		$this->assertSame( array( 'stats', 'privacy' ), $ok['scopes'] );
		$this->assertStringContainsString( 'lacks the permissions share, proxy', $ok['message'] );
		$all = teller_connection_verdict( $this->answer( 200, array( 'scopes' => array( 'stats', 'privacy', 'share', 'proxy' ) ) + $good ), 'example.com', $now );
		$this->assertSame( 'Connected: Teller counts example.com with this token.', $all['message'] );

		$unreachable = teller_connection_verdict( $this->answer( 0, array(), 'cURL error 7: Failed to connect' ), 'example.com', $now );
		$this->assertSame( 'unreachable', $unreachable['code'] );
		$this->assertStringContainsString( 'Failed to connect', $unreachable['message'] );

		$this->assertSame( 'invalid-token', teller_connection_verdict( $this->answer( 401, array( 'code' => 'invalid-token' ) ), 'example.com', $now )['code'] );
		$this->assertSame( 'not-teller', teller_connection_verdict( array( 'error' => null, 'status' => 200, 'body' => '<html>' ), 'example.com', $now )['code'] );
		$this->assertSame( 'not-teller', teller_connection_verdict( $this->answer( 404 ), 'example.com', $now )['code'] );

		$other = teller_connection_verdict( $this->answer( 200, array( 'domain' => 'other.example' ) + $good ), 'example.com', $now );
		$this->assertSame( 'site-mismatch', $other['code'] );
		$this->assertStringContainsString( 'other.example', $other['message'] );
		$this->assertTrue( teller_connection_verdict( $this->answer( 200, $good ), 'www.example.com', $now )['ok'] );

		$skew = teller_connection_verdict( $this->answer( 200, array( 'server_time' => $now - 900 ) + $good ), 'example.com', $now );
		$this->assertSame( 'clock-skew', $skew['code'] );
		$this->assertStringContainsString( '900', $skew['message'] );

		$this->assertSame( 'no-stats-scope', teller_connection_verdict( $this->answer( 200, array( 'scopes' => array( 'privacy' ) ) + $good ), 'example.com', $now )['code'] );
	}

	public function test_proxy_accepts_only_requests_from_the_sites_own_pages(): void {
		$this->assertTrue( teller_is_same_site_request( 'https://blog.example.com', 'same-origin', 'blog.example.com' ) );
		$this->assertTrue( teller_is_same_site_request( 'http://blog.example.com:8080', null, 'blog.example.com' ) );
		$this->assertFalse( teller_is_same_site_request( 'https://evil.example', 'cross-site', 'blog.example.com' ) );
		$this->assertFalse( teller_is_same_site_request( 'https://evil.example', null, 'blog.example.com' ) );
		$this->assertFalse( teller_is_same_site_request( 'https://blog.example.com', 'cross-site', 'blog.example.com' ) );
		$this->assertFalse( teller_is_same_site_request( null, null, 'blog.example.com' ) );
		$this->assertFalse( teller_is_same_site_request( 'null', null, 'blog.example.com' ) );
	}

	public function test_proxy_forwards_the_tracker_event_reencoded_with_the_sites_domain(): void {
		$event = self::EVENT + array(
			'p' => array(
				'path' => '/missing',
				'n'    => 3,
			),
			'h' => 1,
			'i' => false,
			'$' => array(
				'amount'   => '9.50',
				'currency' => 'EUR',
			),
		);
		$out   = teller_proxy_event( json_encode( $event ), 'blog.example.com', 'blog.example.com' );
		$this->assertTrue( $out['ok'] );
		$this->assertSame( $event, json_decode( $out['json'], true ) );

		unset( $event['d'] );
		$out = teller_proxy_event( json_encode( $event ), 'blog.example.com', 'blog.example.com' );
		$this->assertSame( 'blog.example.com', json_decode( $out['json'], true )['d'] );
	}

	public function test_proxy_refuses_anything_but_the_event_shape(): void {
		$refused = static fn( $event ) => teller_proxy_event( is_string( $event ) ? $event : json_encode( $event ), 'blog.example.com', 'blog.example.com' );

		$this->assertSame( 413, $refused( str_repeat( ' ', TELLER_PROXY_MAX_BODY + 1 ) )['status'] );
		$this->assertSame( 400, $refused( 'not json' )['status'] );
		$this->assertSame( 400, $refused( '[1,2]' )['status'] );
		$this->assertStringContainsString( 'unknown field', $refused( self::EVENT + array( 'x' => 1 ) )['error'] );
		$this->assertStringContainsString( 'this site', $refused( array( 'u' => 'https://evil.example/' ) + self::EVENT )['error'] );
		$this->assertStringContainsString( 'this site', $refused( array( 'u' => 'javascript:alert(1)' ) + self::EVENT )['error'] );
		$this->assertStringContainsString( 'another site', $refused( array( 'd' => 'other.example' ) + self::EVENT )['error'] );
		$this->assertSame( 400, $refused( array( 'n' => '' ) + self::EVENT )['status'] );
		$this->assertSame( 400, $refused( array( 'n' => str_repeat( 'x', 121 ) ) + self::EVENT )['status'] );
		$this->assertSame( 400, $refused( array( 'w' => 'wide' ) + self::EVENT )['status'] );
		$this->assertSame( 400, $refused( array( 'r' => array( 'x' ) ) + self::EVENT )['status'] );
		$this->assertSame( 400, $refused( self::EVENT + array( 'p' => array( 'a' => array( 'nested' => 1 ) ) ) )['status'] );
		$this->assertSame( 400, $refused( self::EVENT + array( 'p' => array_fill_keys( range( 1, 31 ), 'x' ) ) )['status'] );
		$this->assertSame( 400, $refused( self::EVENT + array( '$' => array( 'amount' => 1, 'currency' => 'EURO' ) ) )['status'] );
		$this->assertSame( 400, $refused( self::EVENT + array( 'h' => 'yes' ) )['status'] );
	}

	public function test_visitor_address_is_the_connections_own_only(): void {
		$this->assertSame( '203.0.113.7', teller_visitor_address( '203.0.113.7' ) );
		$this->assertSame( '2001:db8::1', teller_visitor_address( '2001:db8::1' ) );
		$this->assertNull( teller_visitor_address( '203.0.113.7, 10.0.0.1' ) );
		$this->assertNull( teller_visitor_address( null ) );
	}

	public function test_forwarded_headers_never_include_forwarded_for_or_cookies(): void {
		$out = teller_forwarded_headers(
			array(
				'user-agent'      => 'Mozilla/5.0',
				'dnt'             => '1',
				'sec-gpc'         => '1',
				'x-forwarded-for' => '198.51.100.1',
				'x-real-ip'       => '198.51.100.1',
				'cookie'          => 'wordpress_logged_in=…',
				'sec-ch-ua'       => "\"Chromium\"\r\nX-Evil: 1",
			)
		);
		$this->assertSame(
			array(
				'user-agent' => 'Mozilla/5.0',
				'dnt'        => '1',
				'sec-gpc'    => '1',
				'sec-ch-ua'  => '"Chromium"X-Evil: 1',
			),
			$out
		);
	}

	public function test_policy_html_marks_owner_notes_and_places_the_shortcode(): void {
		$html = "<h2>Visitor statistics</h2>\n\n<p class=\"teller-owner-note\"><strong>For the site owner</strong> …</p>\n\n"
			. "<div id=\"teller-optout\" data-lang=\"nb\"></div>\n<script defer src=\"https://t.example/optout.js\"></script>\n\n<p>Legal basis.</p>\n";
		$out  = teller_policy_html( $html );
		$this->assertStringContainsString( '<p class="privacy-policy-tutorial"><strong>For the site owner</strong>', $out );
		$this->assertStringContainsString( '<p>[teller_optout]</p>', $out );
		$this->assertStringNotContainsString( '<script', $out );
		$this->assertStringNotContainsString( 'teller-owner-note', $out );
	}

	public function test_views_query_asks_pageviews_of_the_listed_paths(): void {
		$query = teller_views_query( 'example.com', array( '/a/', '/b/', '/a/' ), '2026-11-06', '2026-12-05' );
		$this->assertSame( array( array( 'is', 'event:page', array( '/a/', '/b/' ) ) ), $query['filters'] );
		$this->assertSame( array( '2026-11-06', '2026-12-05' ), $query['date_range'] );
		$this->assertSame( array( 'pageviews' ), $query['metrics'] );
		$this->assertSame( 2, $query['pagination']['limit'] );
		$this->assertSame( '/2026/12/hello', teller_path_of( 'https://example.com/2026/12/hello/?x=1' ) );
		$this->assertSame( '/', teller_path_of( 'https://example.com' ) );
		$this->assertSame( '/', teller_path_of( 'https://example.com/' ) );
	}

	public function test_answers_are_read_into_counts(): void {
		$answer = array(
			'results' => array(
				array(
					'dimensions' => array( '/a/' ),
					'metrics'    => array( 12 ),
				),
				array(
					'dimensions' => array( '/b/' ),
					'metrics'    => array( 3 ),
				),
				array(
					'dimensions' => array( '(not set)' ),
					'metrics'    => array( 9 ),
				),
			),
		);
		$this->assertSame( array( '/a/' => 12, '/b/' => 3 ), teller_counts_by_dimension( $answer ) );
		$this->assertSame( array(), teller_counts_by_dimension( null ) );
		$this->assertSame( 7, teller_single_metric( array( 'results' => array( array( 'metrics' => array( 7 ), 'dimensions' => array() ) ) ) ) );
		$this->assertNull( teller_single_metric( array( 'results' => array() ) ) );
	}

	public function test_months_cover_the_history_in_order(): void {
		$this->assertSame( array( '2024-11', '2024-12', '2025-01', '2025-02' ), teller_months_between( '2024-11-30', '2025-02-01 10:00:00' ) );
		$this->assertSame( array( '2025-03' ), teller_months_between( '2025-03-01', '2025-03-31' ) );
		$this->assertSame( array(), teller_months_between( '', '2025-03-31' ) );
		$this->assertSame( array( '2024-12-01', '2025-01-01' ), teller_month_bounds( '2024-12' ) );
		$this->assertSame( array( '2025-02-01', '2025-03-01' ), teller_month_bounds( '2025-02' ) );
	}

	public function test_sql_dump_is_written_as_mysqldump_writes_it(): void {
		$this->assertSame( 'NULL', teller_sql_value( null ) );
		$this->assertSame( '42', teller_sql_value( 42 ) );
		$this->assertSame( "'O\\'Brien \\\\ \\n'", teller_sql_value( "O'Brien \\ \n" ) );
		$sql = teller_sql_insert( 'wp_statistics_pages', array( 'page_id', 'uri', 'date', 'count' ), array( array( '1', '/a/', '2025-01-01', '4' ), array( '2', "/b'/", '2025-01-01', null ) ) );
		$this->assertSame( "INSERT INTO `wp_statistics_pages` (`page_id`, `uri`, `date`, `count`) VALUES\n('1','/a/','2025-01-01','4'),\n('2','/b\\'/','2025-01-01',NULL);\n", $sql );
		$this->assertSame( '', teller_sql_insert( 'wp_statistics_pages', array( 'uri' ), array() ) );
	}

	public function test_import_leaves_out_columns_that_identify_people(): void {
		$this->assertSame( array( 'ID', 'last_counter', 'agent', 'hits' ), teller_import_columns( array( 'ID', 'last_counter', 'agent', 'UAString', 'ip', 'user_id', 'hits' ) ) );
	}

	public function test_import_outcome_goes_on_past_months_already_held(): void {
		$this->assertSame( array( 'continue' => true, 'rows' => 120, 'error' => '' ), teller_import_outcome( 201, '{"id":3,"rows":120}' ) );
		$this->assertTrue( teller_import_outcome( 409, '{"error":"was already imported","code":"duplicate"}' )['continue'] );
		$this->assertTrue( teller_import_outcome( 400, '{"error":"nothing to import","code":"empty"}' )['continue'] );
		$bad = teller_import_outcome( 400, '{"error":"expected a date","file":"x.sql","line":3}' );
		$this->assertFalse( $bad['continue'] );
		$this->assertSame( 'expected a date', $bad['error'] );
		$this->assertSame( 'HTTP 502', teller_import_outcome( 502, '' )['error'] );
		$this->assertStringContainsString( 'Import ticked', teller_import_outcome( 401, '{"error":"Invalid API key or site ID."}' )['error'] );
		$this->assertSame( 50, teller_progress_percent( 3, 6 ) );
		$this->assertSame( 100, teller_progress_percent( 0, 0 ) );
	}
}
