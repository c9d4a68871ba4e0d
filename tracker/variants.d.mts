/** Types of tracker/variants.mjs, for the TypeScript servers and tests that import it. */
export declare const FILE_EXTENSIONS: readonly string[];
export interface Flags {
  HASH_ON: boolean;
  MANUAL_ON: boolean;
  LOCAL_ON: boolean;
  EXTRAS_CODE: boolean;
  OUTBOUND_ON: boolean;
  DOWNLOADS_ON: boolean;
  TAGGED_ON: boolean;
}
export declare function flagsFor(extensions: readonly string[]): Flags;
export declare function scriptFiles(): Array<{ file: string; extensions: string[] }>;
export declare function canonicalScriptPath(path: string): string | null;
