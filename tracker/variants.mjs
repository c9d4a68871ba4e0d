// @ts-check
/**
 * The tracker's file names: which files exist, what each one carries, and how a Plausible
 * name in any order maps to the file that exists. Plain JavaScript because both
 * tracker/build.mjs (run by node, no TypeScript loader) and the servers import it.
 * @module
 */

/**
 * Extension names written as real files, in every combination, in sorted order (the order
 * Plausible's docs and snippet generator use). `exclusions` changes nothing in Teller
 * (`data-exclude` works in every file) but is a name sites use, so its files exist too.
 */
export const FILE_EXTENSIONS = /** @type {const} */ ([
  'exclusions',
  'file-downloads',
  'hash',
  'local',
  'manual',
  'outbound-links',
  'pageview-props',
  'tagged-events',
]);

/** The three the SPEC names; their combinations also exist in every order. */
const ANY_ORDER = ['file-downloads', 'hash', 'outbound-links'];

/**
 * Plausible names that change nothing here, dropped when normalising: revenue classes
 * are always read by tagged events, `compat` is for Internet Explorer, `pageleave` is
 * Plausible's engagement events, which Teller's tracker does not send.
 */
const NO_OP = new Set(['compat', 'revenue', 'pageleave']);

/**
 * Teller's own name for a file that carries the extras without switching any on, for
 * sites that choose them by attribute (`data-outbound-links`, ...).
 */
const EXTRAS = 'extras';
/** The names that make a file carry the extras' code. */
const EXTRAS_NAMES = ['outbound-links', 'file-downloads', 'tagged-events', 'pageview-props', EXTRAS];
/** Names that only switch on options of the core; `extras` combines with these. */
const CORE_NAMES = ['exclusions', 'hash', 'local', 'manual'];

/** Where the files live (relative to the public directory) and under which base names. */
const LOCATIONS = [
  { dir: '', base: 'script' },
  { dir: 'js/', base: 'script' },
  { dir: 'js/', base: 'plausible' },
];

/**
 * @typedef {{
 *   HASH_ON: boolean, MANUAL_ON: boolean, LOCAL_ON: boolean, EXTRAS_CODE: boolean,
 *   OUTBOUND_ON: boolean, DOWNLOADS_ON: boolean, TAGGED_ON: boolean,
 * }} Flags
 * The compile-time switches of tracker/src/env.d.ts.
 */

/**
 * What a file named with these extensions carries.
 * @param {readonly string[]} extensions
 * @returns {Flags}
 */
export function flagsFor(extensions) {
  const has = (/** @type {string} */ name) => extensions.includes(name);
  return {
    HASH_ON: has('hash'),
    MANUAL_ON: has('manual'),
    LOCAL_ON: has('local'),
    EXTRAS_CODE: EXTRAS_NAMES.some(has),
    OUTBOUND_ON: has('outbound-links'),
    DOWNLOADS_ON: has('file-downloads'),
    TAGGED_ON: has('tagged-events'),
  };
}

/** @param {readonly string[]} items @returns {string[][]} every subset, items kept in order */
function subsets(items) {
  return items.reduce((acc, item) => acc.concat(acc.map((s) => [...s, item])), /** @type {string[][]} */ ([[]]));
}

/** @param {readonly string[]} items @returns {string[][]} */
function permutations(items) {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [item, ...p]));
}

/**
 * Every script file the build writes, as a path relative to the public directory, with
 * the extensions its name lists.
 * @returns {Array<{ file: string, extensions: string[] }>}
 */
export function scriptFiles() {
  const names = new Map();
  const add = (/** @type {string[]} */ extensions) => names.set(extensions.join('.'), extensions);
  for (const s of subsets(FILE_EXTENSIONS)) add(s);
  for (const s of subsets(ANY_ORDER)) for (const p of permutations(s)) add(p);
  for (const s of subsets(CORE_NAMES)) add([...s, EXTRAS].sort());
  const files = [];
  for (const { dir, base } of LOCATIONS) {
    for (const [joined, extensions] of names) {
      files.push({ file: `${dir}${base}${joined ? `.${joined}` : ''}.js`, extensions });
    }
  }
  return files;
}

const KNOWN = new Set([...FILE_EXTENSIONS, EXTRAS]);

/**
 * The file that serves a script path written in an order or with names that have no
 * file of their own (`/js/script.outbound-links.tagged-events.hash.js`,
 * `/js/analytics.compat.js`): extensions sorted, no-ops dropped. Null when the path is
 * not a tracker script name or names an extension Teller does not know.
 * @param {string} path URL path, e.g. `/js/script.hash.js`
 * @returns {string | null}
 */
export function canonicalScriptPath(path) {
  const match = /^\/(js\/)?(script|plausible|analytics)((?:\.[a-z-]+)*)\.js$/.exec(path);
  if (!match) return null;
  const [, dir = '', base = '', rest = ''] = match;
  const extensions = [...new Set(rest.split('.').slice(1))].filter((name) => !NO_OP.has(name)).sort();
  if (!extensions.every((name) => KNOWN.has(name))) return null;
  // Next to a name that brings the extras anyway, `extras` adds nothing and has no file.
  const named = extensions.some((name) => name !== EXTRAS && EXTRAS_NAMES.includes(name))
    ? extensions.filter((name) => name !== EXTRAS)
    : extensions;
  const keptBase = dir && base === 'plausible' ? 'plausible' : 'script';
  return `/${dir}${keptBase}${named.map((name) => `.${name}`).join('')}.js`;
}
