/**
 * The empty state of a site with no event yet, loaded only when one is drawn: the owner gets
 * the snippet to copy; a read-only view just says so.
 * @module
 */
import type { Key } from '../i18n/index.ts';
import { copyText } from '../lib/clipboard.ts';
import { h } from '../lib/dom.ts';
import { emptySite as en } from '../i18n/empty-site.en.ts';
import { emptySite as nb } from '../i18n/empty-site.nb.ts';
import { addStrings, t } from '../lib/i18n.ts';

addStrings({ en, nb });

export const snippet = (domain: string, origin: string) => `<script defer data-domain="${domain}" src="${origin}/script.js"></script>`;

/**
 * A site with no visit yet: its owner gets the snippet to copy; a read-only view (a shared
 * link, a frame in wp-admin) just says so, as there is nothing to install from there.
 */
export function renderEmptySite(domain: string, readOnly: boolean): HTMLElement {
  const title = (key: Key) => h('h2', { id: 'sv-empty-title' }, t(key));
  const card = (...children: Node[]) => h('section', { class: 'card sv-empty-site', 'aria-labelledby': 'sv-empty-title' }, ...children);
  if (readOnly) return card(title('sv.noVisits.title'), h('p', { class: 'muted' }, t('sv.noVisits.text', { domain })));
  const code = snippet(domain, location.origin);
  const copy = h('button', { type: 'button', class: 'btn btn-primary' }, t('sv.empty.copy'));
  copy.onclick = () => copyText(code).then((ok) => ok && (copy.textContent = t('sv.empty.copied')));
  return card(title('sv.empty.title'), h('p', null, t('sv.empty.text', { domain })), h('pre', { class: 'sv-snippet' }, h('code', null, code)), copy);
}

