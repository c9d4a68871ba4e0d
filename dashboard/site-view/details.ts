/**
 * "Details": the whole list of a tab in a <dialog>, with a search box (a `contains` filter
 * on the tab's dimension), sorting by any column, paging through the Stats API's
 * pagination and total_rows, and the CSV of the full list.
 * @module
 */
import { h, replace } from '../lib/dom.ts';
import { formatNumber, t } from '../lib/i18n.ts';
import { cachedQuery } from './cache.ts';
import { dimensionLabel } from './format.ts';
import { exportRows } from './panel.ts';
import type { TabDef } from './panels.ts';
import { breakdownQuery } from './queries.ts';
import { columnHeading, panelError, rowsTable, secondLabel, skeleton } from './rows.ts';
import type { View } from './view.ts';

const PAGE = 50;
/** Rows in the full-list CSV: the API's page bound. */
const ALL = 10_000;

type Column = 'value' | 'visitors' | 'second';

export function openDetails(view: View, title: string, part: string, tab: TabDef): void {
  let search = '';
  let offset = 0;
  let sort: [Column, 'asc' | 'desc'] = ['visitors', 'desc'];
  const orderBy = (): [string, 'asc' | 'desc'] => [sort[0] === 'value' ? tab.dimension : sort[0] === 'visitors' ? 'visitors' : tab.second, sort[1]];

  const body = h('div', { class: 'sv-details-body' });
  const status = h('p', { class: 'muted', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn', disabled: true }, t('sv.details.prev'));
  const next = h('button', { type: 'button', class: 'btn', disabled: true }, t('sv.details.next'));
  const input = h('input', { class: 'input', type: 'search', 'aria-label': t('sv.details.search'), placeholder: t('sv.details.search') });
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

  const header = (column: Column): HTMLElement => {
    const text = column === 'value' ? dimensionLabel(tab.dimension) : column === 'visitors' ? t('sv.col.visitors') : secondLabel(tab);
    const active = sort[0] === column;
    return h(
      'button',
      {
        type: 'button',
        class: 'sv-sort',
        'aria-label': t('sv.details.sort', { column: text }),
        'aria-sort': active ? (sort[1] === 'asc' ? 'ascending' : 'descending') : null,
        onclick: () => {
          sort = [column, active && sort[1] === 'desc' ? 'asc' : 'desc'];
          offset = 0;
          load();
        },
      },
      column === 'value' ? text : columnHeading(column === 'second' ? tab.second : column, text),
      active ? (sort[1] === 'asc' ? ' ▲' : ' ▼') : '',
    );
  };

  const load = () => {
    replace(body, skeleton(10));
    const q = breakdownQuery(view.base, tab, { limit: PAGE, offset, search: search || undefined, orderBy: orderBy() });
    cachedQuery(q).then(
      (r) => {
        const total = r.meta.total_rows ?? r.results.length;
        replace(
          body,
          rowsTable(tab, r, {
            onPick: (value) => {
              dialog.close();
              view.filterBy({ op: 'is', dimension: tab.dimension, values: [value] });
            },
            sortHeader: header,
          }),
        );
        status.textContent = total ? t('sv.details.range', { from: formatNumber(offset + 1), to: formatNumber(offset + r.results.length), total: formatNumber(total) }) : t('sv.panel.empty');
        prev.disabled = offset === 0;
        next.disabled = offset + PAGE >= total;
      },
      (error) => replace(body, panelError(error)),
    );
  };

  let typing: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      search = input.value.trim();
      offset = 0;
      load();
    }, 250);
  });
  prev.onclick = () => {
    offset = Math.max(0, offset - PAGE);
    load();
  };
  next.onclick = () => {
    offset += PAGE;
    load();
  };
  csv.onclick = () => {
    cachedQuery(breakdownQuery(view.base, tab, { limit: ALL, search: search || undefined, orderBy: orderBy() })).then(
      (r) => exportRows(view, part, tab, r),
      (error) => replace(body, panelError(error)),
    );
  };
  close.onclick = () => dialog.close();
  dialog.addEventListener('close', () => {
    clearTimeout(typing);
    dialog.remove();
  });
  view.onDispose(() => dialog.open && dialog.close());
  document.body.appendChild(dialog);
  dialog.showModal();
  load();
}
