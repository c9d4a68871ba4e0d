/**
 * The comparison's controls and words: the picker (previous period or last year, optionally
 * matching the day of the week) and the line under the KPIs naming the period compared with,
 * or saying there is nothing to compare.
 * @module
 */
import type { Key } from '../i18n/index.ts';
import { h } from '../lib/dom.ts';
import { formatDay, t } from '../lib/i18n.ts';
import { cachedQuery } from './cache.ts';
import { type Coverage, type EchoedRange, coverage, firstDayOf } from './comparison.ts';
import { everQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import type { Compare } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { View } from './view.ts';

/**
 * The compared period in words: its days, and the time of day it stops at when it stops
 * before the end of its last day (a running period is compared up to the same time).
 */
export function describeRange(range: EchoedRange): string {
  const [from, to] = [range[0].slice(0, 10), range[1].slice(0, 10)];
  const end = range[1].slice(11, 19);
  const days = from === to ? formatDay(from) : `${formatDay(from)} – ${formatDay(to)}`;
  return end === '23:59:59' ? days : t('sv.compare.until', { day: days, time: end.slice(0, 5) });
}

/** The first day, once known: the same query as the empty-site check, so the cache answers it. */
export function firstDay(view: View): Promise<string | null> {
  return cachedQuery(everQuery(view.ctx.site.domain, view.state.imports)).then(firstDayOf, () => null);
}

/** What the KPI row says under the numbers; `show` false: the changes are not to be shown. */
export function comparisonNote(range: EchoedRange, first: string | null): { text: string; show: boolean; kind: Coverage } {
  const period = describeRange(range);
  const kind = first ? coverage(range, first) : 'full';
  if (kind === 'none') return { kind, show: false, text: t('sv.compare.none', { day: formatDay(first!), period }) };
  if (kind === 'partial') return { kind, show: true, text: t('sv.compare.partial', { day: formatDay(first!), period }) };
  return { kind, show: true, text: t('sv.compare.with', { period }) };
}

export function renderComparePicker(view: View): HTMLElement {
  const values: Array<Compare | 'off'> = ['off', 'previous', 'year'];
  const select = h(
    'select',
    { class: 'input', id: 'sv-compare', 'data-key': 'compare' },
    values.map((value) => h('option', { value, selected: (view.state.compare ?? 'off') === value }, t(`sv.compare.${value}` as Key))),
  );
  select.addEventListener('change', () => view.go({ ...view.state, compare: select.value === 'off' ? null : (select.value as Compare) }));
  const field = h('label', { class: 'sv-field' }, h('span', { class: 'sr-only' }, t('sv.compare')), select);
  if (!view.state.compare) return field;
  const match = h('input', {
    type: 'checkbox',
    'data-key': 'compare-match',
    checked: view.state.matchWeekday,
    onchange: () => view.go({ ...view.state, matchWeekday: match.checked }, 'compare-match'),
  });
  return h('div', { class: 'sv-compare' }, field, h('label', { class: 'sv-compare-match' }, match, h('span', null, t('sv.compare.match'))));
}
