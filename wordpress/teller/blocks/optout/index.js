/* The opt-out block in the editor: a placeholder; the page renders it on the server ([teller_optout]). */
( function ( blocks, element, blockEditor ) {
	var strings = window.tellerOptoutBlock || {};
	blocks.registerBlockType( 'teller/optout', {
		edit: function () {
			return element.createElement(
				'p',
				blockEditor.useBlockProps( { className: 'teller-optout-placeholder' } ),
				strings.placeholder || ''
			);
		},
		save: function () {
			return null;
		},
	} );
} )( window.wp.blocks, window.wp.element, window.wp.blockEditor );
