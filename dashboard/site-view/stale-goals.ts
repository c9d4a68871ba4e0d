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
import type { ViewState } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { View } from './view.ts';

export { splitStaleGoals } from './stale-goal-filter.ts';
// The goal filter's other lazy part, loaded in the same request.
export { revenueKpis } from './revenue-kpis.ts';

addStrings({ en, nb });


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
