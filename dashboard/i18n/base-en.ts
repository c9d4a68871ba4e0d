/**
 * The English strings every page may show (the frame, messages, the site view): the chunk the
 * dashboard loads at start. The other pages' strings come with their code (pages-en.ts).
 */
import { common } from './common.en.ts';
import { compareChart } from './compare-chart.en.ts';
import { filters } from './filters.en.ts';
import { goalFilter } from './goal-filter.en.ts';
import { funnelsLink } from './funnels.en.ts';
import { imports } from './imports.en.ts';
import { kpisVisits } from './kpis-visits.en.ts';
import { locations } from './locations.en.ts';
import { phone } from './phone.en.ts';
import { polish } from './polish.en.ts';
import { realtime } from './realtime.en.ts';
import { siteExtras } from './site-extras.en.ts';
import { siteViewRange } from './site-view-range.en.ts';
import { siteView } from './site-view.en.ts';

export const strings = { ...common, ...siteView, ...compareChart, ...filters, ...funnelsLink, ...goalFilter, ...imports, ...kpisVisits, ...locations, ...phone, ...polish, ...realtime, ...siteExtras, ...siteViewRange };
