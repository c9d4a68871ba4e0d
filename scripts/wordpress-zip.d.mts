/** Types of scripts/wordpress-zip.mjs, for the tests that build the plugin zip. */
export declare const WORDPRESS_SOURCE: string;
export declare const WORDPRESS_ZIP_PATH: string;
export declare function zipFolder(sourceDir: string, top?: string): Uint8Array;
export declare function buildWordPressZip(options?: { sourceDir?: string; outDir?: string; poToMo?: string; quiet?: boolean }): string | null;
