/**
 * A goal filter naming a goal the site no longer has (renamed or deleted since the URL was
 * bookmarked or shared): the Stats API refuses such a filter, so every panel would show its
 * error. The view is drawn without those names instead, and their chip says the goal is gone
 * and removes it in one click (serialising the view as drawn drops it from the URL). Loaded,
 * with its strings, only for a view that filters by goal names (index.ts).
 * @module
 */
import { staleGoal as en } from '../i18n/stale-goal.en.ts';
import { staleGoal as nb } from '../i18n/stale-goal.nb.ts';
import { h } from '../lib/dom.ts';
import { addStrings, t } from '../lib/i18n.ts';
import type { Filter, ViewState } from './state.ts';
import type { View } from './view.ts';

addStrings({ en, nb });


/**
 * The filters the queries can take, and the goal names among them the site does not have. A
 * filter left with no name is dropped: `is` on no goal would match nothing the user meant, and
 * `is not` a missing goal excludes no one.
 */
export function splitStaleGoals(filters: Filter[], goalNames: string[]): { applied: Filter[]; stale: string[] } {
  // Exactly as the Stats API compares them (its filters are case-sensitive unless told otherwise).
  const known = new Set(goalNames);
  const stale: string[] = [];
  const applied: Filter[] = [];
  for (const filter of filters) {
    if (filter.dimension !== 'event:goal' || (filter.op !== 'is' && filter.op !== 'is_not')) {
      applied.push(filter);
      continue;
    }
    const values = filter.values.filter((v) => known.has(v));
    stale.push(...filter.values.filter((v) => !known.has(v)));
    if (values.length > 0) applied.push({ ...filter, values });
  }
  return { applied, stale };
}

/**
 * One chip per missing goal: says so, and × draws the view without it (a history entry, as
 * removing any filter). `serializeView` is passed in so that this chunk shares no module with the view's.
 */
export function staleGoalChips(view: View, stale: string[], serializeView: (state: ViewState) => string): HTMLElement[] {
  const remove = () => {
    const search = serializeView(view.state);
    history.pushState(null, '', search ? `${view.ctx.basePath}?${search}` : view.ctx.basePath);
    // The draw keeps focus on the element of the same key: the Filter button, since the chip goes.
    document.querySelector<HTMLElement>('[data-key="filter-add"]')?.focus();
    view.redraw();
  };
  return stale.map((name, i) =>
    h(
      'span',
      { class: 'chip sv-chip sv-chip-stale', role: 'note' },
      h('span', null, t('sv.goal.stale', { name })),
      h('button', { type: 'button', class: 'sv-chip-remove', 'aria-label': t('sv.goal.staleRemove', { name }), 'data-key': `stale-goal:${i}`, onclick: remove }, '×'),
    ),
  );
}
