/** The English catalogue, merged from one file per area of the dashboard. */
import { admin } from './admin.en.ts';
import { common } from './common.en.ts';
import { kpisVisits } from './kpis-visits.en.ts';
import { siteView } from './site-view.en.ts';

export const catalogue = { ...common, ...admin, ...siteView, ...kpisVisits };
