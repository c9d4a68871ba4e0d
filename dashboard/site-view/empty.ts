/**
 * A filter that matches nothing says so, with a way out (a site with no event yet:
 * empty-site.ts).
 * @module
 */
import { h } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import type { View } from './view.ts';

export function renderNoMatch(view: View): HTMLElement {
  return h(
    'div',
    { class: 'card sv-no-match', role: 'status' },
    h('p', null, t('sv.noMatch')),
    h('button', { type: 'button', class: 'btn', onclick: () => view.go({ ...view.state, filters: [] }) }, t('sv.filter.clear')),
  );
}
