/**
 * What every part of the site view is drawn from: the context main.ts gave, the state read
 * from the URL, the resolved days, and the two ways to change the view.
 * @module
 */
import type { QueryBase } from '../../server/core/dashboard-api/view-queries/queries.ts';
import type { Filter, ViewState } from '../../server/core/dashboard-api/view-queries/state.ts';

export interface SiteViewContext {
  /** `location_precision`: what the site stores of a visit's location (SiteRef; absent: region). */
  site: { domain: string; timezone: string; location_precision?: string };
  /** Domains the user may read, for the site picker (just this one for a shared link). */
  sites: string[];
  mode: 'owner' | 'viewer' | 'shared';
  /** Whether the recent-visits log may be shown (always for owner/viewer; the link's setting when shared). */
  showVisits: boolean;
  /** `/sites/<domain>` or `/share/<token>`: the view's state lives in this path's query string. */
  basePath: string;
}

export interface View {
  ctx: SiteViewContext;
  state: ViewState;
  /** Today in the site's timezone. */
  today: string;
  /** The days shown (for `all`, from the site's first day once known). */
  span: { from: string; to: string };
  base: QueryBase;
  /**
   * Pushes the new state to the URL and redraws: only the cards whose tab changed when
   * nothing else did, else the whole view. Focus then goes to the element of `data-key`
   * focusKey, else stays on the same key. `state` is then the new state: read it at each
   * click, not when drawing.
   */
  go(next: ViewState, focusKey?: string): void;
  /** Draws again from the same URL (after a write such as an annotation). */
  redraw(): void;
  /** Adds an `is` filter (a click on a row, a country, a tab value). */
  filterBy(filter: Filter): void;
  /** Runs when the view is redrawn or disposed (timers, observers, open dialogs). */
  onDispose(cleanup: () => void): void;
}
