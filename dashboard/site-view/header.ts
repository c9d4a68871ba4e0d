/**
 * The site view's header: site picker (with more than one site), date range (presets, or a
 * custom range picked in the browser's date pickers) with the days it covers and arrows to
 * the previous and next period, comparison, the realtime count, and the owner's way to the
 * site's settings. Plausible's keyboard shortcuts pick a range (see SHORTCUTS); R opens the realtime view.
 * @module
 */
import type { Key } from '../i18n/index.ts';
import { get } from '../lib/api.ts';
import { keepChoices } from '../lib/address-choices.ts';
import { h } from '../lib/dom.ts';
import { locale, t } from '../lib/i18n.ts';
import { funnelsHref, settingsHref } from '../lib/route.ts';
import { link } from '../lib/router.ts';
import { resolvedSpan } from './panel.ts';
import { cachedQuery } from './cache.ts';
import { renderComparePicker } from './compare-picker.ts';
import { PRESETS, shiftPeriod } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { exportButton } from './export-button.ts';
import { everQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { goTo, realtimeHref } from './realtime.ts';
import { SHORTCUTS, isShortcut, shortcutKey } from './shortcuts.ts';
import { type Period, type ViewState, serializeView } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { View } from './view.ts';

function sitePicker(view: View): HTMLElement | null {
  if (view.ctx.sites.length < 2) return null;
  const select = h(
    'select',
    { class: 'input', id: 'sv-site', onchange: () => {
      const next = encodeURIComponent(select.value);
      // Another site: a fresh page of the shell; the range and comparison come along, filters do not.
      location.assign(keepChoices(`/sites/${next}`, serializeView({ ...view.state, filters: [], tabs: {} })));
    } },
    view.ctx.sites.map((domain) => h('option', { value: domain, selected: domain === view.ctx.site.domain }, domain)),
  );
  return h('label', { class: 'sv-field' }, h('span', { class: 'sr-only' }, t('sv.site')), select);
}

/** A custom range shows as its own option, and "Custom range…" stays selectable to pick another one. */
const PICK = 'pick';

/** Days as the reader writes a span: "8 Nov – 5 Dec 2026", "1–31 Dec 2026", "5 Dec 2026". */
export function formatDays(from: string, to: string): string {
  const format = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const date = (day: string) => new Date(`${day}T00:00:00Z`);
  return from === to ? format.format(date(from)) : format.formatRange(date(from), date(to));
}

const withPeriod = (state: ViewState, period: Period): ViewState => ({ ...state, period, from: null, to: null, interval: null });

/** The days shown beside the picker; all time learns its first day from the server. */
function rangeDays(view: View): HTMLElement {
  const { from, to } = view.span;
  const today = from <= view.today && view.today <= to && from !== to ? h('span', { class: 'sv-range-today' }, t('sv.range.withToday')) : null;
  const days = h('span', { class: 'sv-range-days', 'data-from': from, 'data-to': to }, formatDays(from, to));
  if (view.state.period === 'all') {
    cachedQuery(everQuery(view.ctx.site.domain, view.state.imports)).then((r) => {
      const known = resolvedSpan(r, view.span);
      days.dataset.from = known.from;
      days.textContent = formatDays(known.from, known.to);
    }, () => {});
  }
  return h('span', { class: 'sv-range-dates', id: 'sv-range-dates' }, days, today);
}

function stepButton(view: View, direction: -1 | 1): HTMLElement {
  // Read again on click: a tab switch since this was drawn changed the state, not the period.
  const target = () => shiftPeriod(view.state, view.today, direction);
  const key = direction < 0 ? 'range-prev' : 'range-next';
  return h(
    'button',
    {
      type: 'button',
      class: 'btn btn-ghost sv-range-step',
      'data-key': key,
      'aria-label': t(direction < 0 ? 'sv.range.prev' : 'sv.range.next'),
      title: t(direction < 0 ? 'sv.range.prev' : 'sv.range.next'),
      'aria-keyshortcuts': direction < 0 ? 'ArrowLeft' : 'ArrowRight',
      disabled: target() === null,
      onclick: () => {
        const next = target();
        if (next) view.go(next, key);
      },
    },
    direction < 0 ? '‹' : '›',
  );
}

function rangePicker(view: View, pickDays: (onCancel: () => void) => void): HTMLElement {
  const { period, from, to } = view.state;
  const select = h(
    'select',
    { class: 'input', id: 'sv-range', 'data-key': 'range', 'aria-describedby': period === 'custom' ? null : 'sv-range-dates' },
    PRESETS.map((p) => h('option', { value: p, selected: p === period }, t(`sv.range.${p}` as Key))),
    period === 'custom' && from && to ? h('option', { value: 'custom', selected: true }, formatDays(from, to)) : null,
    h('option', { value: PICK }, t('sv.range.custom')),
  );
  select.addEventListener('change', () => {
    if (select.value === PICK) pickDays(() => (select.value = period));
    else view.go(withPeriod(view.state, select.value as Period));
  });
  return h(
    'div',
    { class: 'sv-range', role: 'group', 'aria-label': t('sv.range') },
    stepButton(view, -1),
    h('label', { class: 'sv-field' }, h('span', { class: 'sr-only' }, t('sv.range')), select),
    stepButton(view, 1),
    period === 'custom' ? null : rangeDays(view),
  );
}

function shortcuts(view: View, pickDays: () => void): (event: KeyboardEvent) => void {
  return (event) => {
    if (!isShortcut(event)) return;
    const key = shortcutKey(event);
    let next: ViewState | null = null;
    if (key === 'ArrowLeft' || key === 'ArrowRight') next = shiftPeriod(view.state, view.today, key === 'ArrowLeft' ? -1 : 1);
    else if (key in SHORTCUTS) next = withPeriod(view.state, SHORTCUTS[key]!);
    else if (key === 'x') next = { ...view.state, compare: view.state.compare ? null : 'previous' };
    else if (key === 'c') pickDays();
    else if (key === 'r') goTo(realtimeHref(view.ctx));
    else return;
    event.preventDefault();
    if (next && serializeView(next) !== serializeView(view.state)) view.go(next);
  };
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

/** Only the owner changes a site's settings; a viewer or a shared link gets no way there. */
function settingsLink(view: View): HTMLElement | null {
  if (view.ctx.mode !== 'owner') return null;
  const { domain } = view.ctx.site;
  return link(settingsHref(domain), { class: 'btn btn-ghost btn-small sv-settings', 'data-key': 'settings', 'aria-label': t('sites.settingsOf', { domain }) }, t('sites.settings'));
}

/** Whether a shared link's site has funnels: asked once per page, not at every draw. */
let sharedFunnels: Promise<boolean> | null = null;

/**
 * Funnels are read with a login (owner or viewer), or by a shared link (read-only, at its own
 * address) once the site has any: a shared link offers no page that would only say "none".
 */
function funnelsLink(view: View): HTMLElement | null {
  const shared = view.ctx.mode === 'shared';
  const item = link(shared ? `${view.ctx.basePath}/funnels` : funnelsHref(view.ctx.site.domain), { class: 'btn btn-ghost btn-small sv-funnels' }, t('sv.funnels'));
  item.hidden = shared;
  if (shared) {
    sharedFunnels ??= get<{ funnels: unknown[] }>(`/api/v1/sites/${encodeURIComponent(view.ctx.site.domain)}/funnels`).then((r) => r.funnels.length > 0, () => false);
    void sharedFunnels.then((has) => {
      item.hidden = !has;
    });
  }
  return item;
}

export function renderHeader(view: View, realtime: HTMLElement): HTMLElement {
  const pickDays = (onCancel = () => {}) => openCalendar(view, onCancel);
  const onKey = shortcuts(view, pickDays);
  document.addEventListener('keydown', onKey);
  view.onDispose(() => document.removeEventListener('keydown', onKey));
  return h(
    'header',
    { class: 'sv-header' },
    h('div', { class: 'sv-heading' }, h('h1', { class: 'sv-domain' }, view.ctx.site.domain), realtime, view.ctx.mode === 'shared' ? h('span', { class: 'chip' }, t('sv.shared')) : null, funnelsLink(view), settingsLink(view)),
    h('div', { class: 'sv-controls' }, sitePicker(view), rangePicker(view, pickDays), renderComparePicker(view), exportButton(view)),
  );
}
