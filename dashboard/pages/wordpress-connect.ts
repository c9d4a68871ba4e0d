/**
 * "Connect WordPress": the plugin's download (the zip `npm run build` makes, served by this
 * Teller), the address to paste, and a token for the site with what the plugin needs
 * (stats, privacy, share, proxy; import when ticked), shown once with a copy button. The
 * same block sits in the site's settings and in the add-site flow's WordPress tab.
 * @module
 */
import './wordpress.css';
import type { TokenInfo } from '../../server/core/dashboard-api/contract.ts';
import { post, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { attempt, copyBox, section, status, uid } from '../lib/ui.ts';

/** Where Teller serves the plugin (scripts/wordpress-zip.mjs). */
export const PLUGIN_ZIP = '/wordpress/teller.zip';
const SCOPES = ['stats', 'privacy', 'share', 'proxy'];
/** Sent on `document` when a token was made here, so the settings' token list shows it. */
export const TOKENS_CHANGED = 'teller:tokens-changed';

export function wordpressConnect(domain: string): HTMLElement {
  const importId = uid('wp-import');
  const importBox = h('input', { type: 'checkbox', id: importId });
  const create = h('button', { type: 'button', class: 'btn btn-primary' }, t('wp.create'));
  const line = status();
  const fresh = h('div', { class: 'wp-token' });
  create.addEventListener('click', async () => {
    const scopes = importBox.checked ? [...SCOPES, 'import'] : SCOPES;
    // The token's own box says it was made; the status line is for a failure.
    const made = await attempt(create, line, () => post<{ token: string; info: TokenInfo }>(sitePath(domain, '/tokens'), { scopes }));
    if (!made) return;
    replace(fresh, h('div', { class: 'secret stack-s' }, h('p', { class: 'chip chip-warn' }, t('wp.created')), copyBox(made.token, t('wp.token'))));
    document.dispatchEvent(new CustomEvent(TOKENS_CHANGED));
  });
  return h(
    'ol',
    { class: 'wp-steps' },
    // A list item keeps its number only while it is one: the stack goes inside it.
    h(
      'li',
      null,
      h(
        'div',
        { class: 'stack-s' },
        h('p', null, t('wp.step.download')),
        h('div', { class: 'actions' }, h('a', { class: 'btn', href: PLUGIN_ZIP, download: 'teller.zip' }, t('wp.download'))),
      ),
    ),
    h(
      'li',
      null,
      h(
        'div',
        { class: 'stack-s' },
        h('p', null, t('wp.step.paste')),
        h('p', { class: 'wp-label' }, t('wp.address')),
        copyBox(location.origin, t('wp.address')),
        h('div', { class: 'choice' }, importBox, h('label', { for: importId }, t('wp.import'), h('span', { class: 'hint' }, t('wp.import.hint')))),
        h('div', { class: 'actions' }, create, line.root),
        fresh,
      ),
    ),
  );
}

/** The settings page's section. */
export function wordpressSection(domain: string): HTMLElement {
  return section(t('wp.title'), t('wp.intro'), wordpressConnect(domain));
}
