/**
 * What the whole view's export holds (export.ts): every tab of every panel, named by file.
 * Pure, so the e2e test can list the same files and send the same queries.
 * @module
 */
import { type LocationPrecision, PANELS, type TabDef, UTM_DIMENSIONS, activeTab, stores } from '../../server/core/dashboard-api/view-queries/panels.ts';
import type { Filter } from '../../server/core/dashboard-api/view-queries/state.ts';

/** The Stats API's most rows per query: a panel's whole list for any but the largest sites. */
export const EXPORT_ROWS = 10_000;

/**
 * Each tab the view would show, by the name of its file: `sources-channels`, `sources-utm_campaign`, …;
 * regions and cities only when the site stores them (`stored`).
 */
export function exportTabs(filters: Filter[], stored: LocationPrecision = 'region'): Array<{ name: string; tab: TabDef }> {
  const tabs: Array<{ name: string; tab: TabDef }> = [];
  for (const panel of PANELS) {
    for (const def of panel.tabs) {
      // The map and the countries tab are the same rows.
      if (def.id === 'map' || !stores(stored, def)) continue;
      if (panel.id === 'sources' && def.id === 'utm') {
        for (const dimension of UTM_DIMENSIONS) tabs.push({ name: `${panel.id}-${dimension.slice(6)}`, tab: { ...def, dimension } });
        continue;
      }
      tabs.push({ name: `${panel.id}-${def.id}`, tab: activeTab(panel, def.id, filters) });
    }
  }
  return tabs;
}
