/**
 * The English strings of the pages besides the site view (sign-in, sites, users, account,
 * settings, shared links): bundled with those pages' code (dashboard/lib/page-strings.ts),
 * so a cold load of the site view does not fetch them.
 */
import { admin } from './admin.en.ts';
import { forms } from './forms.en.ts';
import { goals } from './goals.en.ts';
import { funnels } from './funnels.en.ts';
import { funnelsEdit } from './funnels-edit.en.ts';
import { staleGoal } from './stale-goal.en.ts';
import { revenueKpis } from './revenue-kpis.en.ts';
import { emptySite } from './empty-site.en.ts';
import { settingsDanger } from './settings-danger.en.ts';
import { settingsImport } from './settings-import.en.ts';
import { settingsImportsList } from './settings-imports-list.en.ts';
import { importNotes } from './import-notes.en.ts';
import { settingsAlerts } from './settings-alerts.en.ts';
import { settingsGoals } from './settings-goals.en.ts';
import { settingsReports } from './settings-reports.en.ts';
import { settingsLocation } from './settings-location.en.ts';
import { sharedLinks } from './shared-links.en.ts';
import { wordpress } from './wordpress.en.ts';
import { twoFactor } from './two-factor.en.ts';

export const strings = { ...emptySite, ...admin, ...forms, ...funnels, ...funnelsEdit, ...goals, ...settingsDanger, ...settingsImport, ...settingsImportsList, ...importNotes, ...settingsGoals, ...settingsAlerts, ...settingsReports, ...settingsLocation, ...sharedLinks, ...staleGoal, ...revenueKpis, ...twoFactor, ...wordpress };
