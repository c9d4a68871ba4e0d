/**
 * The Goals panel: per goal the visitors who converted, the conversions, the conversion
 * rate and, when a goal has a currency, the revenue (Stats API `event:goal`); a click on a
 * goal filters the whole view by it. Without goals it says what a goal is and, for the
 * owner, adds one in one click from the custom events the site sends. Loaded after the rest
 * of the view (index.ts draws its card), with its strings, outside the page's size budget.
 * @module
 */
import type { GoalSuggestion } from '../../server/core/dashboard-api/goal-suggestions.ts';
import type { GoalInfo } from '../../server/core/http/dashboard-goals.ts';
import { goals as en } from '../i18n/goals.en.ts';
import { goals as nb } from '../i18n/goals.nb.ts';
import { type StatsResult, get, post, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { addStrings, formatNumber, t } from '../lib/i18n.ts';
import { link } from '../lib/router.ts';
import { settingsHref } from '../lib/route.ts';
import { cachedQuery, clearCache } from './cache.ts';
import { csvFileName, downloadCsv, toCsv } from './csv-download.ts';
import { formatMetric } from './format.ts';
import { resolvedSpan } from './panel.ts';
import { panelError, skeleton } from './rows.ts';
import { goalsQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import type { View } from './view.ts';

addStrings({ en, nb });

export const GOAL_DIMENSION = 'event:goal';

interface GoalList {
  goals: GoalInfo[];
  suggestions: GoalSuggestion[];
}

/** Plausible's revenue value: `{ value, currency, short, long }`, or null for a goal without one. */
interface Revenue {
  value: number;
  currency: string;
}

/** Revenue left out of a goal's sum: sent in another currency than the goal's. */
interface OtherRevenue {
  currency: string;
  amount: number;
}

const COUNTS = ['visitors', 'events', 'conversion_rate'];

/** Whether a goal can have revenue: then the panel asks for it too (a second question, for these sites only). */
export const hasRevenue = (goals: GoalInfo[]) => goals.some((g) => g.kind === 'event' && g.currency);

type Cell = number | Revenue | null;

/**
 * The rows shown: the API's (most conversions first), then, unless the view filters by goals
 * (whose rows are the filtered ones only), the goals without a conversion in the period.
 */
export function goalRows(result: StatsResult, goals: GoalInfo[], filtered: boolean, revenue: Map<string, Cell> | null): Array<{ name: string; metrics: Cell[] }> {
  const rows = result.results.map((r) => ({ name: r.dimensions[0] ?? '', metrics: r.metrics as Cell[] }));
  const seen = new Set(rows.map((r) => r.name));
  const idle = filtered ? [] : goals.filter((g) => !seen.has(g.displayName)).map((g) => ({ name: g.displayName, metrics: COUNTS.map(() => 0) as Cell[] }));
  const all = [...rows, ...idle];
  return revenue ? all.map((r) => ({ ...r, metrics: [...r.metrics, revenue.get(r.name) ?? null] })) : all;
}

function cellText(metric: string, value: Cell): string {
  if (value !== null && typeof value === 'object') return formatNumber(value.value, { style: 'currency', currency: value.currency });
  return formatMetric(metric, value);
}

/** Column widths (set here: the panel's code comes after the page's stylesheet, which stays within its budget). */
const WIDTH: Record<string, string> = { visitors: '5rem', events: '4.5rem', conversion_rate: '4.5rem', total_revenue: '6.5rem' };
const PHONE_WIDTH: Record<string, string> = { visitors: '3.75rem', conversion_rate: '3.75rem', total_revenue: '5rem' };

const onPhone = () => matchMedia('(max-width: 40rem)').matches;

/** A phone has room for the name beside three numbers at most: the total conversions stay in the CSV. */
const shownMetrics = (metrics: string[]) => (onPhone() ? metrics.filter((m) => m !== 'events') : metrics);

function table(view: View, metrics: string[], rows: Row[]): HTMLTableElement {
  const max = Math.max(1, ...rows.map((r) => Number(r.metrics[0]) || 0));
  const shown = shownMetrics(metrics);
  const heading = (m: string) => {
    const th = h('th', { scope: 'col', class: 'num' }, t(`sv.goals.col.${m}` as 'sv.goals.col.visitors'));
    th.style.width = (onPhone() ? PHONE_WIDTH : WIDTH)[m] ?? '';
    return th;
  };
  return h(
    'table',
    { class: 'table sv-rows', title: t('sv.goals.cols') },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('sv.dim.event:goal')), shown.map(heading))),
    h(
      'tbody',
      null,
      rows.map((row) => {
        const bar = h('span', { class: 'sv-bar', 'aria-hidden': 'true' });
        bar.style.width = `${(((Number(row.metrics[0]) || 0) / max) * 100).toFixed(1)}%`;
        const pick = () => view.filterBy({ op: 'is', dimension: GOAL_DIMENSION, values: [row.name] });
        return h(
          'tr',
          { 'data-value': row.name, 'data-visitors': Number(row.metrics[0]) || 0 },
          h('td', { class: 'sv-name' }, bar, h('button', { type: 'button', class: 'sv-pick', title: t('sv.row.filter', { value: row.name }), onclick: pick }, row.name)),
          shown.map((m) => h('td', { class: m === 'visitors' ? 'num' : 'num muted', 'data-metric': m }, cellText(m, row.metrics[metrics.indexOf(m)] ?? null))),
        );
      }),
    ),
  );
}

/** Revenue the API left out for its currency (`revenue_in_other_currencies`), said under the rows. */
function otherCurrencies(result: StatsResult): HTMLElement | null {
  const warnings = result.meta.metric_warnings as Record<string, { other_currencies?: OtherRevenue[] }> | undefined;
  const other = warnings?.total_revenue?.other_currencies;
  if (!other?.length) return null;
  const amounts = other.map((o) => formatNumber(o.amount, { style: 'currency', currency: o.currency })).join(', ');
  const note = h('p', { class: 'hint' }, t('sv.goals.otherCurrencies', { amounts }));
  note.style.marginTop = '.5rem';
  return note;
}

/** No goals: what one is, and for the owner one click per custom event the site sends. */
function emptyState(view: View, list: GoalList): HTMLElement {
  const owner = view.ctx.mode === 'owner';
  const sent = list.suggestions.filter((s) => s.sent);
  const add = (name: string) => {
    const button = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('sv.goals.add', { name }) }, `+ ${name}`);
    button.onclick = async () => {
      button.disabled = true;
      try {
        await post(sitePath(view.ctx.site.domain, '/goals'), { kind: 'event', eventName: name });
        // The view's answers so far were given without this goal.
        clearCache();
        view.redraw();
      } catch (error) {
        button.disabled = false;
        button.after(panelError(error));
      }
    };
    return button;
  };
  return h(
    'div',
    { class: 'sv-empty stack-s' },
    h('p', null, h('strong', null, t('sv.goals.empty.title'))),
    h('p', { class: 'muted' }, t('sv.goals.empty.body')),
    owner ? h('p', null, t(sent.length ? 'sv.goals.empty.events' : 'sv.goals.empty.noEvents')) : h('p', { class: 'muted' }, t('sv.goals.empty.viewer')),
    owner && sent.length ? h('p', null, sent.flatMap((s) => [add(s.eventName), ' '])) : null,
    owner ? h('p', null, link(`${settingsHref(view.ctx.site.domain)}#goals`, {}, t('sv.goals.empty.settings'))) : null,
  );
}

type Row = { name: string; metrics: Cell[] };

/** The panel's rows as the view's Stats API answers give them, and their metrics; revenue only for a goal list that can have it. */
async function answeredRows(view: View, list: GoalList, counts: Promise<StatsResult>): Promise<{ result: StatsResult; metrics: string[]; rows: Row[]; money: StatsResult | null }> {
  const revenue = hasRevenue(list.goals) ? cachedQuery(goalsQuery(view.base, ['visitors', 'total_revenue'])) : null;
  const [result, money] = await Promise.all([counts, revenue]);
  const metrics = money ? [...COUNTS, 'total_revenue'] : COUNTS;
  const byName = money ? new Map(money.results.map((r) => [r.dimensions[0] ?? '', r.metrics[1] as Cell])) : null;
  const filtered = view.state.filters.some((f) => f.dimension === GOAL_DIMENSION);
  return { result, metrics, rows: goalRows(result, list.goals, filtered, byName), money };
}

/** The CSV of the rows: every metric (the total conversions too), revenue as amount and currency. */
function rowsCsv(metrics: string[], rows: Row[]): string {
  const header = [t('sv.dim.event:goal'), ...metrics.map((m) => t(`sv.goals.col.${m}` as 'sv.goals.col.visitors'))];
  return toCsv(header, rows.map((r) => [r.name, ...r.metrics.map((v) => (v !== null && typeof v === 'object' ? `${v.value} ${v.currency}` : v))]));
}

/** The whole view's export's goals.csv (export.ts): the panel's CSV, or null for a site without goals. */
export async function goalsCsv(view: View): Promise<string | null> {
  const list = await get<GoalList>(sitePath(view.ctx.site.domain, '/goals'));
  if (list.goals.length === 0) return null;
  const { metrics, rows } = await answeredRows(view, list, cachedQuery(goalsQuery(view.base)));
  return rowsCsv(metrics, rows);
}

/** Fills the card index.ts drew, from what it asked: the title, then the goals or the empty state. */
export function fillGoals(view: View, card: HTMLElement, listed: Promise<unknown>, counts: Promise<StatsResult>): void {
  const body = h('div', { class: 'sv-panel-body' }, skeleton(3));
  const csv = h('button', { type: 'button', class: 'btn btn-ghost', disabled: true, 'aria-label': t('sv.csv.label', { name: t('sv.panel.goals') }) }, t('sv.csv'));
  const head = h('header', { class: 'sv-panel-head' }, h('h2', { id: 'sv-title-goals' }, t('sv.panel.goals')));
  // Without goals the breakdown is not needed, nor its error.
  counts.catch(() => {});
  (listed as Promise<GoalList>)
    .then(async (list) => {
      if (list.goals.length === 0) return void replace(body, emptyState(view, list));
      const { result, metrics, rows, money } = await answeredRows(view, list, counts);
      replace(body, rows.length ? table(view, metrics, rows) : h('p', { class: 'muted sv-empty' }, t('sv.goals.none')), money ? otherCurrencies(money) : null);
      csv.disabled = rows.length === 0;
      csv.onclick = () => {
        const { from, to } = resolvedSpan(result, view.span);
        downloadCsv(csvFileName(view.ctx.site.domain, 'goals', from, to, view.state.filters), rowsCsv(metrics, rows));
      };
    })
    .catch((error: unknown) => replace(body, panelError(error)));
  card.setAttribute('aria-labelledby', 'sv-title-goals');
  replace(card, head, body, h('footer', { class: 'sv-panel-foot' }, csv));
}
