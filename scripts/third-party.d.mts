/** Types of scripts/third-party.mjs, for the tests of the third-party licences. */
import type { Metafile } from 'esbuild';
/** `THIRD-PARTY-LICENSES.txt`, at the root of the public output. */
export declare const LICENCES_FILE: string;
/** The directory of the package a file belongs to, or undefined for the project's own files. */
export declare function packageDirOf(file: string): string | undefined;
/** The packages (absolute directories) whose files esbuild put into a bundle. */
export declare function packagesIn(meta: Metafile, workingDir?: string): string[];
/** The packages in the Worker's bundle, resolved as wrangler resolves them for workerd. */
export declare function workerPackages(): Promise<string[]>;
export interface PackageLicence {
  name: string;
  version: string;
  license: string;
  files: Array<{ file: string; text: string }>;
}
/** A package's name, version, licence and licence files; rejects when it has no licence file. */
export declare function licenceOf(dir: string): Promise<PackageLicence>;
/** The text of THIRD-PARTY-LICENSES.txt for these packages' directories. */
export declare function licencesText(dirs: string[]): Promise<string>;
/** Writes `<outDir>/THIRD-PARTY-LICENSES.txt` for these packages and the Worker's; returns every directory it covers. */
export declare function writeLicences(outDir: string, dirs: string[]): Promise<string[]>;
