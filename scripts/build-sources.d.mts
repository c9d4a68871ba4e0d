/** The folders `npm run build` builds from (build-sources.mjs). */
export declare const BUILD_SOURCES: string[];
