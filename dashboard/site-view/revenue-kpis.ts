/**
 * Total and average revenue in the KPI row, beside the conversion rate, when the view filters
 * by a revenue goal (an event goal with a currency): the Stats API's `total_revenue` and
 * `average_revenue` over the KPI row's query, in the goal's currency, with their change
 * against the comparison as the other figures. Loaded, with its strings, with the goal
 * filter's chunk (stale-goals.ts), so the cold load stays within its budget; its question is
 * asked while the view draws, in the same batch as the others. The view's functions it needs
 * are passed in, so this chunk shares no module with the view's (each shared one would be a
 * chunk of its own in the cold load).
 * @module
 */
import { revenueKpis as en } from '../i18n/revenue-kpis.en.ts';
import { revenueKpis as nb } from '../i18n/revenue-kpis.nb.ts';
import type { StatsQuery, StatsResult } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { addStrings, formatNumber, t } from '../lib/i18n.ts';
import type { Change } from './format.ts';
import type { QueryBase } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { type GoalKind, REVENUE_METRICS, filtersRevenueGoal, revenueFormat, revenueQuery } from './revenue-query.ts';
import type { View } from './view.ts';

addStrings({ en, nb });

export interface RevenueTools {
  ask: (q: StatsQuery) => Promise<StatsResult>;
  kpiQuery: (base: QueryBase) => StatsQuery;
  describeChange: (metric: string, change: number | null) => Change | null;
}

/** Plausible's revenue value; null when no revenue goal matches or the goals' currencies differ. */
interface Revenue {
  value: number;
  currency: string;
}

const ARROWS = { up: '↑', down: '↓', flat: '→' } as const;

/** The amount as the cell prints it (revenueFormat), or exactly (the cell's title, the comparison's). */
const formatRevenue = (revenue: Revenue | null, exact = false) =>
  revenue ? formatNumber(revenue.value, exact ? { style: 'currency', currency: revenue.currency } : revenueFormat(revenue.value, revenue.currency)) : '–';

/**
 * Whether the row shows changes, once its own figures are in: kpis.ts then writes the
 * comparison's note, whose coverage `none` means the site was not tracked then (no changes).
 */
function rowChanges(row: HTMLElement): Promise<boolean> {
  const settled = () => !row.querySelector('.sv-kpi-value.sv-skeleton-text:not([data-revenue])');
  const shows = () => {
    const note = row.querySelector<HTMLElement>('.sv-compare-note');
    return !!note && note.dataset.coverage !== 'none';
  };
  if (settled()) return Promise.resolve(shows());
  return new Promise((resolve) => {
    const watch = new MutationObserver(() => {
      if (!settled()) return;
      watch.disconnect();
      resolve(shows());
    });
    watch.observe(row, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
  });
}

function fill(cell: { metric: string; value: HTMLElement; change: HTMLElement }, i: number, result: StatsResult, changes: boolean, tools: RevenueTools): void {
  const first = result.results[0];
  const revenue = (first?.metrics[i] ?? null) as unknown as Revenue | null;
  cell.value.classList.remove('sv-skeleton-text');
  cell.value.textContent = formatRevenue(revenue);
  cell.value.title = revenue ? formatRevenue(revenue, true) : '';
  cell.value.dataset.value = String(revenue?.value ?? '');
  const comparison = first?.comparison;
  if (!comparison || !changes) return;
  const before = t('sv.kpi.before', { value: formatRevenue((comparison.metrics[i] ?? null) as unknown as Revenue | null) });
  const change = tools.describeChange(cell.metric, comparison.change[i] ?? null);
  if (!change) return void replace(cell.change, h('span', { class: 'muted' }, before));
  cell.change.dataset.change = String(comparison.change[i]);
  cell.change.classList.add(change.good === null ? 'flat' : change.good ? 'good' : 'bad');
  replace(cell.change, `${ARROWS[change.direction]} `, change.text, h('span', { class: 'sr-only' }, ` (${before})`));
  cell.change.title = before;
}

/** Revenue the API left out for its currency (`revenue_in_other_currencies`), said under the row. */
function otherCurrencies(result: StatsResult): HTMLElement | null {
  const warnings = result.meta.metric_warnings as Record<string, { other_currencies?: Array<{ currency: string; amount: number }> }> | undefined;
  const other = warnings?.total_revenue?.other_currencies;
  if (!other?.length) return null;
  const amounts = other.map((o) => formatRevenue({ value: o.amount, currency: o.currency }, true)).join(', ');
  const note = h('p', { class: 'hint sv-revenue-note' }, t('sv.kpi.revenueOther', { amounts }));
  // Set here: the page's stylesheet stays within its budget.
  Object.assign(note.style, { gridColumn: '1 / -1', margin: '0' });
  return note;
}

/** Appends the two cells to the KPI row drawn in `content` (kpis.ts) when the view filters by a revenue goal. */
export function revenueKpis(view: View, content: HTMLElement, goals: GoalKind[], tools: RevenueTools): void {
  const row = content.querySelector<HTMLElement>('.sv-kpis');
  if (!row || !filtersRevenueGoal(view.state.filters, goals)) return;
  const answer = tools.ask(revenueQuery(tools.kpiQuery(view.base)));
  const cells = REVENUE_METRICS.map((metric) => {
    const value = h('span', { class: 'sv-kpi-value sv-skeleton-text', 'data-revenue': '' }, '\u00a0');
    const change = h('span', { class: 'sv-kpi-change' });
    const cell = h('div', { class: 'sv-kpi sv-kpi-plain', 'data-metric': metric }, h('span', { class: 'sv-kpi-label' }, t(`sv.kpi.${metric}`)), value, change);
    return { metric, cell, value, change };
  });
  const count = row.children.length;
  row.classList.replace(`sv-kpis-${count}`, `sv-kpis-${count + cells.length}`);
  row.append(...cells.map((c) => c.cell));
  Promise.all([answer, rowChanges(row)]).then(
    ([result, changes]) => {
      cells.forEach((c, i) => fill(c, i, result, changes, tools));
      const note = otherCurrencies(result);
      if (note) row.append(note);
    },
    () =>
      cells.forEach((c) => {
        c.value.classList.remove('sv-skeleton-text');
        c.value.textContent = '–';
      }),
  );
}
