/** The bokmål strings of the pages besides the site view: the same keys as pages-en.ts. */
import type { strings as English } from './pages-en.ts';
import { admin } from './admin.nb.ts';
import { forms } from './forms.nb.ts';
import { goals } from './goals.nb.ts';
import { funnels } from './funnels.nb.ts';
import { funnelsEdit } from './funnels-edit.nb.ts';
import { staleGoal } from './stale-goal.nb.ts';
import { revenueKpis } from './revenue-kpis.nb.ts';
import { emptySite } from './empty-site.nb.ts';
import { settingsDanger } from './settings-danger.nb.ts';
import { settingsImport } from './settings-import.nb.ts';
import { settingsImportsList } from './settings-imports-list.nb.ts';
import { importNotes } from './import-notes.nb.ts';
import { settingsAlerts } from './settings-alerts.nb.ts';
import { settingsGoals } from './settings-goals.nb.ts';
import { settingsReports } from './settings-reports.nb.ts';
import { settingsLocation } from './settings-location.nb.ts';
import { sharedLinks } from './shared-links.nb.ts';
import { wordpress } from './wordpress.nb.ts';
import { twoFactor } from './two-factor.nb.ts';

export const strings: Record<keyof typeof English, string> = { ...emptySite, ...admin, ...forms, ...funnels, ...funnelsEdit, ...goals, ...settingsDanger, ...settingsImport, ...settingsImportsList, ...importNotes, ...settingsGoals, ...settingsAlerts, ...settingsReports, ...settingsLocation, ...sharedLinks, ...staleGoal, ...revenueKpis, ...twoFactor, ...wordpress };
