/**
 * A breakdown as a table: the value (a button that filters the view by it) with a bar behind
 * it proportional to visitors, visitors, and the tab's second metric. Also its CSV form,
 * so the export holds exactly what the table shows.
 * @module
 */
import type { StatsResult } from '../lib/api.ts';
import { h } from '../lib/dom.ts';
import { type Key } from '../i18n/index.ts';
import { hasKey, t } from '../lib/i18n.ts';
import { errorText } from '../lib/ui.ts';
import { flagImage } from './flags.ts';
import { dimensionLabel, formatMetric, regionNames, valueLabel } from './format.ts';
import type { TabDef } from '../../server/core/dashboard-api/view-queries/panels.ts';

export const secondLabel = (tab: TabDef) => t(`sv.col.${tab.second}` as Key);

/**
 * A column heading with the shorter word a phone shows where the full one does not fit
 * ("Views" for "Pageviews"); screen readers read the full one.
 */
export function columnHeading(metric: string, text: string): Node | string {
  const key = `sv.col.short.${metric}`;
  if (!hasKey(key)) return text;
  return h('span', null, h('span', { class: 'sv-col-long' }, text), h('span', { class: 'sv-col-short', 'aria-hidden': 'true' }, t(key)));
}

export interface Row {
  /** What a click filters by: a country's or region's code, a city's name. */
  value: string;
  /** As the reader sees it. */
  label: string;
  /** The country whose flag goes before it, if the row has one. */
  country: string | null;
}

/** A result row of a tab as the table shows it (a region's name, a city's country). */
export function rowOf(tab: TabDef, dimensions: string[]): Row {
  const asked = tab.dimensions ?? [tab.dimension];
  const at = (dimension: string) => (asked.includes(dimension) ? (dimensions[asked.indexOf(dimension)] ?? '') : null);
  const value = at(tab.dimension) ?? '';
  const label = valueLabel(tab.shown ?? tab.dimension, (tab.shown && at(tab.shown)) || value);
  return { value, label, country: at('visit:country') ?? (tab.dimension === 'visit:region' ? value.slice(0, 2) : null) };
}

/** The CSV beside the name: the code of a country or region (ISO 3166), a city's country. */
export function rowsCsv(tab: TabDef, result: StatsResult): { header: string[]; rows: Array<Array<string | number | null>> } {
  const coded = tab.dimension === 'visit:country' || tab.dimension === 'visit:region';
  const inCountry = !coded && (tab.dimensions ?? []).includes('visit:country');
  const header = [dimensionLabel(tab.dimension), ...(coded ? ['ISO'] : []), ...(inCountry ? [dimensionLabel('visit:country')] : []), t('sv.col.visitors'), secondLabel(tab)];
  const rows = result.results.map((r) => {
    const row = rowOf(tab, r.dimensions);
    return [row.label, ...(coded ? [row.value] : []), ...(inCountry ? [valueLabel('visit:country', row.country ?? '')] : []), r.metrics[0] ?? null, r.metrics[1] ?? null];
  });
  return { header, rows };
}

export interface RowsOptions {
  /** A click on a value: filter the view by it (`dimensions`: the whole row's). Absent: values are plain text. */
  onPick?: (value: string, dimensions: string[]) => void;
  /** Clickable column headers (the Details dialog sorts by them). */
  sortHeader?: (column: 'value' | 'visitors' | 'second') => HTMLElement | null;
}

export function rowsTable(tab: TabDef, result: StatsResult, options: RowsOptions = {}): HTMLTableElement {
  const max = Math.max(1, ...result.results.map((r) => r.metrics[0] ?? 0));
  const th = (column: 'value' | 'visitors' | 'second', text: string, cls = '') =>
    h('th', { scope: 'col', class: cls || null }, options.sortHeader?.(column) ?? columnHeading(column === 'second' ? tab.second : column, text));
  return h(
    'table',
    { class: 'table sv-rows' },
    h('thead', null, h('tr', null, th('value', dimensionLabel(tab.dimension)), th('visitors', t('sv.col.visitors'), 'num'), th('second', secondLabel(tab), 'num'))),
    h(
      'tbody',
      null,
      result.results.map((r) => {
        const { value, label, country } = rowOf(tab, r.dimensions);
        // A region filter's chip names the region read here, not its code.
        if (tab.dimension === 'visit:region') regionNames.set(value, label);
        const shown = country === null ? label : [flagImage(country), label];
        const bar = h('span', { class: 'sv-bar', 'aria-hidden': 'true' });
        bar.style.width = `${(((r.metrics[0] ?? 0) / max) * 100).toFixed(1)}%`;
        const name = options.onPick
          ? h('button', { type: 'button', class: 'sv-pick', title: t('sv.row.filter', { value: label }), onclick: () => options.onPick!(value, r.dimensions) }, shown)
          : h('span', { class: 'sv-pick' }, shown);
        // Raw numbers ride along as data attributes: tests compare them with the Stats API.
        return h(
          'tr',
          { 'data-value': value, 'data-visitors': r.metrics[0] ?? '', 'data-second': r.metrics[1] ?? '' },
          h('td', { class: 'sv-name' }, bar, name),
          h('td', { class: 'num' }, formatMetric('visitors', r.metrics[0] ?? null)),
          h('td', { class: 'num muted' }, formatMetric(tab.second, r.metrics[1] ?? null)),
        );
      }),
    ),
  );
}

export function skeleton(lines = 6): HTMLElement {
  return h(
    'div',
    { class: 'sv-skeleton', 'aria-busy': 'true', 'aria-label': t('sv.loading') },
    Array.from({ length: lines }, () => h('span', { class: 'sv-skeleton-line' })),
  );
}

export function panelError(error: unknown): HTMLElement {
  return h('p', { class: 'sv-error', role: 'alert' }, t('sv.panel.error', { message: errorText(error) }));
}
