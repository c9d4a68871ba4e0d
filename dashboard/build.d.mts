/** Types of dashboard/build.mjs, for the tests that build the dashboard. */
export declare const DASHBOARD_BUDGET: number;
export declare const MAP_FILE: string;
export interface DashboardFile {
  file: string;
  bytes: number;
  gzipped: number;
  /**
   * `initial`: fetched by every cold load (the entry, what it imports, app.css); `language`:
   * one of these per load; `page`: a page's code, fetched with the route that shows it;
   * `on demand`: when first needed (the map, the dialogs, the ZIP writer).
   */
  load: 'initial' | 'language' | 'page' | 'on demand';
}
/** One page the entry loads when its route is first drawn. */
export interface DashboardRoute {
  /** The page's module (`dashboard/site-view/index.ts`). */
  page: string;
  /** Its chunk and the chunks that chunk imports, beyond the initial files. */
  files: string[];
  /** Gzipped bytes of a cold load of the page: the initial files, its files and the larger language. */
  cold: number;
}
export interface DashboardBuild {
  files: DashboardFile[];
  /** Gzipped bytes of the initial files, which every page loads. */
  initial: number;
  /** Every page, heaviest cold load first. */
  routes: DashboardRoute[];
  /** The page with the heaviest cold load, which the budget bounds. */
  heaviest: DashboardRoute;
  /** Gzipped bytes of every JavaScript and CSS file. */
  total: number;
  budget: number;
  /** Directories of the third-party packages in the bundle or copied (world-atlas, flag-icons), for their licences. */
  packages: string[];
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
