/** The bokmål catalogue: the same keys as en.ts, checked by the type and by test/dashboard/i18n.test.ts. */
import type { Key } from './index.ts';
import { admin } from './admin.nb.ts';
import { common } from './common.nb.ts';
import { compareChart } from './compare-chart.nb.ts';
import { filters } from './filters.nb.ts';
import { forms } from './forms.nb.ts';
import { kpisVisits } from './kpis-visits.nb.ts';
import { phone } from './phone.nb.ts';
import { polish } from './polish.nb.ts';
import { realtime } from './realtime.nb.ts';
import { settingsDanger } from './settings-danger.nb.ts';
import { sharedLinks } from './shared-links.nb.ts';
import { siteExtras } from './site-extras.nb.ts';
import { siteViewRange } from './site-view-range.nb.ts';
import { siteView } from './site-view.nb.ts';

export const catalogue: Record<Key, string> = { ...common, ...admin, ...siteView, ...compareChart, ...filters, ...forms, ...kpisVisits, ...phone, ...polish, ...realtime, ...settingsDanger, ...sharedLinks, ...siteExtras, ...siteViewRange };
