/**
 * Empty states that say what to do: a site with no event yet gets its snippet (its owner
 * does; a read-only view just says so); a filter
 * that matches nothing says so, with a way out.
 * @module
 */
import { copyText } from '../lib/clipboard.ts';
import { h } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import type { View } from './view.ts';

export const snippet = (domain: string, origin: string) => `<script defer data-domain="${domain}" src="${origin}/script.js"></script>`;

export function renderEmptySite(domain: string): HTMLElement {
  const code = snippet(domain, location.origin);
  const copy = h('button', { type: 'button', class: 'btn btn-primary' }, t('sv.empty.copy'));
  copy.onclick = () => copyText(code).then((ok) => ok && (copy.textContent = t('sv.empty.copied')));
  return h(
    'section',
    { class: 'card sv-empty-site', 'aria-labelledby': 'sv-empty-title' },
    h('h2', { id: 'sv-empty-title' }, t('sv.empty.title')),
    h('p', null, t('sv.empty.text', { domain })),
    h('pre', { class: 'sv-snippet' }, h('code', null, code)),
    copy,
  );
}

/** The empty state of a read-only view (a shared link, a frame in wp-admin): nothing to install from here. */
export function renderNoVisitsYet(domain: string): HTMLElement {
  return h(
    'section',
    { class: 'card sv-empty-site', 'aria-labelledby': 'sv-empty-title' },
    h('h2', { id: 'sv-empty-title' }, t('sv.noVisits.title')),
    h('p', { class: 'muted' }, t('sv.noVisits.text', { domain })),
  );
}

export function renderNoMatch(view: View): HTMLElement {
  return h(
    'div',
    { class: 'card sv-no-match', role: 'status' },
    h('p', null, t('sv.noMatch')),
    h('button', { type: 'button', class: 'btn', onclick: () => view.go({ ...view.state, filters: [] }) }, t('sv.filter.clear')),
  );
}
