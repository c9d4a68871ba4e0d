/**
 * The view's filters as chips (click one to change it, × to remove it), and the button to the "Filter" dialog
 * (filter-dialog.ts) that adds `is`, `is not`, `contains` or `does not contain` on any
 * dimension or custom property, with one or more values. The dialog's code loads on the
 * first click, outside the page's size budget; its styles (a chunk's CSS would not load by
 * itself) come with the page.
 * @module
 */
import { h } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { flagImage } from './flags.ts';
import { filterLabel } from './format.ts';
import { withoutFilter } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { View } from './view.ts';

/** Opens the dialog, to add a filter or to change the one at `index`. */
const openDialog = (view: View, index?: number) => void import('./filter-dialog.ts').then((m) => m.openFilterDialog(view, index));

export function renderFilterBar(view: View): HTMLElement {
  const filters = view.state.filters;
  return h(
    'div',
    { class: 'sv-filters', role: 'group', 'aria-label': t('sv.filters') },
    filters.map((filter, index) => {
      const label = filterLabel(filter);
      return h(
        'span',
        { class: 'chip sv-chip' },
        filter.dimension === 'visit:country' ? filter.values.map(flagImage) : null,
        h('button', { type: 'button', class: 'sv-chip-edit', 'aria-haspopup': 'dialog', title: t('sv.filter.edit'), 'data-key': `chip-edit:${index}`, onclick: () => openDialog(view, index) }, label),
        h('button', { type: 'button', class: 'sv-chip-remove', 'aria-label': t('sv.filter.remove', { filter: label }), 'data-key': `chip:${index}`, onclick: () => view.go(withoutFilter(view.state, index)) }, '×'),
      );
    }),
    h('button', { type: 'button', class: 'btn', 'aria-haspopup': 'dialog', 'data-key': 'filter-add', onclick: () => openDialog(view) }, t('sv.filter')),
    filters.length > 1 ? h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => view.go({ ...view.state, filters: [] }) }, t('sv.filter.clear')) : null,
  );
}
