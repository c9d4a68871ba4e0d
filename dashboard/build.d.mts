/** Types of dashboard/build.mjs, for the tests that build the dashboard. */
export declare const DASHBOARD_BUDGET: number;
export declare const MAP_FILE: string;
export interface DashboardFile {
  file: string;
  bytes: number;
  gzipped: number;
}
export declare function buildDashboard(options: { outDir: string; quiet?: boolean }): Promise<{ files: DashboardFile[]; gzipped: number; budget: number }>;
