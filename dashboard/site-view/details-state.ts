/**
 * The open Details dialog in the URL, beside the view's own state: `details=<panel>`, and its
 * search (`details.q`), sort (`details.sort=<column>:<asc|desc>`) and page (`details.page`,
 * from 1). A reload or a shared link reopens the same list; the view's serialiser leaves
 * these out, so any change of the view closes the dialog.
 * @module
 */
import { countries, matchCountries } from '../../server/core/dashboard-api/view-queries/countries.ts';
import type { StatsResult } from '../lib/api.ts';

export const DETAILS_COLUMNS = ['value', 'visitors', 'second'] as const;
export type DetailsColumn = (typeof DETAILS_COLUMNS)[number];
export type DetailsSort = [DetailsColumn, 'asc' | 'desc'];

export interface DetailsState {
  panel: string;
  search: string;
  sort: DetailsSort;
  page: number;
}

export const DEFAULT_SORT: DetailsSort = ['visitors', 'desc'];
const PARAMS = ['details', 'details.q', 'details.sort', 'details.page'];

export function parseDetails(search: string | URLSearchParams): DetailsState | null {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const panel = params.get('details');
  if (!panel || !/^[a-z_]+$/.test(panel)) return null;
  const [column, direction] = (params.get('details.sort') ?? '').split(':');
  const sort: DetailsSort =
    (DETAILS_COLUMNS as readonly string[]).includes(column ?? '') && (direction === 'asc' || direction === 'desc') ? [column as DetailsColumn, direction] : DEFAULT_SORT;
  const page = Number(params.get('details.page'));
  return { panel, search: params.get('details.q') ?? '', sort, page: Number.isSafeInteger(page) && page > 1 ? page : 1 };
}

/** `search` (a query string) with the dialog's parameters set to `state`, or removed for null; defaults are left out. */
export function withDetails(search: string, state: DetailsState | null): string {
  const params = new URLSearchParams(search);
  for (const name of PARAMS) params.delete(name);
  if (state) {
    params.set('details', state.panel);
    if (state.search) params.set('details.q', state.search);
    if (state.sort[0] !== DEFAULT_SORT[0] || state.sort[1] !== DEFAULT_SORT[1]) params.set('details.sort', state.sort.join(':'));
    if (state.page > 1) params.set('details.page', String(state.page));
  }
  return params.toString();
}

/**
 * A page of a country search: the site's countries (every one, in one answer) narrowed to
 * those whose shown or English name or code matches, counted again. Done here, not by the
 * API, which knows codes and English names only, and takes no more than 50 values in all.
 */
export function countryPage(result: StatsResult, search: string, lang: string, offset: number, limit: number): StatsResult {
  const codes = new Set(matchCountries(search, countries(lang)).map((c) => c.code));
  const rows = result.results.filter((r) => codes.has(r.dimensions[0] ?? ''));
  return { ...result, results: rows.slice(offset, offset + limit), meta: { ...result.meta, total_rows: rows.length } };
}
