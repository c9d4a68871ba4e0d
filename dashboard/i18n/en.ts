/** The English catalogue, merged from one file per area of the dashboard. */
import { admin } from './admin.en.ts';
import { common } from './common.en.ts';
import { forms } from './forms.en.ts';
import { siteExtras } from './site-extras.en.ts';
import { siteView } from './site-view.en.ts';

export const catalogue = { ...common, ...admin, ...siteView, ...forms, ...siteExtras };
