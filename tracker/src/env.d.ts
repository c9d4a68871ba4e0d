/**
 * Compile-time switches, replaced by literals through esbuild's `define` (tracker/build.mjs)
 * so the minifier drops the code a script file does not carry.
 *
 * `*_ON`: the file name asked for the option (`script.hash.js`), so it is on whatever the
 * tag says. `EXTRAS_CODE`: the file carries the extensions that do not fit the core's
 * budget (outbound links, file downloads, tagged events, pageview props); each is on when
 * the file name names it or the script tag has its attribute.
 */
declare const HASH_ON: boolean;
declare const MANUAL_ON: boolean;
declare const LOCAL_ON: boolean;
declare const EXTRAS_CODE: boolean;
declare const OUTBOUND_ON: boolean;
declare const DOWNLOADS_ON: boolean;
declare const TAGGED_ON: boolean;

/** Browser APIs newer than TypeScript's DOM library. */
interface Navigator {
  /** Global Privacy Control (https://privacycg.github.io/gpc-spec/). */
  globalPrivacyControl?: boolean;
}
interface Document {
  /** True while the page is prerendered by speculation rules, before the visitor goes there. */
  prerendering?: boolean;
}
