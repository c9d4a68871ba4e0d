/** The bokmål catalogue: the same keys as en.ts, checked by the type and by test/dashboard/i18n.test.ts. */
import type { Key } from './index.ts';
import { admin } from './admin.nb.ts';
import { common } from './common.nb.ts';
import { kpisVisits } from './kpis-visits.nb.ts';
import { siteView } from './site-view.nb.ts';

export const catalogue: Record<Key, string> = { ...common, ...admin, ...siteView, ...kpisVisits };
