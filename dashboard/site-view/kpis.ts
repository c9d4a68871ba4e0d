/**
 * The KPI row: the figures that make sense under the view's filters (kpi-set.ts) with their
 * change against the comparison, and a line naming the period compared with (or that there
 * is nothing to compare). Each the chart can draw is a toggle button (aria-pressed) that puts
 * its metric in the chart; a note says where a figure covers whole visits.
 * @module
 */
import type { Key } from '../i18n/index.ts';
import type { StatsResult } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { cachedQuery } from './cache.ts';
import { comparisonNote, firstDay } from './compare-picker.ts';
import { comparedRange } from './comparison.ts';
import { describeChange, formatMetric } from './format.ts';
import { chartMetric, chartMetrics, kpiMode, kpiSet, withConversionRate, type KpiDef } from '../../server/core/dashboard-api/view-queries/kpi-set.ts';
import { conversionBaseQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { panelError } from './rows.ts';
import type { Metric } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { View } from './view.ts';

export const metricLabel = (metric: Metric) => t(`sv.kpi.${metric}` as Key);

const ARROWS = { up: '↑', down: '↓', flat: '→' } as const;

/** A figure the chart can draw toggles it; the others (conversions) are plain. */
function kpiCell(view: View, def: KpiDef, ...parts: Array<HTMLElement | null>): HTMLElement {
  const metric = def.metric;
  const attrs = { class: 'sv-kpi', 'data-metric': metric, title: def.metric === 'conversion_rate' ? t('sv.kpi.conversion_rate.about') : null };
  if (!(chartMetrics(view.state.filters) as string[]).includes(metric)) return h('div', { ...attrs, class: 'sv-kpi sv-kpi-plain' }, ...parts);
  return h(
    'button',
    {
      ...attrs,
      type: 'button',
      'data-key': `kpi:${metric}`,
      'aria-pressed': String(chartMetric(view.state.metric, view.state.filters) === metric),
      onclick: () => view.go({ ...view.state, metric: metric as Metric }),
    },
    ...parts,
  );
}

/** The KPI answer, with the conversion rate computed in when the view filters a custom event. */
function withRates(view: View, result: Promise<StatsResult>): Promise<StatsResult> {
  if (kpiMode(view.state.filters) !== 'goal') return result;
  const base = cachedQuery(conversionBaseQuery(view.base));
  return Promise.all([result, base]).then(([goal, all]) => withConversionRate(goal, all));
}

export function renderKpis(view: View, answer: Promise<StatsResult>): HTMLElement {
  const defs = kpiSet(view.state.filters);
  const row = h('div', { role: 'group', 'aria-label': t('sv.kpis'), class: `sv-kpis sv-kpis-${defs.length}` });
  const result = withRates(view, answer);
  const cells = defs.map((def) => {
    const metric = def.metric;
    const value = h('span', { class: 'sv-kpi-value sv-skeleton-text' }, '\u00a0');
    const change = h('span', { class: 'sv-kpi-change' });
    const note = def.note ? h('span', { class: 'sv-kpi-note' }, t(def.note)) : null;
    const button = kpiCell(view, def, h('span', { class: 'sv-kpi-label' }, t(def.label)), value, note, change);
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
