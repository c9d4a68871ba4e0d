/** Teller's version, as package.json has it (test/core/version.test.ts keeps the two equal); core code cannot read package.json on Workers. */
export const TELLER_VERSION = '0.1.0';
