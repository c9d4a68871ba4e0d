<?php
/**
 * Privacy: Teller's paragraph (written by Teller from the site's live configuration) in
 * WordPress' privacy policy guide, in bokmål for Norwegian sites and English otherwise; the
 * opt-out widget as the [teller_optout] shortcode and a block.
 *
 * @package Teller
 */

defined( 'ABSPATH' ) || exit;

/** How long the privacy text is reused before Teller is asked again (its settings may change). */
const TELLER_PRIVACY_TTL = HOUR_IN_SECONDS;

/**
 * On the privacy policy guide itself the text is asked for again once it is this old, so that a
 * change made in Teller (retention, location precision) shows there within a minute, while other
 * wp-admin pages keep the hourly copy and never wait on Teller for it.
 */
const TELLER_PRIVACY_GUIDE_TTL = MINUTE_IN_SECONDS;

/** Registers the privacy hooks. */
function teller_privacy_hooks() {
	add_action( 'admin_init', 'teller_add_privacy_content' );
	add_shortcode( 'teller_optout', 'teller_optout_html' );
	add_action( 'init', 'teller_register_optout_block' );
	add_action( 'enqueue_block_editor_assets', 'teller_optout_block_strings' );
}

/**
 * Teller's privacy text in HTML for the site's language, cached; null when it has never been
 * fetched and Teller does not answer.
 *
 * @param bool $refresh Ask Teller even if a cached copy is fresh.
 */
function teller_privacy_text( $refresh = false ) {
	$lang = teller_lang_for_locale( get_locale() );
	$key  = 'teller_privacy_' . $lang;
	$text = $refresh ? false : get_transient( $key );
	if ( is_string( $text ) ) {
		return '' === $text ? null : $text;
	}
	if ( $refresh || false === get_transient( 'teller_down' ) ) {
		$response = teller_request( 'GET', teller_site_path( 'privacy-text?lang=' . $lang . '&format=html' ) );
		if ( null === $response['error'] && 200 === $response['status'] ) {
			$text = teller_policy_html( $response['body'] );
			set_transient( $key, $text, TELLER_PRIVACY_TTL );
			update_option( 'teller_privacy_' . $lang, $text, false );
			return $text;
		}
		if ( null !== $response['error'] ) {
			teller_mark_down( $response, null );
		}
	}
	// The last text Teller gave (or none) is reused for a while, so that a Teller that is down, or
	// a token without the privacy scope, does not cost every wp-admin page a request.
	$kept = (string) get_option( 'teller_privacy_' . $lang, '' );
	set_transient( $key, $kept, 10 * MINUTE_IN_SECONDS );
	return '' === $kept ? null : $kept;
}

/** Offers the text to the privacy policy guide (Settings → Privacy). */
function teller_add_privacy_content() {
	if ( ! teller_is_configured() || ! function_exists( 'wp_add_privacy_policy_content' ) ) {
		return;
	}
	$text = teller_privacy_text( teller_privacy_guide_is_stale() );
	if ( null === $text ) {
		$text = '<p class="privacy-policy-tutorial">' . esc_html__( 'Teller did not answer, so its privacy text cannot be shown now. Open this guide again later.', 'teller' ) . '</p>';
	}
	wp_add_privacy_policy_content( 'Teller', wp_kses_post( $text ) );
}

/**
 * Whether this request opens the privacy policy guide and Teller was last asked for the text on
 * it more than TELLER_PRIVACY_GUIDE_TTL ago (marks it asked now, so reloads within that time,
 * or a Teller that is down, cost one request a minute at most).
 */
function teller_privacy_guide_is_stale() {
	global $pagenow;
	$tab      = isset( $_GET['tab'] ) ? sanitize_key( wp_unslash( $_GET['tab'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended
	$on_guide = 'privacy-policy-guide.php' === $pagenow || ( 'options-privacy.php' === $pagenow && 'policyguide' === $tab );
	if ( ! $on_guide || ! current_user_can( 'manage_privacy_options' ) ) {
		return false;
	}
	$key = 'teller_privacy_guide_' . teller_lang_for_locale( get_locale() );
	if ( false !== get_transient( $key ) ) {
		return false;
	}
	set_transient( $key, 1, TELLER_PRIVACY_GUIDE_TTL );
	return true;
}

/**
 * The opt-out widget: Teller's checkbox, in the page's language.
 *
 * @param array|string $attributes Shortcode attributes: lang (nb or en) overrides the site's.
 */
function teller_optout_html( $attributes = array() ) {
	if ( ! teller_is_configured() ) {
		return '';
	}
	$attributes = shortcode_atts( array( 'lang' => '' ), is_array( $attributes ) ? $attributes : array(), 'teller_optout' );
	$lang       = in_array( $attributes['lang'], array( 'nb', 'en' ), true ) ? $attributes['lang'] : teller_lang_for_locale( get_locale() );
	$settings   = teller_settings();
	$src        = $settings['proxy'] && '' !== (string) get_option( TELLER_PROXY_SECRET_OPTION, '' ) ? rest_url( 'teller/v1/optout.js' ) : $settings['url'] . '/optout.js';
	wp_enqueue_script( 'teller-optout', $src, array(), null, true ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion
	return '<div id="teller-optout" data-lang="' . esc_attr( $lang ) . '"></div>';
}

/** The opt-out block: a dynamic block rendered by the shortcode's function. */
function teller_register_optout_block() {
	wp_register_script( 'teller-optout-block', plugins_url( 'blocks/optout/index.js', TELLER_FILE ), array( 'wp-blocks', 'wp-element', 'wp-block-editor' ), TELLER_VERSION, true );
	register_block_type(
		TELLER_DIR . '/blocks/optout',
		array(
			'editor_script'   => 'teller-optout-block',
			'render_callback' => static fn() => teller_optout_html(),
		)
	);
}

/** The block editor's strings, translated with the plugin's own catalogue. */
function teller_optout_block_strings() {
	wp_add_inline_script(
		'teller-optout-block',
		'window.tellerOptoutBlock = ' . wp_json_encode(
			array(
				'title'       => __( 'Teller opt-out', 'teller' ),
				'placeholder' => __( 'Teller opt-out: visitors see a checkbox here to stop or resume counting their visits.', 'teller' ),
			)
		) . ';',
		'before'
	);
}
