/**
 * The view's filters as removable chips, and the "Filter" dialog that adds `is`, `is not`,
 * `contains` or `does not contain` on any dimension.
 * @module
 */
import type { Key } from '../i18n/index.ts';
import { h } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { flagImage } from './flags.ts';
import { dimensionLabel, filterLabel } from './format.ts';
import { type Op, OPS, withFilter, withoutFilter } from './state.ts';
import type { View } from './view.ts';

export const FILTER_DIMENSIONS = [
  'event:page', 'visit:entry_page', 'visit:exit_page', 'visit:source', 'visit:referrer', 'visit:channel',
  'visit:search_engine', 'visit:search_keyword', 'event:site_search', 'visit:utm_source', 'visit:utm_medium',
  'visit:utm_campaign', 'visit:utm_term', 'visit:utm_content', 'visit:country', 'visit:browser',
  'visit:browser_version', 'visit:os', 'visit:os_version', 'visit:device', 'event:name', 'event:hostname',
] as const;

function openFilterDialog(view: View): void {
  const dimension = h('select', { class: 'input', required: true }, FILTER_DIMENSIONS.map((d) => h('option', { value: d }, dimensionLabel(d))));
  const op = h('select', { class: 'input' }, OPS.map((o) => h('option', { value: o }, t(`sv.op.${o}` as Key))));
  const value = h('input', { class: 'input', type: 'text', required: true, autocomplete: 'off' });
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, t('sv.filter.cancel'));
  const form = h(
    'form',
    { method: 'dialog', class: 'sv-filter-form' },
    h('header', { class: 'sv-dialog-head' }, h('h2', { id: 'sv-filter-title' }, t('sv.filter.title'))),
    h('label', null, h('span', null, t('sv.filter.dimension')), dimension),
    h('label', null, h('span', null, t('sv.filter.op')), op),
    h('label', null, h('span', null, t('sv.filter.value')), value),
    h('footer', { class: 'sv-dialog-foot' }, cancel, h('button', { type: 'submit', class: 'btn btn-primary' }, t('sv.filter.add'))),
  );
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'sv-filter-title' }, form);
  let added = false;
  form.addEventListener('submit', () => {
    added = value.value.trim() !== '';
  });
  cancel.onclick = () => dialog.close();
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (!added) return;
    // Country filters take ISO codes; people type them in either case.
    const text = value.value.trim();
    const values = [dimension.value === 'visit:country' && (op.value === 'is' || op.value === 'is_not') ? text.toUpperCase() : text];
    view.go(withFilter(view.state, { op: op.value as Op, dimension: dimension.value, values }));
  });
  view.onDispose(() => dialog.open && dialog.close());
  document.body.appendChild(dialog);
  dialog.showModal();
}

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
        label,
        h('button', { type: 'button', class: 'sv-chip-remove', 'aria-label': t('sv.filter.remove', { filter: label }), 'data-key': `chip:${index}`, onclick: () => view.go(withoutFilter(view.state, index)) }, '×'),
      );
    }),
    h('button', { type: 'button', class: 'btn', 'aria-haspopup': 'dialog', 'data-key': 'filter-add', onclick: () => openFilterDialog(view) }, t('sv.filter')),
    filters.length > 1 ? h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => view.go({ ...view.state, filters: [] }) }, t('sv.filter.clear')) : null,
  );
}
