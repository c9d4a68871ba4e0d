/**
 * The Teller tracker, served as /script.js and under Plausible's file names.
 *
 * It runs on other people's sites, so: no dependency, no global but `teller`/`plausible`,
 * nothing thrown into the page, no cookie or storage of its own (it only *reads* the
 * opt-out flag), and every byte counts — see tracker/ARCHITECTURE.md for the budget and
 * the wire format. Written for the minifier: short-circuit expressions instead of
 * branches where that saves bytes, and extensions guarded by compile-time constants
 * (tracker/src/env.d.ts) so that files without them carry none of their code.
 * @module
 */

interface EventOptions {
  props?: Record<string, unknown>;
  /** Called once the event was sent (`{status}`), failed (`{error}`) or was not sent (no argument). */
  callback?: (result?: { status?: number; error?: unknown }) => void;
  /** Page URL to report instead of location.href (manual mode: redacted URLs); may be relative. */
  u?: string;
  /** `false` marks a non-interactive event (it does not un-bounce the visit). */
  interactive?: boolean;
  revenue?: unknown;
}

type Track = ((name: string, options?: EventOptions) => void) & { q?: ArrayLike<unknown>[] };

declare global {
  interface Window {
    teller?: Track;
    plausible?: Track;
  }
}

const doc = document;
const nav = navigator;
const loc = location;
// Set while a classic script (defer, async or injected) runs its top level.
const script = doc.currentScript as HTMLScriptElement;
// Teller's attributes are `data-*`; Plausible's unprefixed ones (`file-types`,
// `event-*`) are read by the same helper so tags copied from Plausible keep working.
const get = (name: string) => script.getAttribute('data-' + name) ?? script.getAttribute(name);
const has = (name: string) => get(name) != null;

const endpoint = get('api') || new URL(script.src).origin + '/api/event';
const hash = HASH_ON || has('hash');
const allowTestBrowsers = LOCAL_ON || has('local');

/** `/a/*` matches one path segment, `/a/**` any depth; a trailing slash is optional. */
const globs = (name: string) =>
  get(name)
    ?.split(',')
    .map((glob) =>
      RegExp(
        '^' +
          glob
            .trim()
            .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
            .replace(/\*\*?/g, (stars) => (stars[1] ? '.*' : '[^/]*')) +
          '/?$',
      ),
    );
const excluded = globs('exclude');
const included = globs('include');

/** What makes a page a different page: the path, and in hash mode the fragment too. */
const pageKey = () => loc.pathname + (hash ? loc.hash : '');

function track(name: string, options: EventOptions = {}): void {
  const callback = options.callback;
  const path = pageKey();
  let optedOut: unknown;
  try {
    optedOut = localStorage.teller_ignore == 'true' || localStorage.plausible_ignore == 'true';
  } catch {
    // Storage blocked (sandboxed frame, strict settings): no flag can have been set.
  }
  if (
    // The visitor's choices come first and no attribute can override them.
    optedOut ||
    nav.doNotTrack == '1' ||
    nav.globalPrivacyControl ||
    // The owner's own machine and automated browsers, unless the tag asks for them.
    (!allowTestBrowsers &&
      (nav.webdriver || loc.protocol == 'file:' || /^(localhost|127(\.\d+){3}|\[::1\])$/.test(loc.hostname))) ||
    excluded?.some((re) => re.test(path)) ||
    (included && !included.some((re) => re.test(path)))
  ) {
    return callback?.();
  }
  let props = options.props;
  if (EXTRAS_CODE) {
    // Plausible's pageview-props: `event-author="Ann"` on the tag adds {author: "Ann"}.
    for (const attr of script.getAttributeNames())
      if (attr.startsWith('event-')) props = { [attr.slice(6)]: get(attr), ...props };
  }
  // A string body is sent as text/plain, which needs no CORS preflight; keepalive lets the
  // request outlive the page when the visitor is navigating away (outbound links).
  fetch(endpoint, {
    method: 'POST',
    keepalive: true,
    body: JSON.stringify({
      n: name,
      u: options.u ? new URL(options.u, loc.href).href : loc.href,
      d: get('domain') || undefined,
      r: doc.referrer || null,
      w: innerWidth,
      p: props,
      h: hash ? 1 : undefined,
      i: options.interactive,
      $: options.revenue,
      // Tells the collector that localhost, file: and headless browsers are the owner testing.
      l: allowTestBrowsers ? 1 : undefined,
    }),
  }).then(
    (response) => callback?.({ status: response.status }),
    (error: unknown) => callback?.({ error }),
  );
}

let lastPage: string | undefined;
/** One pageview per real change of page: replaceState to the same path sends nothing. */
function pageview(): void {
  if (pageKey() != lastPage) {
    lastPage = pageKey();
    track('pageview');
  }
}

// Calls made before this script ran were queued by the snippet's stub, under either name.
const queued = [...(window.teller?.q || []), ...(window.plausible?.q || [])];
window.teller = window.plausible = track;

function start(): void {
  if (!(MANUAL_ON || has('manual'))) {
    const history_ = history;
    for (const method of ['pushState', 'replaceState'] as const) {
      const original = history_[method];
      history_[method] = function (this: History, ...args: Parameters<History['pushState']>) {
        original.apply(this, args);
        pageview();
      };
    }
    addEventListener('popstate', pageview);
    if (hash) addEventListener('hashchange', pageview);
    // A page restored from the back/forward cache is a new view, though nothing changed in it.
    addEventListener('pageshow', (event) => {
      if (event.persisted) {
        lastPage = undefined;
        pageview();
      }
    });
    pageview();
  }
  for (const args of queued) track(...(args as unknown as [string, EventOptions]));
}

// A page the browser prerenders speculatively is only a view if the visitor goes there.
if (doc.prerendering) doc.addEventListener('prerenderingchange', start, { once: true });
else start();

if (EXTRAS_CODE) {
  const outbound = OUTBOUND_ON || has('outbound-links');
  const downloads = DOWNLOADS_ON || has('file-downloads');
  const tagged = TAGGED_ON || has('tagged-events');
  // Plausible's attributes: `file-types` replaces the list, `add-file-types` extends it
  // (when it is missing, "null" joins the list, which no real link ends with).
  const fileTypes = (
    (get('file-types') || 'pdf,xlsx,docx,txt,rtf,csv,exe,key,pps,ppt,pptx,7z,pkg,rar,gz,zip,avi,mov,mp4,mpeg,wmv,midi,mp3,wav,wma,dmg') +
    ',' +
    get('add-file-types')
  ).split(/\s*,\s*/);

  /**
   * Plausible's tagged events: classes `plausible-event-name=Signup`, `plausible-event-plan=pro`,
   * `plausible-revenue-amount=9.5` (`--` instead of `=` for CMSes that forbid it, `+` for a
   * space).
   */
  const sendTagged = (element: Element, url?: string) => {
    const found: Record<string, Record<string, string>> = { event: {}, revenue: {} };
    for (const cls of element.classList) {
      const [, kind = '', key = '', value = ''] =
        cls.replace(/\+/g, ' ').match(/^plausible-(event|revenue)-(.+?)(?:=|--)(.+)/) || [];
      if (kind) found[kind]![key] = value;
    }
    const { name, ...props } = found.event!;
    if (url) props.url = url;
    // The collector ignores a revenue without a valid amount and currency, `{}` included.
    if (name) track(name, { props, revenue: found.revenue });
    return name;
  };

  const onClick = (event: MouseEvent) => {
    // Middle-click opens the link in a new tab; right-click (also an auxclick) does not.
    if (event.type == 'auxclick' && event.button != 1) return;
    const target = event.target as Element;
    const link = target.closest?.('a');
    const taggedElement = tagged && target.closest?.('[class*=event-name]');
    // A tagged form is counted when it is submitted, not when something in it is clicked.
    if (taggedElement && taggedElement.tagName != 'FORM' && sendTagged(taggedElement, link?.href)) return;
    // mailto:, tel: and SVG links have no host.
    if (!link?.host) return;
    // Nothing here waits or calls preventDefault: track() uses keepalive, so the browser
    // navigates at once and still delivers the event. A link's query string and fragment
    // can carry tokens: they are not sent (and the collector drops them too).
    if (outbound && link.host != loc.host) track('Outbound Link: Click', { props: { url: link.origin + link.pathname } });
    else if (downloads && fileTypes.includes(link.pathname.split('.').pop()!.toLowerCase()))
      track('File Download', { props: { url: link.origin + link.pathname } });
  };
  doc.addEventListener('click', onClick);
  doc.addEventListener('auxclick', onClick);
  if (tagged) doc.addEventListener('submit', (event) => sendTagged(event.target as Element));
}

export {};
