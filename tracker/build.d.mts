/** Types of tracker/build.mjs, for scripts/build.mjs's callers and the tests. */
export declare const CORE_BUDGET: number;
export declare const VARIANT_BUDGET: number;
export interface ScriptSize {
  /** Path relative to outDir, `/` separated, e.g. `js/script.hash.js`. */
  file: string;
  /** Bytes as written (minified). */
  minified: number;
  /** Bytes after gzip at level 9. */
  gzipped: number;
  /** Gzipped bytes allowed for this file. */
  budget: number;
}
export declare function buildTracker(options: { outDir: string; quiet?: boolean }): Promise<ScriptSize[]>;
