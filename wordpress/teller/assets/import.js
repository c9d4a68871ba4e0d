/*
 * The WP Statistics import on Settings → Teller: starts the import, then asks WordPress to send
 * one month after another, showing the progress. The progress is kept by WordPress, so after a
 * reload a running import simply continues.
 */
( function () {
	var root = document.getElementById( 'teller-import' );
	if ( ! root ) {
		return;
	}
	var bar = root.querySelector( 'progress' );
	var status = root.querySelector( '.teller-import-status' );
	var done = root.querySelector( '.teller-import-done' );
	var start = root.querySelector( '.teller-import-start' );
	var resume = root.querySelector( '.teller-import-continue' );

	function show( state ) {
		root.dataset.status = state.status;
		if ( state.status === 'none' ) {
			return;
		}
		bar.hidden = false;
		bar.value = state.percent;
		status.textContent = state.status === 'failed' ? root.dataset.failed + ' ' + state.error : state.text;
		done.hidden = state.status !== 'done';
		// WordPress' .button sets display, which would override the hidden attribute.
		resume.style.display = state.status === 'failed' ? '' : 'none';
		start.disabled = state.status === 'running';
	}

	function call( action ) {
		var body = new URLSearchParams( { action: action, nonce: root.dataset.nonce } );
		return fetch( root.dataset.ajax, { method: 'POST', credentials: 'same-origin', body: body } )
			.then( function ( response ) {
				return response.json();
			} )
			.then( function ( answer ) {
				if ( ! answer || ! answer.success ) {
					throw new Error( ( answer && answer.data && answer.data.error ) || '' );
				}
				show( answer.data );
				return answer.data;
			} );
	}

	function run( action ) {
		start.disabled = true;
		resume.style.display = 'none';
		call( action )
			.then( function ( state ) {
				if ( state.status === 'running' ) {
					run( 'teller_import_step' );
				}
			} )
			.catch( function ( error ) {
				// fetch's own TypeError ("Failed to fetch") says nothing to a site owner.
				status.textContent = ( ! ( error instanceof TypeError ) && error.message ) || root.dataset.unreachable;
				start.disabled = false;
				resume.style.display = '';
			} );
	}

	start.addEventListener( 'click', function () {
		run( 'teller_import_start' );
	} );
	resume.addEventListener( 'click', function () {
		run( 'teller_import_step' );
	} );
	var initial = JSON.parse( root.dataset.state );
	show( initial );
	if ( initial.status === 'running' ) {
		run( 'teller_import_step' );
	}
} )();
