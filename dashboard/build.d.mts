/** Types of dashboard/build.mjs, for the tests that build the dashboard. */
export declare const DASHBOARD_BUDGET: number;
export declare const MAP_FILE: string;
export interface DashboardFile {
  file: string;
  bytes: number;
  gzipped: number;
  /** `initial`: fetched by every cold load; `language`: one of these per load; `on demand`: when first needed (the map). */
  load: 'initial' | 'language' | 'on demand';
}
export interface DashboardBuild {
  files: DashboardFile[];
  /** Gzipped bytes of a cold load: the initial files and the larger language. */
  initial: number;
  /** Gzipped bytes of every JavaScript and CSS file. */
  total: number;
  budget: number;
}
export declare function buildDashboard(options: { outDir: string; quiet?: boolean }): Promise<DashboardBuild>;
/** Cache-Control of `/flags/*` (Cloudflare's `_headers`; server/node/static.ts sends the same). */
export declare const FLAGS_CACHE_CONTROL: string;
/** Copies the countries' flags and their licence into `<outDir>/flags`; returns the flags' file names. */
export declare function copyFlags(outDir: string): Promise<string[]>;
export declare const ICONS: {
  svg: string;
  ico: string;
  appleTouch: string;
  manifest: Array<{ src: string; sizes: string; type: string; purpose: string }>;
};
/** Copies the icons and writes manifest.webmanifest into `outDir` (buildDashboard does it too). */
export declare function buildIcons(outDir: string): Promise<void>;
