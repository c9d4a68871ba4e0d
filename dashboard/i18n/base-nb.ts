/** The bokmål strings every page may show: the same keys as base-en.ts. */
import type { strings as English } from './base-en.ts';
import { common } from './common.nb.ts';
import { compareChart } from './compare-chart.nb.ts';
import { filters } from './filters.nb.ts';
import { goalFilter } from './goal-filter.nb.ts';
import { funnelsLink } from './funnels.nb.ts';
import { imports } from './imports.nb.ts';
import { kpisVisits } from './kpis-visits.nb.ts';
import { locations } from './locations.nb.ts';
import { phone } from './phone.nb.ts';
import { polish } from './polish.nb.ts';
import { realtime } from './realtime.nb.ts';
import { siteExtras } from './site-extras.nb.ts';
import { siteViewRange } from './site-view-range.nb.ts';
import { siteView } from './site-view.nb.ts';

export const strings: Record<keyof typeof English, string> = { ...common, ...siteView, ...compareChart, ...filters, ...funnelsLink, ...goalFilter, ...imports, ...kpisVisits, ...locations, ...phone, ...polish, ...realtime, ...siteExtras, ...siteViewRange };
