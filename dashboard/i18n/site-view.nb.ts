/** Bokmål strings of the site-view area: the same keys as site-view.en.ts. */
import type { siteView as English } from './site-view.en.ts';

export const siteView: Record<keyof typeof English, string> = {
};
