/**
 * "Details" (its code loads on the first open; details.ts opens it): the whole list of a tab
 * in a <dialog>, with a search box (a `contains` filter on the tab's dimension; on countries,
 * the site's countries narrowed by the name shown or the code), sorting by any column, paging
 * through the Stats API's pagination and total_rows, and the CSV of the full list. The
 * dialog, its search, sort and page live in the URL: opening pushes a history entry (Back
 * closes it), changes replace it, and a reload reopens the same list. One Escape closes it,
 * search text or not, as Plausible's does.
 * @module
 */
import { keepChoices } from '../lib/address-choices.ts';
import { h, replace } from '../lib/dom.ts';
import { formatNumber, locale, t } from '../lib/i18n.ts';
import { cachedQuery } from './cache.ts';
import type { StatsResult } from '../lib/api.ts';
import { type DetailsColumn, type DetailsState, DEFAULT_SORT, countryPage, parseDetails, withDetails } from './details-state.ts';
import { dimensionLabel } from './format.ts';
import { exportRows, pickRow } from './panel.ts';
import type { TabDef } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { breakdownQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { ALL_COUNTRIES } from './suggest.ts';
import { columnHeading, panelError, rowsTable, secondLabel, skeleton } from './rows.ts';
import type { View } from './view.ts';

const PAGE = 50;
/** Rows in the full-list CSV: the API's page bound. */
const ALL = 10_000;

/**
 * Shows the list; `restore` reads its search, sort and page from the URL instead of starting
 * afresh; `release` tells details.ts it is closed.
 */
export function showDetails(view: View, panel: string, title: string, part: string, tab: TabDef, restore: boolean, release: () => void): void {
  const state: DetailsState = (restore ? parseDetails(location.search) : null) ?? { panel, search: '', sort: DEFAULT_SORT, page: 1 };
  const address = (s: DetailsState | null) => {
    return keepChoices(view.ctx.basePath, withDetails(location.search, s));
  };
  // An entry of its own only when opened here: Back then closes the dialog, not the page.
  const pushed = !restore;
  if (pushed) history.pushState(null, '', address(state));
  const remember = () => history.replaceState(null, '', address(state));
  /** Why the dialog closed decides what happens to its history entry. */
  let closing: 'dismiss' | 'pick' | 'dispose' = 'dismiss';
  /** Closes for a reason other than the reader's dismissal; synchronous, so a draw right after may open it again. */
  const end = (reason: 'pick' | 'dispose') => {
    closing = reason;
    release();
    window.removeEventListener('popstate', onHistory);
    if (dialog.open) dialog.close();
  };
  // Back (or any history step) to a URL without this list closes it, whatever the view redraws.
  const onHistory = () => {
    if (parseDetails(location.search)?.panel !== panel) end('dispose');
  };
  window.addEventListener('popstate', onHistory);
  const orderBy = (): [string, 'asc' | 'desc'] => [state.sort[0] === 'value' ? (tab.shown ?? tab.dimension) : state.sort[0] === 'visitors' ? 'visitors' : tab.second, state.sort[1]];

  const body = h('div', { class: 'sv-details-body' });
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn', disabled: true }, t('sv.details.prev'));
  const next = h('button', { type: 'button', class: 'btn', disabled: true }, t('sv.details.next'));
  // Focus starts in the search box, as in Plausible: type to narrow, Escape to close.
  const input = h('input', { class: 'input', type: 'search', autofocus: true, 'aria-label': t('sv.details.search'), placeholder: t('sv.details.search') });
  input.value = state.search;
  const csv = h('button', { type: 'button', class: 'btn btn-ghost', 'aria-label': t('sv.csv.label', { name: title }) }, t('sv.csv'));
  const close = h('button', { type: 'button', class: 'btn btn-ghost' }, t('sv.details.close'));
  const dialog = h(
    'dialog',
    { class: 'dialog sv-details', 'aria-labelledby': 'sv-details-title' },
    h('header', { class: 'sv-dialog-head' }, h('h2', { id: 'sv-details-title' }, title), close),
    input,
    body,
    h('footer', { class: 'sv-dialog-foot' }, status, h('span', { class: 'sv-pager' }, prev, next, csv)),
  );

  const header = (column: DetailsColumn): HTMLElement => {
    const text = column === 'value' ? dimensionLabel(tab.dimension) : column === 'visitors' ? t('sv.col.visitors') : secondLabel(tab);
    const active = state.sort[0] === column;
    return h(
      'button',
      {
        type: 'button',
        class: 'sv-sort',
        'aria-label': t('sv.details.sort', { column: text }),
        'data-sort': active ? (state.sort[1] === 'asc' ? 'ascending' : 'descending') : null,
        onclick: () => {
          state.sort = [column, active && state.sort[1] === 'desc' ? 'asc' : 'desc'];
          state.page = 1;
          load();
        },
      },
      column === 'value' ? text : columnHeading(column === 'second' ? tab.second : column, text),
      active ? (state.sort[1] === 'asc' ? ' ▲' : ' ▼') : '',
    );
  };

  /** Rows from `offset`: the API pages and searches, except a country search (by shown name), done over every country of the site. */
  const fetchRows = (offset: number, limit: number): Promise<StatsResult> => {
    if (tab.dimension !== 'visit:country' || !state.search) {
      return cachedQuery(breakdownQuery(view.base, tab, { limit, offset, search: state.search || undefined, orderBy: orderBy() }));
    }
    return cachedQuery(breakdownQuery(view.base, tab, { limit: ALL_COUNTRIES, orderBy: orderBy() })).then((r) => countryPage(r, state.search, locale(), offset, limit));
  };

  const load = () => {
    remember();
    replace(body, skeleton(10));
    const offset = (state.page - 1) * PAGE;
    fetchRows(offset, PAGE).then(
      (r) => {
        const total = r.meta.total_rows ?? r.results.length;
        if (r.results.length === 0 && state.page > 1) {
          // A shared link's page past the end (the data changed): show the first.
          state.page = 1;
          return load();
        }
        const table = rowsTable(tab, r, {
          onPick: (value, dimensions) => {
            end('pick');
            pickRow(view, tab)(value, dimensions);
          },
          sortHeader: header,
        });
        // aria-sort belongs to the column header, not to the button inside it.
        const sorted = table.querySelector<HTMLElement>('.sv-sort[data-sort]');
        sorted?.parentElement?.setAttribute('aria-sort', sorted.dataset.sort!);
        replace(body, table);
        status.textContent = total ? t('sv.details.range', { from: formatNumber(offset + 1), to: formatNumber(offset + r.results.length), total: formatNumber(total) }) : t('sv.panel.empty');
        prev.disabled = state.page === 1;
        next.disabled = offset + PAGE >= total;
      },
      (error) => replace(body, panelError(error)),
    );
  };

  let typing: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.search = input.value.trim();
      state.page = 1;
      load();
    }, 250);
  });
  // Before the search box's own Escape (which would only clear it): one press closes.
  dialog.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      dialog.close();
    },
    true,
  );
  prev.onclick = () => {
    state.page = Math.max(1, state.page - 1);
    load();
  };
  next.onclick = () => {
    state.page += 1;
    load();
  };
  csv.onclick = () => {
    fetchRows(0, ALL).then(
      (r) => exportRows(view, part, tab, r),
      (error) => replace(body, panelError(error)),
    );
  };
  close.onclick = () => dialog.close();
  dialog.addEventListener('close', () => {
    clearTimeout(typing);
    dialog.remove();
    release();
    window.removeEventListener('popstate', onHistory);
    if (closing !== 'dismiss') return;
    if (pushed) history.back();
    else history.replaceState(null, '', address(null));
  });
  view.onDispose(() => end('dispose'));
  document.body.appendChild(dialog);
  dialog.showModal();
  load();
}
