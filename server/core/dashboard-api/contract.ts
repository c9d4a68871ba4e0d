/**
 * The contract between the dashboard (browser, `dashboard/`) and the server (`server/core`):
 * page paths, cookie and header names, and the JSON shapes of the dashboard's own routes.
 * Aggregates are never here: the dashboard reads every number through the Stats API
 * (`POST /api/v2/query`, `GET /api/v1/stats/realtime/visitors`), as external clients do.
 *
 * Both sides import these types (the dashboard with `import type`, so nothing of the
 * server reaches the browser bundle).
 *
 * Pages (all answered with the same HTML shell, which loads /dashboard/app.js and
 * /dashboard/app.css and carries the session state (SESSION_META); the shell decides what
 * to draw from the path):
 *   /                          first run (create the owner), login, or the site list
 *   /sites/<domain>            the site view; view state in the query string (see ViewQuery)
 *   /sites/<domain>/settings   per-site settings (owner)
 *   /users                     users and their sites (owner)
 *   /share/<token>             a shared link's read-only site view
 *
 * Auth for the JSON routes and for the Stats API when called by the dashboard:
 *   - session cookie SESSION_COOKIE (HttpOnly, SameSite=Lax, Secure behind TLS);
 *   - or the shared link's token in header SHARE_HEADER (read-only, one site; the
 *     recent-visits log only when the link allows it).
 * A state-changing request (any method but GET/HEAD) authenticated by the cookie must be
 * same-origin: its Origin header (or, without one, Sec-Fetch-Site: same-origin) must
 * match the request's own origin; otherwise 403 { error }.
 * @module
 */
import type { RecentVisitAttributes } from '../store/schema.ts';

export const SESSION_COOKIE = 'teller_session';
export const SHARE_HEADER = 'x-teller-share';
/** The page's `<meta name>` holding its SessionState as JSON. */
export const SESSION_META = 'teller-session';
/**
 * The cookie a site view's page comes with: the key of the view's queries the server started
 * as it answered the page, sent back by the browser with the page's batch (its path is
 * POST /api/dashboard/queries' alone), for a few seconds. The page needs no code for it.
 */
export const EARLY_COOKIE = 'teller_early';

export type Role = 'owner' | 'viewer';

/** A site the session may read: enough to draw its view. */
export interface SiteRef {
  domain: string;
  timezone: string;
  /** How precisely the site stores visitors' location: which location tabs have data. */
  location_precision: 'country' | 'region' | 'city';
}

/**
 * What the shell should show: GET /api/dashboard/session, never 401. The page itself carries
 * the same state in `<meta name="teller-session" content="<JSON>">`, so a cold load goes
 * from its files straight to one round of queries.
 */
export type SessionState =
  | { state: 'setup' }
  | { state: 'login' }
  | { state: 'in'; user: { email: string; role: Role }; sites: SiteRef[] }
  /** The password was right; the login waits for a code (TOTP or recovery): POST /api/dashboard/login/code. */
  | { state: 'two-factor'; email: string }
  /** The owner requires two-factor login and this account has none yet: it enrols before anything else. */
  | { state: 'two-factor-enrol'; email: string }
  /** Only when the SHARE_HEADER names a live link (unlocked, when it has a password). */
  | { state: 'shared'; site: SiteRef; showVisits: boolean }
  /** The link has a password and this browser has not given it: POST /api/dashboard/share/unlock. */
  | { state: 'share-locked' }
  /** The link was revoked by the owner. */
  | { state: 'share-revoked' };

/**
 * POST /api/dashboard/setup   { email, password, password2, code }  -> 200 SessionState (in) + cookie;
 *                               400 { error } (mismatch, short password, bad e-mail); 403 { error: 'code: …' }
 *                               for a missing or wrong setup code (the page /setup?code=… fills it in);
 *                               429 + Retry-After after too many wrong codes; 409 once any user exists.
 * POST /api/dashboard/login   { email, password } -> 200 SessionState (in) + cookie (a new session id);
 *                               401 { error: 'wrong e-mail or password' } (same answer and time for an
 *                               unknown e-mail); 429 { error } + Retry-After when throttled.
 *                               With two-factor login on (or required by the owner and not yet set up), the
 *                               answer is SessionState 'two-factor' ('two-factor-enrol') and a pending-login
 *                               cookie instead of a session: see TwoFactorInfo.
 * POST /api/dashboard/logout  -> 200 { ok: true }, session (and any pending login) deleted, cookies cleared.
 * GET  /api/dashboard/account -> AccountInfo (a logged-in user).
 * POST /api/dashboard/account/password { current, password, password2 } -> { ok, sessionsEnded }:
 *                               every other session of the account ends; 400 'current: wrong password'.
 * POST /api/dashboard/account/sign-out-others -> { ok, sessionsEnded }.
 */
export interface AccountInfo {
  email: string;
  role: Role;
  /** Live sessions of this account besides the one asking. */
  otherSessions: number;
}

/**
 * Two-factor login (TOTP, RFC 6238: 30 s, 6 digits, SHA-1; server/core/auth/two-factor.ts):
 * POST /api/dashboard/login/code { code } (pending login) -> SessionState (in) + session cookie;
 *                               `code` is six digits or a recovery code; 401 { error: 'code: …' } when wrong
 *                               or already used, 401 'login: …' when the pending login has expired (log in
 *                               again); 429 + Retry-After when throttled (counted apart from passwords).
 * GET  /api/dashboard/account/two-factor -> TwoFactorInfo (a logged-in user).
 * POST /api/dashboard/account/two-factor/start -> TwoFactorEnrolment (session, or the pending 'enrol'
 *                               login); 409 when it is on already.
 * POST /api/dashboard/account/two-factor/confirm { code } -> TwoFactorConfirmed: on, codes shown once;
 *                               for a pending 'enrol' login also the session (cookie and state).
 * POST /api/dashboard/account/two-factor/disable { password } or { code } -> { ok: true };
 *                               409 while the owner requires two-factor login.
 * POST /api/dashboard/account/two-factor/recovery-codes { password } or { code } -> { recoveryCodes }.
 * GET  /api/dashboard/two-factor-policy (owner) -> TwoFactorPolicy;
 * PUT  same path { required } -> TwoFactorPolicy; 409 when the owner asking has no two-factor login.
 * DELETE /api/dashboard/users/<id>/two-factor (owner, not oneself) -> { reset: boolean }.
 */
export interface TwoFactorInfo {
  enabled: boolean;
  /** Unix seconds; null when off. */
  enabledAt: number | null;
  recoveryCodesLeft: number;
  /** The owner requires it for every account (then it cannot be turned off). */
  required: boolean;
}

export interface TwoFactorEnrolment {
  /** The secret in base32, for `otpauth://`; manualKey is the same in groups of four. */
  secret: string;
  manualKey: string;
  uri: string;
  /** The QR code of `uri`, an SVG document drawn on the server. */
  qrSvg: string;
}

export interface TwoFactorConfirmed {
  recoveryCodes: string[];
  /** The session state after a login that had to enrol first; absent when already signed in. */
  session?: SessionState;
}

export interface TwoFactorPolicy {
  required: boolean;
}

export interface Credentials {
  email: string;
  password: string;
}

/** GET /api/dashboard/sites: the sites the session may read, by domain. */
export interface SiteSummary {
  domain: string;
  timezone: string;
  /** Unique visitors today (site-local day). */
  visitorsToday: number;
  /** Unique visitors of each of the last 30 site-local days, oldest first, today last. */
  sparkline: number[];
  /** True once the site has received any event. */
  hasEvents: boolean;
}

/** POST /api/dashboard/sites { domain, timezone? } (owner) -> 200 SiteCreated; 400 { error }. */
export interface SiteCreated {
  domain: string;
  timezone: string;
  /** The exact <script> tag to paste, with this server's origin. */
  snippet: string;
}

/** GET /api/dashboard/sites/<domain>/first-event -> { received, drops } (the add-site check polls it). */
export interface FirstEvent {
  received: boolean;
  /** Why the site's latest events of the last day were not counted, latest first. */
  drops: Array<{ reason: string; hostname: string; seenAt: number }>;
}

/**
 * GET /api/dashboard/sites/<domain>/settings (owner) -> SiteSettingsJson
 * PATCH same path with any subset of the writable fields -> SiteSettingsJson; 400 { error } naming the field.
 * DELETE /api/dashboard/sites/<domain> { confirm: '<domain>' } (owner) -> { deleted: true }; 400 when confirm differs.
 */
export interface SiteSettingsJson {
  domain: string;
  timezone: string;
  /** null: the instance default (`instanceIpStorage`). */
  ipStorage: 'truncated' | 'none' | null;
  instanceIpStorage: 'truncated' | 'none';
  /** null: forever. */
  retentionDays: number | null;
  excludedIps: string[];
  excludedPaths: string[];
  allowedHostnames: string[];
  searchParams: string[];
  /** How precisely visitors' location is stored. */
  locationPrecision: 'country' | 'region' | 'city';
}

/**
 * GET /api/dashboard/sites/<domain>/tokens (owner) -> { tokens: TokenInfo[] }
 * POST same, body { scopes?: string[] } (default ["stats"]) -> { token: string, info: TokenInfo } (the token is shown this once)
 * DELETE /api/dashboard/sites/<domain>/tokens/<id> -> { revoked: true }
 */
export interface TokenInfo {
  id: number;
  /** The first characters of the token (e.g. `tlr_AbCd`), enough to recognise it. */
  prefix: string;
  /** What it may do on the site: stats, privacy, share, proxy, import (server/core/tokens.ts). */
  scopes: string[];
  createdAt: number;
  lastUsedAt: number | null;
}

/**
 * Shared links (owner), any number per site:
 * GET    /api/dashboard/sites/<domain>/shared-links -> { links: SharedLinkInfo[] } (live ones, oldest first)
 * POST   same { name?, showVisits?, embeddable?, password? } -> { link: SharedLinkInfo }
 * PATCH  .../shared-links/<id> { name?, showVisits?, embeddable?, password?: string | null } -> { link }
 *        (null removes the password; a new one locks out whoever had the old)
 * DELETE .../shared-links/<id> -> { revoked: true }; the address then shows SessionState share-revoked.
 * A visitor of a protected link: POST /api/dashboard/share/unlock { password } with SHARE_HEADER
 *        -> SessionState (shared) and a cookie for that link; 401 { error: 'wrong password' };
 *        429 + Retry-After when throttled as logins are; 404 for no live link.
 */
export interface SharedLinkInfo {
  id: number;
  name: string;
  prefix: string;
  /** The link's address, to copy at any time; null for a link made before addresses were kept. */
  url: string | null;
  showVisits: boolean;
  /** When true the /share page may be framed by any site (frame-ancestors *). */
  embeddable: boolean;
  /** True when visitors must give a password. */
  protected: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

/**
 * Users (owner only):
 * GET /api/dashboard/users -> { users: UserInfo[] }
 * POST /api/dashboard/users { email, password, role: 'viewer', sites: [domain], noSites?: true } -> { user: UserInfo }
 *                               (an empty `sites` is a 400 naming sites unless noSites is true: such a viewer sees nothing)
 * PATCH /api/dashboard/users/<id> { sites?: [domain], password?: string } -> { user }   (a viewer's sites;
 *                               a new password for a viewer, which ends the viewer's sessions)
 * DELETE /api/dashboard/users/<id> -> { deleted: true } (not the last owner; ends their sessions)
 */
export interface UserInfo {
  id: number;
  email: string;
  role: Role;
  /** Domains a viewer may read; every site for an owner. */
  sites: string[];
  createdAt: number;
  /** Two-factor login is on for this user. */
  twoFactor: boolean;
}

/**
 * Annotations (read: anyone who may read the site, except shared links get them read-only;
 * write: owner):
 * GET /api/dashboard/sites/<domain>/annotations?from=YYYY-MM-DD&to=YYYY-MM-DD -> { annotations: Annotation[] }
 * POST same { day, text } -> { annotation }; DELETE .../annotations/<id> -> { deleted: true }
 */
export interface Annotation {
  id: number;
  /** Site-local day, YYYY-MM-DD. */
  day: string;
  text: string;
}

/**
 * GET /api/dashboard/sites/<domain>/visits?date_range=<json>&filters=<json>&page=1&limit=50
 * The recent-visits log, newest first. `date_range` and `filters` take the Stats API's
 * forms (JSON-encoded), and the same 400s. Shared links only when showVisits. A visit's
 * stored attributes are those store/schema.ts shows in recent visits, by field (the IP as
 * stored: truncated, or null when the site stores none).
 */
export type RecentVisit = RecentVisitAttributes & {
  /** Unix seconds. */
  startedAt: number;
  pageviews: number;
  /** Seconds. */
  duration: number;
  /** Words searched in the site's own search box during the visit, distinct, first first. */
  siteSearches: string[];
  /** The visit's pages and custom events in order, the first 50 (MAX_TRAIL). */
  trail: TrailStep[];
  /** Steps of the trail left out past the first 50. */
  trailMore: number;
};

/** One step of a visit: a page view or a custom event, with the page it happened on. */
export interface TrailStep {
  /** Unix seconds. */
  at: number;
  /** `pageview` or the custom event's name. */
  name: string;
  /** Path without query string or fragment. */
  path: string;
  /** Site-search words of this page view, if it was a search page. */
  siteSearch: string | null;
}

export interface RecentVisitsPage {
  visits: RecentVisit[];
  page: number;
  limit: number;
  hasMore: boolean;
}

/**
 * GET /api/dashboard/sites/<domain>/properties?event=<name> -> PropertyKeys: the property
 * names sent with that custom event (every property name of the site without `event`), so
 * the custom-events panel can offer each breakdown (`event:props:<key>`) by a click.
 */
export interface PropertyKeys {
  keys: string[];
}

/** Every error answer of these routes: 4xx with one readable message. */
export interface ErrorJson {
  error: string;
}

/**
 * The site view's state, in the query string of /sites/<domain> and /share/<token>:
 *   period   day | yesterday | 7d | 28d | 30d | 91d | month | last_month | year | 12mo | all | custom (default 28d),
 *            or realtime: the realtime view (the last 5 and 30 minutes), which reads no other parameter
 *   from,to  YYYY-MM-DD, with period=custom
 *   compare  previous | year   (absent: no comparison)
 *   metric   visitors | visits | pageviews | views_per_visit | bounce_rate | visit_duration (the chart's KPI)
 *   interval hour | day | week | month (absent: the default for the range)
 *   f        repeated; one filter each, `<op>|<dimension>|<value>[|<value>…]` with op one of
 *            is, is_not, contains, contains_not and dimension a Stats API dimension
 *            (visit:country, event:page, …), values URI-encoded by URLSearchParams
 *   tab.<panel>  the open tab of a panel (sources, pages, locations, devices, words)
 *   lang     never: the language is the browser's or the remembered switch (localStorage, dashboard origin only)
 */
export type ViewQuery = Record<string, string | string[]>;
