/** The English catalogue, merged from one file per area of the dashboard. */
import { admin } from './admin.en.ts';
import { common } from './common.en.ts';
import { compareChart } from './compare-chart.en.ts';
import { filters } from './filters.en.ts';
import { forms } from './forms.en.ts';
import { kpisVisits } from './kpis-visits.en.ts';
import { phone } from './phone.en.ts';
import { polish } from './polish.en.ts';
import { realtime } from './realtime.en.ts';
import { settingsDanger } from './settings-danger.en.ts';
import { sharedLinks } from './shared-links.en.ts';
import { siteExtras } from './site-extras.en.ts';
import { siteViewRange } from './site-view-range.en.ts';
import { siteView } from './site-view.en.ts';

export const catalogue = { ...common, ...admin, ...siteView, ...compareChart, ...filters, ...forms, ...kpisVisits, ...phone, ...polish, ...realtime, ...settingsDanger, ...sharedLinks, ...siteExtras, ...siteViewRange };
