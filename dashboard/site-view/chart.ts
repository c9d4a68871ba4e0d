/**
 * The time series card: uPlot line of the chosen metric (the comparison dashed, in
 * --compare, left out when the site was not tracked yet then), a tooltip beside the cursor
 * with exact numbers and dates, round steps on a duration axis, the interval switch, annotations
 * as markers with their text, a visually hidden table for screen readers, and CSV.
 * @module
 */
import uPlot from 'uplot';
import type { Annotation } from '../../server/core/dashboard-api/contract.ts';
import type { StatsResult } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { formatCompact, formatDay, t } from '../lib/i18n.ts';
import { type Key } from '../i18n/index.ts';
import { renderAnnotationForm } from './annotations.ts';
import { firstDay } from './compare-picker.ts';
import { comparedRange, coverage } from './comparison.ts';
import { csvFileName, downloadCsv, toCsv } from './csv-download.ts';
import { allowedIntervals, daysBetween, localHour } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { formatMetric } from './format.ts';
import { chartLabelKey, chartMetric, chartMetrics } from '../../server/core/dashboard-api/view-queries/kpi-set.ts';
import { resolvedSpan } from './panel.ts';
import { panelError, skeleton } from './rows.ts';
import { type Series, bucketOfDay, durationTicks, toSeries } from './series.ts';
import type { Interval } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { View } from './view.ts';

/** A bucket label for people: `14:00` within a day, `1 Dec` for days and weeks, `Dec 2026` for months. */
export function bucketLabel(label: string, interval: Interval, long = false): string {
  if (!label) return '';
  if (interval === 'hour') {
    const time = label.slice(11, 16);
    return long ? `${formatDay(label.slice(0, 10))} ${time}` : time;
  }
  if (interval === 'month') return formatDay(label.slice(0, 10), { month: 'short', year: 'numeric' });
  return formatDay(label.slice(0, 10), long ? undefined : { day: 'numeric', month: 'short' });
}

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function hiddenTable(series: Series, metric: string, caption: string): HTMLTableElement {
  return h(
    'table',
    { class: 'sv-chart-table' },
    h('caption', null, caption),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('sv.chart.time')), h('th', { scope: 'col' }, t('sv.chart.now')), series.comparison ? h('th', { scope: 'col' }, t('sv.chart.then')) : null)),
    h(
      'tbody',
      null,
      series.labels.map((label, i) =>
        h(
          'tr',
          { 'data-bucket': label },
          h('th', { scope: 'row' }, bucketLabel(label, series.interval, true)),
          h('td', { 'data-value': series.values[i] ?? '' }, formatMetric(metric, series.values[i] ?? null)),
          series.comparison ? h('td', { 'data-value': series.comparison[i] ?? '' }, formatMetric(metric, series.comparison[i] ?? null)) : null,
        ),
      ),
    ),
  );
}

/** The tooltip beside the cursor: the bucket, this period's value and the comparison's, with its own date. */
function showTip(u: uPlot, tip: HTMLElement, series: Series, metric: string, name: string): void {
  const i = u.cursor.idx;
  const left = u.cursor.left ?? -1;
  if (i == null || left < 0) {
    tip.hidden = true;
    return;
  }
  const line = (cls: string, label: string, v: number | null) =>
    h('div', { class: 'sv-tip-line' }, h('span', { class: `sv-tip-swatch ${cls}` }), h('span', null, label), h('strong', null, formatMetric(metric, v)));
  const then = series.comparisonLabels[i];
  replace(
    tip,
    h('div', { class: 'sv-tip-time' }, bucketLabel(series.labels[i] ?? '', series.interval, true)),
    line('now', name, series.values[i] ?? null),
    series.comparison ? line('then', then ? bucketLabel(then, series.interval, true) : t('sv.chart.then'), series.comparison[i] ?? null) : null,
  );
  tip.hidden = false;
  // Right of the cursor, or left of it where the right has no room; vertically near it, inside the plot.
  const width = tip.offsetWidth;
  const height = tip.offsetHeight;
  const area = u.over.clientWidth;
  const x = left + 14 + width <= area ? left + 14 : Math.max(0, left - 14 - width);
  const y = Math.min(Math.max(0, (u.cursor.top ?? 0) - height / 2), Math.max(0, u.over.clientHeight - height));
  tip.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
}

function plot(view: View, host: HTMLElement, series: Series, metric: string, name: string, annotations: Annotation[]): uPlot {
  const accent = cssVar('--accent') || '#2563eb';
  const compare = cssVar('--compare') || '#94a3b8';
  const muted = cssVar('--muted') || '#64748b';
  const grid = cssVar('--border') || '#e2e8f0';
  const x = series.labels.map((_, i) => i);
  const value = (v: number | null) => formatMetric(metric, v);
  const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { show: false }, font: '12px system-ui, sans-serif' };
  const markers = h('div', { class: 'sv-markers' });
  const tip = h('div', { class: 'sv-tip', 'aria-hidden': 'true', hidden: true });
  const options: uPlot.Options = {
    width: Math.max(200, host.clientWidth),
    height: host.clientWidth < 500 ? 200 : 260,
    // Room right of the plot for half of the last x label ("Dec 2026"), which is centred on the edge.
    padding: [null, 40, null, null],
    // From zero, and 0–1 rather than uPlot's 0–100 when the period is empty.
    scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    cursor: { points: { size: 7 } },
    // The numbers go in a tooltip beside the cursor (the hidden table carries them for screen readers).
    legend: { show: false },
    axes: [
      { ...axis, values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? bucketLabel(series.labels[s] ?? '', series.interval) : '')), space: 60 },
      {
        ...axis,
        ...(metric === 'visit_duration' ? { splits: (u: uPlot, _i: number, _min: number, max: number) => durationTicks(max, Math.max(2, Math.floor(u.bbox.height / uPlot.pxRatio / 50))) } : {}),
        values: (_u, splits) => splits.map((s) => (metric === 'visit_duration' || metric === 'bounce_rate' ? value(s) : formatCompact(s))),
        size: 64,
      },
    ],
    series: [
      {},
      { stroke: accent, width: 2, fill: `${accent}1f`, points: { show: series.labels.length < 40 } },
      ...(series.comparison ? [{ stroke: compare, width: 2, dash: [6, 4], points: { show: false } }] : []),
    ],
    hooks: {
      setCursor: [(u) => showTip(u, tip, series, metric, name)],
      draw: [
        (u) => {
          replace(markers);
          for (const note of annotations) {
            const index = bucketOfDay(series.labels, note.day);
            if (index < 0) continue;
            const left = u.valToPos(index, 'x');
            const mark = h('button', { type: 'button', class: 'sv-marker', title: `${formatDay(note.day)}: ${note.text}`, 'aria-label': `${formatDay(note.day)}: ${note.text}` });
            mark.style.left = `${left}px`;
            markers.appendChild(mark);
          }
        },
      ],
    },
  };
  const data: uPlot.AlignedData = series.comparison ? [x, series.values, series.comparison] : [x, series.values];
  const u = new uPlot(options, data, host);
  u.over.append(markers, tip);
  const resize = new ResizeObserver(() => {
    const width = Math.max(200, host.clientWidth);
    if (width !== u.width) u.setSize({ width, height: width < 500 ? 200 : 260 });
  });
  resize.observe(host);
  view.onDispose(() => {
    resize.disconnect();
    u.destroy();
  });
  return u;
}

function intervalSwitch(view: View, current: Interval, days: number): HTMLElement | null {
  const allowed = allowedIntervals(days);
  if (allowed.length < 2) return null;
  return h(
    'div',
    { class: 'sv-segmented', role: 'group', 'aria-label': t('sv.chart.interval') },
    allowed.map((interval) =>
      h(
        'button',
        { type: 'button', class: 'btn btn-ghost', 'aria-pressed': String(interval === current), 'data-key': `interval:${interval}`, onclick: () => view.go({ ...view.state, interval }) },
        t(`sv.interval.${interval}` as Key),
      ),
    ),
  );
}

export function renderChart(view: View, result: Promise<StatsResult>, annotations: Promise<Annotation[]>): HTMLElement {
  const metric = chartMetric(view.state.metric, view.state.filters);
  const metricIndex = chartMetrics(view.state.filters).indexOf(metric);
  // The KPI row's word for it: "Unique conversions" under a custom-event filter.
  const name = t(chartLabelKey(metric, view.state.filters));
  const host = h('div', { class: 'sv-chart-host' }, skeleton(4));
  const tools = h('div', { class: 'sv-chart-tools' });
  // A table is as wide as its content whatever its width says: the hiding box is a div around it.
  const table = h('div', { class: 'sr-only' });
  const notes = h('div', { class: 'sv-annotations' });
  const card = h(
    'section',
    { class: 'card sv-chart', 'aria-labelledby': 'sv-chart-title' },
    h('header', { class: 'sv-panel-head' }, h('h2', { id: 'sv-chart-title' }, name), tools),
    host,
    table,
    notes,
  );
  Promise.all([result, annotations.catch(() => [] as Annotation[]), firstDay(view)]).then(
    ([r, list, since]) => {
      const compared = comparedRange(r);
      const nothingBefore = compared !== null && since !== null && coverage(compared, since) === 'none';
      const series = toSeries(r, metricIndex, localHour(new Date(), view.ctx.site.timezone));
      if (nothingBefore) series.comparison = null;
      const span = resolvedSpan(r, view.span);
      const csv = h('button', { type: 'button', class: 'btn btn-ghost', 'aria-label': t('sv.csv.label', { name }) }, t('sv.csv'));
      csv.onclick = () => {
        const header = [t('sv.chart.time'), name, ...(series.comparison ? [t('sv.chart.time'), t('sv.chart.then')] : [])];
        const rows = series.labels.map((label, i) => [label, series.values[i] ?? null, ...(series.comparison ? [series.comparisonLabels[i] ?? '', series.comparison[i] ?? null] : [])]);
        downloadCsv(csvFileName(view.ctx.site.domain, `timeseries-${metric}`, span.from, span.to, view.state.filters), toCsv(header, rows));
      };
      replace(tools, intervalSwitch(view, series.interval, daysBetween(span.from, span.to)), csv);
      replace(host);
      replace(table, hiddenTable(series, metric, t('sv.chart.table', { metric: name, interval: t(`sv.interval.${series.interval}` as Key) })));
      // uPlot measures its host: draw after this frame's layout.
      requestAnimationFrame(() => {
        if (host.isConnected) plot(view, host, series, metric, name, list);
      });
      replace(notes, renderAnnotationForm(view, list, span));
    },
    (error) => replace(host, panelError(error)),
  );
  return card;
}
