<?php
/**
 * Settings → Teller: the Teller address, the site token, the domain, who and what is counted,
 * the proxy; "Test connection" saying exactly what is wrong.
 *
 * @package Teller
 */

defined( 'ABSPATH' ) || exit;

/** The settings page's slug. */
const TELLER_SETTINGS_PAGE = 'teller-settings';

/** Registers the settings hooks. */
function teller_settings_hooks() {
	add_action( 'admin_init', 'teller_register_setting' );
	add_action( 'admin_menu', 'teller_settings_menu' );
	add_action( 'admin_post_teller_test', 'teller_handle_test' );
	add_action( 'admin_post_teller_refresh_privacy', 'teller_handle_refresh_privacy' );
	add_action( 'update_option_' . TELLER_OPTION, 'teller_settings_saved', 10, 2 );
	add_action( 'add_option_' . TELLER_OPTION, static fn( $name, $value ) => teller_settings_saved( array(), $value ), 10, 2 );
	add_filter( 'plugin_action_links_' . plugin_basename( TELLER_FILE ), 'teller_action_links' );
}

/** The settings option, sanitised on save (options.php checks the nonce and manage_options). */
function teller_register_setting() {
	register_setting(
		'teller',
		TELLER_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'teller_sanitize_settings',
			'show_in_rest'      => false,
		)
	);
}

/**
 * The settings as typed, checked: a bad address or domain keeps the saved one, with a notice.
 *
 * @param mixed $input The submitted fields.
 */
function teller_sanitize_settings( $input ) {
	$saved = teller_settings();
	$input = is_array( $input ) ? wp_unslash( $input ) : array();
	$out   = $saved;

	$url = teller_normalize_url( sanitize_text_field( (string) ( $input['url'] ?? '' ) ) );
	if ( '' === $url && '' !== trim( (string) ( $input['url'] ?? '' ) ) ) {
		add_settings_error( TELLER_OPTION, 'teller-url', __( 'The Teller address must be an http or https address, such as https://stats.example.com.', 'teller' ) );
	} else {
		$out['url'] = $url;
	}

	$token = trim( sanitize_text_field( (string) ( $input['token'] ?? '' ) ) );
	if ( '' !== $token ) {
		if ( preg_match( '/^[A-Za-z0-9_.\-]{8,200}$/', $token ) ) {
			$out['token'] = $token;
		} else {
			add_settings_error( TELLER_OPTION, 'teller-token', __( 'The token holds characters a Teller token does not: paste it again as Teller showed it.', 'teller' ) );
		}
	}
	if ( ! empty( $input['forget_token'] ) ) {
		$out['token'] = '';
	}

	$domain = teller_normalize_domain( sanitize_text_field( (string) ( $input['domain'] ?? '' ) ) );
	if ( '' === $domain ) {
		add_settings_error( TELLER_OPTION, 'teller-domain', __( 'The domain must be a host name such as example.com; the site\'s own is used.', 'teller' ) );
		$domain = teller_default_settings()['domain'];
	}
	$out['domain'] = $domain;

	$roles                = array_keys( wp_roles()->get_names() );
	$out['exclude_roles'] = array_values( array_intersect( array_map( 'sanitize_key', (array) ( $input['exclude_roles'] ?? array() ) ), $roles ) );
	foreach ( array( 'outbound_links', 'file_downloads', 'proxy' ) as $flag ) {
		$out[ $flag ] = ! empty( $input[ $flag ] );
	}
	return $out;
}

/**
 * After a save: cached answers belong to the old settings; the proxy secret follows the switch.
 *
 * @param mixed $old   The settings before.
 * @param mixed $value The settings now.
 */
function teller_settings_saved( $old, $value ) {
	teller_forget_cache();
	$value = is_array( $value ) ? $value : array();
	$old   = is_array( $old ) ? $old : array();
	if ( ( $old['token'] ?? '' ) !== ( $value['token'] ?? '' ) || ( $old['url'] ?? '' ) !== ( $value['url'] ?? '' ) || ( $old['domain'] ?? '' ) !== ( $value['domain'] ?? '' ) ) {
		// A secret belongs to the Teller site it was made for.
		delete_option( TELLER_PROXY_SECRET_OPTION );
		delete_option( 'teller_shared_link' );
	}
	if ( '' !== ( $value['url'] ?? '' ) && '' !== ( $value['token'] ?? '' ) ) {
		$problem = teller_sync_proxy_secret( ! empty( $value['proxy'] ) );
		if ( '' !== $problem ) {
			add_settings_error( TELLER_OPTION, 'teller-proxy', $problem );
		}
	}
}

/** The menu entry under Settings. */
function teller_settings_menu() {
	add_options_page( __( 'Teller', 'teller' ), __( 'Teller', 'teller' ), 'manage_options', TELLER_SETTINGS_PAGE, 'teller_render_settings' );
}

/**
 * A "Settings" link beside Deactivate on the plugins screen.
 *
 * @param string[] $links The row's links.
 */
function teller_action_links( $links ) {
	array_unshift( $links, '<a href="' . esc_url( admin_url( 'options-general.php?page=' . TELLER_SETTINGS_PAGE ) ) . '">' . esc_html__( 'Settings', 'teller' ) . '</a>' );
	return $links;
}

/** Test connection: asks Teller who the token belongs to, and keeps the verdict for the page. */
function teller_handle_test() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You may not change Teller\'s settings.', 'teller' ), 403 );
	}
	check_admin_referer( 'teller_test' );
	set_transient( 'teller_test_' . get_current_user_id(), teller_test_connection(), MINUTE_IN_SECONDS );
	wp_safe_redirect( admin_url( 'options-general.php?page=' . TELLER_SETTINGS_PAGE ) );
	exit;
}

/** The connection's verdict (see teller_connection_verdict). */
function teller_test_connection() {
	if ( '' === teller_settings()['url'] || '' === teller_settings()['token'] ) {
		return array(
			'ok'      => false,
			'code'    => 'not-configured',
			'message' => __( 'Enter the Teller address and the site token, save, then test.', 'teller' ),
			'scopes'  => array(),
		);
	}
	return teller_connection_verdict( teller_request( 'GET', '/api/v1/connection', null, array( 'timeout' => 5 ) ), teller_settings()['domain'], time() );
}

/** Refresh privacy text: asks Teller for the text now. */
function teller_handle_refresh_privacy() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You may not change Teller\'s settings.', 'teller' ), 403 );
	}
	check_admin_referer( 'teller_refresh_privacy' );
	$ok = null !== teller_privacy_text( true );
	set_transient(
		'teller_test_' . get_current_user_id(),
		array(
			'ok'      => $ok,
			'code'    => 'privacy',
			'message' => $ok ? __( 'The privacy text was fetched from Teller again; the policy guide shows it.', 'teller' ) : __( 'Teller did not give the privacy text. Test the connection.', 'teller' ),
		),
		MINUTE_IN_SECONDS
	);
	wp_safe_redirect( admin_url( 'options-general.php?page=' . TELLER_SETTINGS_PAGE ) );
	exit;
}

/**
 * A small form posting to admin-post.php with a nonce.
 *
 * @param string $action The admin-post action.
 * @param string $label  The button's text.
 */
function teller_action_button( $action, $label ) {
	echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" style="display:inline-block;margin-right:8px">';
	echo '<input type="hidden" name="action" value="' . esc_attr( $action ) . '">';
	wp_nonce_field( $action );
	submit_button( $label, 'secondary', 'submit', false );
	echo '</form>';
}

/** The settings page. */
function teller_render_settings() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$settings = teller_settings();
	$name     = TELLER_OPTION;
	$verdict  = get_transient( 'teller_test_' . get_current_user_id() );
	if ( is_array( $verdict ) ) {
		delete_transient( 'teller_test_' . get_current_user_id() );
	}
	?>
	<div class="wrap">
		<h1><?php esc_html_e( 'Teller', 'teller' ); ?></h1>
		<?php if ( is_array( $verdict ) ) : ?>
			<div class="notice <?php echo $verdict['ok'] ? 'notice-success' : 'notice-error'; ?> teller-verdict" data-code="<?php echo esc_attr( $verdict['code'] ); ?>"><p><?php echo esc_html( $verdict['message'] ); ?></p></div>
		<?php endif; ?>
		<p><?php esc_html_e( 'Teller counts visits to this site without cookies and shows the numbers here in wp-admin. In Teller, open the site\'s settings, choose Connect WordPress, and paste the token it shows below.', 'teller' ); ?></p>
		<form method="post" action="options.php">
			<?php settings_fields( 'teller' ); ?>
			<table class="form-table" role="presentation">
				<tr>
					<th scope="row"><label for="teller-url"><?php esc_html_e( 'Teller address', 'teller' ); ?></label></th>
					<td><input type="url" class="regular-text" id="teller-url" name="<?php echo esc_attr( $name ); ?>[url]" value="<?php echo esc_attr( $settings['url'] ); ?>" placeholder="https://stats.example.com">
					<p class="description"><?php esc_html_e( 'The address of your Teller server.', 'teller' ); ?></p></td>
				</tr>
				<tr>
					<th scope="row"><label for="teller-token"><?php esc_html_e( 'Site token', 'teller' ); ?></label></th>
					<td><input type="password" class="regular-text" id="teller-token" name="<?php echo esc_attr( $name ); ?>[token]" value="" autocomplete="off" placeholder="<?php echo esc_attr( '' === $settings['token'] ? 'tlr_…' : __( 'saved (leave empty to keep it)', 'teller' ) ); ?>">
					<?php if ( '' !== $settings['token'] ) : ?>
						<label><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[forget_token]" value="1"> <?php esc_html_e( 'Forget the saved token', 'teller' ); ?></label>
					<?php endif; ?>
					<p class="description"><?php esc_html_e( 'A token for this site only, made in Teller with Connect WordPress. It stays on this server and is never written into the site\'s pages.', 'teller' ); ?></p></td>
				</tr>
				<tr>
					<th scope="row"><label for="teller-domain"><?php esc_html_e( 'Domain', 'teller' ); ?></label></th>
					<td><input type="text" class="regular-text" id="teller-domain" name="<?php echo esc_attr( $name ); ?>[domain]" value="<?php echo esc_attr( $settings['domain'] ); ?>">
					<p class="description"><?php esc_html_e( 'The site as it is named in Teller; by default this site\'s own host.', 'teller' ); ?></p></td>
				</tr>
				<tr>
					<th scope="row"><?php esc_html_e( 'Not counted', 'teller' ); ?></th>
					<td><fieldset><legend class="screen-reader-text"><?php esc_html_e( 'Logged-in users not counted', 'teller' ); ?></legend>
					<?php foreach ( wp_roles()->get_names() as $role => $label ) : ?>
						<label style="display:block"><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[exclude_roles][]" value="<?php echo esc_attr( $role ); ?>" <?php checked( in_array( $role, (array) $settings['exclude_roles'], true ) ); ?>> <?php echo esc_html( translate_user_role( $label ) ); ?></label>
					<?php endforeach; ?>
					<p class="description"><?php esc_html_e( 'Visits of logged-in users with these roles are not counted.', 'teller' ); ?></p></fieldset></td>
				</tr>
				<tr>
					<th scope="row"><?php esc_html_e( 'Also count', 'teller' ); ?></th>
					<td><fieldset>
						<label style="display:block"><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[outbound_links]" value="1" <?php checked( $settings['outbound_links'] ); ?>> <?php esc_html_e( 'Clicks on links to other sites (Outbound Link: Click)', 'teller' ); ?></label>
						<label style="display:block"><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[file_downloads]" value="1" <?php checked( $settings['file_downloads'] ); ?>> <?php esc_html_e( 'Clicks on links to files such as PDF and ZIP (File Download)', 'teller' ); ?></label>
						<p class="description"><?php esc_html_e( 'Missing pages (404) and searches on this site are always counted.', 'teller' ); ?></p>
					</fieldset></td>
				</tr>
				<tr>
					<th scope="row"><?php esc_html_e( 'First-party proxy', 'teller' ); ?></th>
					<td><label><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[proxy]" value="1" <?php checked( $settings['proxy'] ); ?>> <?php esc_html_e( 'Serve the script and send the events through this site\'s own address', 'teller' ); ?></label>
					<p class="description"><?php esc_html_e( 'Blockers of third-party analytics then do not drop the visits. The token needs the proxy permission; the visitor\'s address is passed to Teller, which shortens it as usual.', 'teller' ); ?></p></td>
				</tr>
			</table>
			<?php submit_button(); ?>
		</form>
		<h2><?php esc_html_e( 'Check', 'teller' ); ?></h2>
		<p>
			<?php teller_action_button( 'teller_test', __( 'Test connection', 'teller' ) ); ?>
			<?php teller_action_button( 'teller_refresh_privacy', __( 'Fetch the privacy text again', 'teller' ) ); ?>
		</p>
		<?php teller_render_import_section(); ?>
	</div>
	<?php
}
