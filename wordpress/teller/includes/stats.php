<?php
/**
 * Seeing the numbers in wp-admin: the site view (Teller's embeddable shared link, in the
 * admin's language and colour scheme), the dashboard widget, and the Views column of the Posts
 * and Pages lists. Everything is read with the site token, server-side, and cached.
 *
 * @package Teller
 */

defined( 'ABSPATH' ) || exit;

/** The stats page's slug. */
const TELLER_STATS_PAGE = 'teller';

/** Registers the hooks. */
function teller_stats_hooks() {
	add_action( 'admin_menu', 'teller_stats_menu' );
	add_action( 'wp_dashboard_setup', 'teller_dashboard_setup' );
	add_action( 'admin_init', 'teller_views_columns' );
}

/** Who sees the numbers: editors and administrators by default. */
function teller_view_capability() {
	/**
	 * Filters the capability needed to see Teller's numbers in wp-admin.
	 *
	 * @param string $capability Default 'edit_others_posts'.
	 */
	return (string) apply_filters( 'teller_view_capability', 'edit_others_posts' );
}

/** The menu entry. */
function teller_stats_menu() {
	add_menu_page( __( 'Statistics', 'teller' ), __( 'Statistics', 'teller' ), teller_view_capability(), TELLER_STATS_PAGE, 'teller_render_stats_page', 'dashicons-chart-area', 3 );
}

/**
 * The site's shared link from Teller (made the first time), or an error sentence.
 *
 * @return array{url: string|null, error: string}
 */
function teller_shared_link() {
	$kept = (string) get_option( 'teller_shared_link', '' );
	if ( '' !== $kept ) {
		return array(
			'url'   => $kept,
			'error' => '',
		);
	}
	$down = teller_down_problem();
	if ( null !== $down ) {
		return array(
			'url'   => null,
			'error' => $down,
		);
	}
	$response = teller_request( 'POST', teller_site_path( 'shared-link' ) );
	$data     = json_decode( $response['body'], true );
	$url      = is_array( $data ) ? ( $data['url'] ?? null ) : null;
	if ( ! is_string( $url ) || ! preg_match( '#^https?://#', $url ) ) {
		if ( null !== $response['error'] ) {
			teller_mark_down( $response, $data );
		}
		return array(
			'url'   => null,
			'error' => teller_response_problem( $response, $data ),
		);
	}
	update_option( 'teller_shared_link', $url, false );
	return array(
		'url'   => $url,
		'error' => '',
	);
}

/** A notice that the plugin is not connected yet, with the way there. */
function teller_not_configured_notice() {
	echo '<div class="notice notice-warning inline"><p>';
	if ( current_user_can( 'manage_options' ) ) {
		printf(
			/* translators: %s: link to the settings page */
			esc_html__( 'Teller is not connected yet: %s.', 'teller' ),
			'<a href="' . esc_url( admin_url( 'options-general.php?page=' . TELLER_SETTINGS_PAGE ) ) . '">' . esc_html__( 'enter the Teller address and token', 'teller' ) . '</a>'
		);
	} else {
		esc_html_e( 'Teller is not connected yet: ask the site\'s administrator.', 'teller' );
	}
	echo '</p></div>';
}

/** The stats page: Teller's site view, framed. */
function teller_render_stats_page() {
	if ( ! current_user_can( teller_view_capability() ) ) {
		return;
	}
	echo '<div class="wrap teller-stats"><h1>' . esc_html__( 'Statistics', 'teller' ) . '</h1>';
	if ( ! teller_is_configured() ) {
		teller_not_configured_notice();
		echo '</div>';
		return;
	}
	$link = teller_shared_link();
	if ( null === $link['url'] ) {
		/* translators: %s: what went wrong */
		echo '<div class="notice notice-error inline"><p>' . teller_problem_html( sprintf( __( 'The statistics cannot be shown: %s', 'teller' ), $link['error'] ) ) . '</p></div></div>';
		return;
	}
	$src = teller_embed_url( $link['url'], teller_lang_for_locale( get_user_locale() ), teller_embed_theme( (string) get_user_option( 'admin_color' ) ) );
	echo '<iframe class="teller-frame" title="' . esc_attr__( 'Statistics', 'teller' ) . '" src="' . esc_url( $src ) . '" style="width:100%;height:calc(100vh - 140px);min-height:600px;border:0;background:transparent" loading="lazy" referrerpolicy="no-referrer"></iframe>';
	echo '<p><a href="' . esc_url( $link['url'] ) . '" target="_blank" rel="noopener noreferrer">' . esc_html__( 'Open in Teller', 'teller' ) . '</a></p></div>';
}

/** The dashboard widget, for those who see the numbers. */
function teller_dashboard_setup() {
	if ( current_user_can( teller_view_capability() ) ) {
		wp_add_dashboard_widget( 'teller_dashboard', __( 'Statistics', 'teller' ), 'teller_render_widget' );
	}
}

/**
 * Today's date and the date $days before it, in the site's timezone.
 *
 * @param int $days Days back.
 * @return string[] [first, last] as Y-m-d.
 */
function teller_last_days( $days ) {
	$today = current_datetime();
	return array( $today->modify( '-' . (int) $days . ' days' )->format( 'Y-m-d' ), $today->format( 'Y-m-d' ) );
}

/**
 * The widget's queries: visitors today and in the last 7 days (today included), top pages and
 * site search words over those 7 days.
 *
 * @param string $domain The site in Teller.
 */
function teller_widget_queries( $domain ) {
	$week = teller_last_days( 6 );
	return array(
		'today'  => array(
			'site_id'    => $domain,
			'metrics'    => array( 'visitors' ),
			'date_range' => 'day',
		),
		'week'   => array(
			'site_id'    => $domain,
			'metrics'    => array( 'visitors' ),
			'date_range' => $week,
			'include'    => array( 'imports' => true ),
		),
		'pages'  => array(
			'site_id'    => $domain,
			'metrics'    => array( 'visitors' ),
			'date_range' => $week,
			'dimensions' => array( 'event:page' ),
			'filters'    => array( array( 'is', 'event:name', array( 'pageview' ) ) ),
			'order_by'   => array( array( 'visitors', 'desc' ) ),
			'pagination' => array( 'limit' => 5 ),
		),
		'search' => array(
			'site_id'    => $domain,
			'metrics'    => array( 'visitors' ),
			'date_range' => $week,
			'dimensions' => array( 'event:site_search' ),
			'order_by'   => array( array( 'visitors', 'desc' ) ),
			'pagination' => array( 'limit' => 6 ),
		),
	);
}

/**
 * A small table of a breakdown's rows.
 *
 * @param string $caption  The table's heading.
 * @param array  $counts   Label => visitors.
 * @param string $empty    Shown when there are no rows.
 */
function teller_widget_table( $caption, array $counts, $empty ) {
	// Space from the figures or the table above, which the dashboard's own styles leave tight.
	echo '<h3 class="teller-widget-heading" style="margin:1.25em 0 .5em">' . esc_html( $caption ) . '</h3>';
	if ( array() === $counts ) {
		echo '<p class="teller-empty">' . esc_html( $empty ) . '</p>';
		return;
	}
	echo '<table class="widefat striped teller-table"><tbody>';
	foreach ( $counts as $label => $visitors ) {
		echo '<tr><td>' . esc_html( (string) $label ) . '</td><td style="text-align:right">' . esc_html( number_format_i18n( $visitors ) ) . '</td></tr>';
	}
	echo '</tbody></table>';
}

/** The dashboard widget's content. */
function teller_render_widget() {
	if ( ! teller_is_configured() ) {
		teller_not_configured_notice();
		return;
	}
	$answers = array_map( 'teller_cached_query', teller_widget_queries( teller_settings()['domain'] ) );
	$failed  = array_filter( $answers, static fn( $a ) => ! $a['ok'] || $a['stale'] );
	if ( array() !== $failed ) {
		$first = reset( $failed );
		// Older numbers are shown: say so, with only the reason's technical line after it.
		$lines   = explode( "\n", $first['error'], 2 );
		$problem = $first['ok'] ? __( 'Teller is not answering; these numbers may be out of date.', 'teller' ) . ( isset( $lines[1] ) ? "\n" . $lines[1] : ' ' . $lines[0] ) : $first['error'];
		echo '<div class="notice notice-warning inline teller-notice"><p>' . teller_problem_html( $problem ) . '</p></div>';
	}
	$today = teller_single_metric( $answers['today']['data'] );
	$week  = teller_single_metric( $answers['week']['data'] );
	echo '<div class="teller-kpis" style="display:flex;gap:24px;margin-bottom:8px">';
	foreach ( array(
		array( __( 'Visitors today', 'teller' ), $today, 'today' ),
		array( __( 'Last 7 days', 'teller' ), $week, 'week' ),
	) as $kpi ) {
		echo '<div class="teller-kpi" data-kpi="' . esc_attr( $kpi[2] ) . '"><div style="font-size:24px;font-weight:600">' . esc_html( null === $kpi[1] ? '–' : number_format_i18n( $kpi[1] ) ) . '</div><div>' . esc_html( $kpi[0] ) . '</div></div>';
	}
	echo '</div>';
	// Without an answer there is nothing to list; "no page views yet" would be untrue.
	if ( $answers['pages']['ok'] ) {
		teller_widget_table( __( 'Top pages, last 7 days', 'teller' ), teller_counts_by_dimension( $answers['pages']['data'] ), __( 'No page views yet.', 'teller' ) );
	}
	if ( $answers['search']['ok'] ) {
		teller_widget_table( __( 'Searches on this site, last 7 days', 'teller' ), array_slice( teller_counts_by_dimension( $answers['search']['data'] ), 0, 5, true ), __( 'No searches yet.', 'teller' ) );
	}
	echo '<p><a href="' . esc_url( admin_url( 'admin.php?page=' . TELLER_STATS_PAGE ) ) . '">' . esc_html__( 'All statistics', 'teller' ) . '</a></p>';
}

/** The Views column in the Posts and Pages lists. */
function teller_views_columns() {
	if ( ! teller_is_configured() || ! current_user_can( teller_view_capability() ) ) {
		return;
	}
	foreach ( array( 'post', 'page' ) as $type ) {
		add_filter( "manage_{$type}_posts_columns", 'teller_add_views_column' );
		add_action( "manage_{$type}_posts_custom_column", 'teller_render_views_column', 10, 2 );
	}
}

/**
 * Adds the column.
 *
 * @param string[] $columns The list's columns.
 */
function teller_add_views_column( $columns ) {
	$columns['teller_views'] = __( 'Views', 'teller' );
	return $columns;
}

/**
 * Pageviews in the last 30 days (today included) of the posts on this screen, asked in one query.
 *
 * @return array{counts: array<string, int>, error: string}
 */
function teller_listed_views() {
	static $views = null;
	if ( null !== $views ) {
		return $views;
	}
	global $wp_query;
	$paths = array();
	// For Pages the list query fetches only ids and parents (fields id=>parent).
	foreach ( (array) ( $wp_query->posts ?? array() ) as $post ) {
		$id = is_object( $post ) ? (int) $post->ID : (int) $post;
		if ( 'publish' === get_post_status( $id ) ) {
			$paths[] = teller_path_of( (string) get_permalink( $id ) );
		}
	}
	if ( array() === $paths ) {
		$views = array(
			'counts' => array(),
			'error'  => '',
		);
		return $views;
	}
	list( $first, $last ) = teller_last_days( 29 );
	$answer               = teller_cached_query( teller_views_query( teller_settings()['domain'], $paths, $first, $last ) );
	$views                = array(
		'counts' => $answer['ok'] ? teller_counts_by_dimension( $answer['data'] ) : array(),
		'error'  => $answer['ok'] ? '' : $answer['error'],
	);
	return $views;
}

/**
 * One cell of the column.
 *
 * @param string $column  The column.
 * @param int    $post_id The row's post.
 */
function teller_render_views_column( $column, $post_id ) {
	if ( 'teller_views' !== $column ) {
		return;
	}
	if ( 'publish' !== get_post_status( $post_id ) ) {
		echo '<span aria-hidden="true">—</span>';
		return;
	}
	$views = teller_listed_views();
	if ( '' !== $views['error'] ) {
		echo '<span title="' . esc_attr( $views['error'] ) . '">?</span>';
		return;
	}
	$count = $views['counts'][ teller_path_of( (string) get_permalink( $post_id ) ) ] ?? 0;
	echo '<span class="teller-views" title="' . esc_attr__( 'Page views in the last 30 days', 'teller' ) . '">' . esc_html( number_format_i18n( $count ) ) . '</span>';
}
