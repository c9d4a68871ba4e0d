/**
 * The site view's header: site picker (with more than one site), date range (presets, or a
 * custom range picked in the browser's date pickers), comparison, and the realtime count.
 * @module
 */
import type { Key } from '../i18n/index.ts';
import { h } from '../lib/dom.ts';
import { formatDay, t } from '../lib/i18n.ts';
import { PRESETS } from './dates.ts';
import { exportButton } from './export-button.ts';
import { type Compare, type Period, serializeView } from './state.ts';
import type { View } from './view.ts';

function sitePicker(view: View): HTMLElement | null {
  if (view.ctx.sites.length < 2) return null;
  const select = h(
    'select',
    { class: 'input', id: 'sv-site', onchange: () => {
      const next = encodeURIComponent(select.value);
      // Another site: a fresh page of the shell; the range and comparison come along, filters do not.
      location.assign(`/sites/${next}?${serializeView({ ...view.state, filters: [], tabs: {} })}`);
    } },
    view.ctx.sites.map((domain) => h('option', { value: domain, selected: domain === view.ctx.site.domain }, domain)),
  );
  return h('label', { class: 'sv-field' }, h('span', { class: 'sr-only' }, t('sv.site')), select);
}

/** A custom range shows as its own option, and "Custom range…" stays selectable to pick another one. */
const PICK = 'pick';

function rangePicker(view: View): HTMLElement {
  const { period, from, to } = view.state;
  const select = h(
    'select',
    { class: 'input', id: 'sv-range', 'data-key': 'range' },
    PRESETS.map((p) => h('option', { value: p, selected: p === period }, t(`sv.range.${p}` as Key))),
    period === 'custom' && from && to ? h('option', { value: 'custom', selected: true }, `${formatDay(from)} – ${formatDay(to)}`) : null,
    h('option', { value: PICK }, t('sv.range.custom')),
  );
  select.addEventListener('change', () => {
    if (select.value === PICK) openCalendar(view, () => (select.value = period));
    else view.go({ ...view.state, period: select.value as Period, from: null, to: null, interval: null });
  });
  return h('label', { class: 'sv-field' }, h('span', { class: 'sr-only' }, t('sv.range')), select);
}

/**
 * The first and last day in a dialog. Native date inputs: each opens the browser's own
 * calendar, localised and keyboard-operable, for no bytes of ours.
 */
function openCalendar(view: View, onCancel: () => void): void {
  const fromInput = h('input', { class: 'input', type: 'date', required: true, value: view.state.from ?? view.span.from, max: view.today });
  const toInput = h('input', { class: 'input', type: 'date', required: true, value: view.state.to ?? view.span.to, max: view.today });
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, t('sv.filter.cancel'));
  let applied = false;
  const form = h(
    'form',
    { method: 'dialog', class: 'sv-filter-form', onsubmit: () => (applied = true) },
    h('header', { class: 'sv-dialog-head' }, h('h2', { id: 'sv-calendar-title' }, t('sv.range.pick'))),
    h('label', null, h('span', null, t('sv.range.from')), fromInput),
    h('label', null, h('span', null, t('sv.range.to')), toInput),
    h('footer', { class: 'sv-dialog-foot' }, cancel, h('button', { type: 'submit', class: 'btn btn-primary' }, t('sv.range.apply'))),
  );
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'sv-calendar-title' }, form);
  cancel.onclick = () => dialog.close();
  dialog.addEventListener('close', () => {
    dialog.remove();
    const [from, to] = [fromInput.value, toInput.value].sort();
    if (applied && from && to) view.go({ ...view.state, period: 'custom', from, to, interval: null });
    else onCancel();
  });
  view.onDispose(() => dialog.open && dialog.close());
  document.body.appendChild(dialog);
  dialog.showModal();
}

function comparePicker(view: View): HTMLElement {
  const values: Array<Compare | 'off'> = ['off', 'previous', 'year'];
  const select = h(
    'select',
    { class: 'input', id: 'sv-compare', 'data-key': 'compare' },
    values.map((value) => h('option', { value, selected: (view.state.compare ?? 'off') === value }, t(`sv.compare.${value}` as Key))),
  );
  select.addEventListener('change', () => view.go({ ...view.state, compare: select.value === 'off' ? null : (select.value as Compare) }));
  return h('label', { class: 'sv-field' }, h('span', { class: 'sr-only' }, t('sv.compare')), select);
}

export function renderHeader(view: View, realtime: HTMLElement): HTMLElement {
  return h(
    'header',
    { class: 'sv-header' },
    h('div', { class: 'sv-heading' }, h('h1', { class: 'sv-domain' }, view.ctx.site.domain), realtime, view.ctx.mode === 'shared' ? h('span', { class: 'chip' }, t('sv.shared')) : null),
    h('div', { class: 'sv-controls' }, sitePicker(view), rangePicker(view), comparePicker(view), exportButton(view)),
  );
}
