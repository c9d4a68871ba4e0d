/**
 * What every logged-in page is given: who is looking, the sites they may read, and a way
 * to redraw after a change that alters the frame (logging out, removing a site).
 * @module
 */
import type { Role, SiteSummary } from '../../server/core/dashboard-api/contract.ts';

export interface AppContext {
  user: { email: string; role: Role };
  /** The sites the user may read, fresh from the server. */
  loadSites(): Promise<SiteSummary[]>;
}

/** A drawn page; called before the next one is drawn, to stop its timers. */
export type Dispose = () => void;
