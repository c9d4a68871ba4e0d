/**
 * One breakdown card: title, tabs (role=tablist, arrow keys move between them), the top
 * rows, and "Details" and CSV buttons. The card fires its query as it is drawn, so all
 * cards of a draw ask the server in the same round.
 * @module
 */
import type { StatsResult } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { cachedQuery } from './cache.ts';
import { csvFileName, downloadCsv, toCsv } from './csv-download.ts';
import { followDetails, openDetails } from './details.ts';
import { type PanelDef, type TabDef, TOP_ROWS } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { panelLimit, panelTab } from '../../server/core/dashboard-api/view-queries/first-draw.ts';
import { importsPanelHint } from './imports-slot.ts';
import { breakdownQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { panelError, rowOf, rowsCsv, rowsTable, skeleton } from './rows.ts';
import { scrollCue } from './scroll-cue.ts';
import { withFilter } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { View } from './view.ts';

/** The days a result covers, as the server resolved them (`all` included). */
export function resolvedSpan(result: StatsResult, fallback: { from: string; to: string }): { from: string; to: string } {
  const range = result.query.date_range;
  if (Array.isArray(range) && typeof range[0] === 'string' && typeof range[1] === 'string') {
    return { from: range[0].slice(0, 10), to: range[1].slice(0, 10) };
  }
  return fallback;
}

export function exportRows(view: View, part: string, tab: TabDef, result: StatsResult): void {
  const { header, rows } = rowsCsv(tab, result);
  const { from, to } = resolvedSpan(result, view.span);
  downloadCsv(csvFileName(view.ctx.site.domain, part, from, to, view.state.filters), toCsv(header, rows));
}

export function tablist(view: View, panel: PanelDef, current: string, label: string): HTMLElement | null {
  if (panel.tabs.length < 2) return null;
  const select = (id: string) => view.go({ ...view.state, tabs: { ...view.state.tabs, [panel.id]: id } }, `tab:${panel.id}:${id}`);
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('sv.tabs', { panel: label }) });
  const ids = panel.tabs.map((tab) => tab.id);
  for (const tab of panel.tabs) {
    const selected = tab.id === current;
    list.appendChild(
      h(
        'button',
        {
          type: 'button',
          class: 'tab',
          role: 'tab',
          id: `sv-tab-${panel.id}-${tab.id}`,
          'data-key': `tab:${panel.id}:${tab.id}`,
          'aria-selected': String(selected),
          'aria-controls': `sv-body-${panel.id}`,
          tabindex: selected ? 0 : -1,
          onclick: () => select(tab.id),
          onkeydown: ((event: KeyboardEvent) => {
            const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
            if (!step) return;
            event.preventDefault();
            select(ids[(ids.indexOf(tab.id) + step + ids.length) % ids.length]!);
          }) as EventListener,
        },
        t(tab.label),
      ),
    );
  }
  return scrollCue(list);
}

/** What a click on a row does: filter the view by its value; a city by its country too (a name is not unique: Bergen, NO and NL). */
export function pickRow(view: View, tab: TabDef): (value: string, dimensions: string[]) => void {
  return (value, dimensions) => {
    const country = tab.dimension === 'visit:city_name' ? rowOf(tab, dimensions).country : null;
    if (!country || country === '(not set)') return view.filterBy({ op: 'is', dimension: tab.dimension, values: [value] });
    const next = withFilter(withFilter(view.state, { op: 'is', dimension: 'visit:country', values: [country] }), { op: 'is', dimension: tab.dimension, values: [value] });
    view.go(next, `chip:${next.filters.length - 1}`);
  };
}

/** The first rows of a result as a table whose values filter the view, or "nothing" when there are none. */
export function topRows(view: View, tab: TabDef, result: Promise<StatsResult>, onPick = pickRow(view, tab)): HTMLElement {
  const body = h('div', null, skeleton());
  result.then(
    (r) => replace(body, r.results.length ? rowsTable(tab, { ...r, results: r.results.slice(0, TOP_ROWS) }, { onPick }) : h('p', { class: 'muted sv-empty' }, t(tab.emptyHint ?? 'sv.panel.empty'))),
    (error) => replace(body, panelError(error)),
  );
  return body;
}

export interface PanelParts {
  /** Replaces the rows (the locations panel's map and country table). */
  body?: (view: View, tab: TabDef, result: Promise<StatsResult>) => Node;
  /** Above the rows (the search words' note, the UTM tag picker, the property picker). */
  extra?: (view: View, tab: TabDef, result: Promise<StatsResult>) => Node | null;
  /** Rows the tab shows, and so exports (default TOP_ROWS; the map shows every country). */
  rowsShown?: (tab: TabDef) => number;
  /** Said instead of the rows, without asking the server, when the site does not store what the tab shows. */
  unavailable?: (view: View, tab: TabDef) => Node | null;
}

const NO_ROWS: StatsResult = { results: [], meta: {}, query: {} };

export function renderPanel(view: View, panel: PanelDef, parts: PanelParts = {}): HTMLElement {
  // The tab and the rows asked, as the server's early start has them (first-draw.ts).
  const tab = panelTab(panel, view.state);
  const title = t(panel.title);
  const unavailable = parts.unavailable?.(view, tab) ?? null;
  const result = unavailable ? Promise.resolve(NO_ROWS) : cachedQuery(breakdownQuery(view.base, tab, { limit: panelLimit(panel) }));
  const tabbed = panel.tabs.length > 1;
  const body = h('div', { class: 'sv-panel-body', id: `sv-body-${panel.id}`, role: tabbed ? 'tabpanel' : null, 'aria-labelledby': tabbed ? `sv-tab-${panel.id}-${tab.id}` : null });
  const part = tab.id === panel.id ? panel.id : `${panel.id}-${tab.dimension.split(':').pop()}`;
  const csv = h('button', { type: 'button', class: 'btn btn-ghost', disabled: true, 'aria-label': t('sv.csv.label', { name: title }) }, t('sv.csv'));
  const details = h('button', { type: 'button', class: 'btn btn-ghost', disabled: true, 'aria-haspopup': 'dialog', 'data-key': `details:${panel.id}` }, t('sv.details'));

  replace(body, unavailable ?? (parts.body ? parts.body(view, tab, result) : topRows(view, tab, result)));
  const shown = parts.rowsShown?.(tab) ?? TOP_ROWS;
  result.then((r) => {
    csv.disabled = r.results.length === 0;
    details.disabled = r.results.length === 0;
    csv.onclick = () => exportRows(view, part, tab, { ...r, results: r.results.slice(0, shown) });
    details.onclick = () => openDetails(view, panel.id, `${title}: ${t(tab.label)}`, part, tab);
  }, () => {});
  followDetails(view, panel.id, () => openDetails(view, panel.id, `${title}: ${t(tab.label)}`, part, tab, true));

  return h(
    'section',
    { class: 'card sv-panel', 'aria-labelledby': `sv-title-${panel.id}`, 'data-panel': panel.id },
    h('header', { class: 'sv-panel-head' }, h('h2', { id: `sv-title-${panel.id}` }, title), tablist(view, panel, tab.id, title)),
    parts.extra?.(view, tab, result) ?? null,
    importsPanelHint(view, result),
    body,
    h('footer', { class: 'sv-panel-foot' }, details, csv),
  );
}
