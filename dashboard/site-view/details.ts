/**
 * Opening "Details" (details-dialog.ts, whose code loads on the first open, outside the
 * page's size budget; its styles come with the page, as a chunk's CSS would not load by
 * itself): on a click, and whenever the URL asks for it.
 * @module
 */
import { parseDetails } from './details-state.ts';
import type { TabDef } from '../../server/core/dashboard-api/view-queries/panels.ts';
import type { View } from './view.ts';

/** The open dialog's token: one Details at a time, and a closed one's late event must not clear a newer one's. */
let shown: object | null = null;

/** Opens the list; `restore` reads its search, sort and page from the URL instead of starting afresh. */
export function openDetails(view: View, panel: string, title: string, part: string, tab: TabDef, restore = false): void {
  const token = {};
  shown = token;
  const release = () => {
    if (shown === token) shown = null;
  };
  let live = true;
  view.onDispose(() => {
    live = false;
    release();
  });
  import('./details-dialog.ts').then((m) => (live ? m.showDetails(view, panel, title, part, tab, restore, release) : undefined), release);
}

/**
 * Opens the panel's Details whenever the URL asks for it: as the card is drawn (a reload, a
 * shared link) and on Forward to it, even when the view does not draw its cards again then.
 */
export function followDetails(view: View, panel: string, open: () => void): void {
  const sync = () => {
    if (parseDetails(location.search)?.panel === panel && shown === null) open();
  };
  sync();
  window.addEventListener('popstate', sync);
  view.onDispose(() => window.removeEventListener('popstate', sync));
}
