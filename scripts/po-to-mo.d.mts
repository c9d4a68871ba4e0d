/** Types of scripts/po-to-mo.mjs, for the build and the tests of the plugin's translations. */
export interface PoEntry {
  context: string | null;
  id: string;
  plural: string | null;
  strings: string[];
  fuzzy: boolean;
}
/** The entries of a .po file, the header (msgid "") included. */
export declare function parsePo(text: string): PoEntry[];
/** The .mo bytes for a .po file's text (untranslated and fuzzy entries left out). */
export declare function poToMo(text: string): Uint8Array;
/** Compiles every .po in the given files or folders to a .mo beside it; returns the .mo files written. */
export declare function compileLanguages(paths: string[]): string[];
