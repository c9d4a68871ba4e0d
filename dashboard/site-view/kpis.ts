/**
 * The KPI row: six numbers with their change against the comparison, and a line naming the
 * period compared with (or that there is nothing to compare). Each number is a toggle
 * button (aria-pressed) that puts its metric in the chart.
 * @module
 */
import type { Key } from '../i18n/index.ts';
import type { StatsResult } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { comparisonNote, firstDay } from './compare-picker.ts';
import { comparedRange } from './comparison.ts';
import { describeChange, formatMetric } from './format.ts';
import { panelError } from './rows.ts';
import { METRICS, type Metric } from './state.ts';
import type { View } from './view.ts';

export const metricLabel = (metric: Metric) => t(`sv.kpi.${metric}` as Key);

const ARROWS = { up: '↑', down: '↓', flat: '→' } as const;

export function renderKpis(view: View, result: Promise<StatsResult>): HTMLElement {
  const row = h('div', { class: 'sv-kpis', role: 'group', 'aria-label': t('sv.kpis') });
  const cells = METRICS.map((metric) => {
    const value = h('span', { class: 'sv-kpi-value sv-skeleton-text' }, '\u00a0');
    const change = h('span', { class: 'sv-kpi-change' });
    const button = h(
      'button',
      {
        type: 'button',
        class: 'sv-kpi',
        'data-metric': metric,
        'data-key': `kpi:${metric}`,
        'aria-pressed': String(view.state.metric === metric),
        onclick: () => view.go({ ...view.state, metric }),
      },
      h('span', { class: 'sv-kpi-label' }, metricLabel(metric)),
      value,
      change,
    );
    return { metric, button, value, change };
  });
  replace(row, cells.map((c) => c.button));
  Promise.all([result, firstDay(view)]).then(
    ([r, since]) => {
      const first = r.results[0];
      const range = comparedRange(r);
      const note = range ? comparisonNote(range, since) : null;
      if (note) row.appendChild(h('p', { class: `sv-compare-note ${note.kind}`, 'data-coverage': note.kind }, note.text));
      cells.forEach((cell, i) => {
        cell.value.classList.remove('sv-skeleton-text');
        cell.value.textContent = formatMetric(cell.metric, first?.metrics[i] ?? 0);
        cell.value.dataset.value = String(first?.metrics[i] ?? 0);
        const comparison = first?.comparison;
        if (!comparison || !note?.show) return;
        const change = describeChange(cell.metric, comparison.change[i] ?? null);
        const before = t('sv.kpi.before', { value: formatMetric(cell.metric, comparison.metrics[i] ?? null) });
        if (!change) {
          replace(cell.change, h('span', { class: 'muted' }, before));
          return;
        }
        cell.change.dataset.change = String(comparison.change[i]);
        cell.change.classList.add(change.good === null ? 'flat' : change.good ? 'good' : 'bad');
        replace(cell.change, `${ARROWS[change.direction]} `, change.text, h('span', { class: 'sr-only' }, ` (${before})`));
        cell.change.title = before;
      });
    },
    (error) => replace(row, panelError(error)),
  );
  return row;
}
