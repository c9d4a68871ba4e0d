/**
 * First run, login, logout, the signed-in user's own account (password, other sessions)
 * and the session state the dashboard's shell starts from. The first run needs the setup
 * code (setup-code.ts). A wrong password and an unknown e-mail get the same answer after
 * the same work; attempts are counted before the password is checked (throttle.ts). With
 * two-factor login on (or required and not set up), a right password gives a pending login,
 * not a session: dashboard-two-factor.ts finishes it.
 * @module
 */
import { Hono, type Context } from 'hono';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../auth/passwords.ts';
import { isSameOrigin, requestOrigin, truncatedClientAddress } from '../auth/request-origin.ts';
import { clearPendingCookie, createPending, deletePending, owedStep, requestPending, setPendingCookie } from '../auth/login-pending.ts';
import { clearSessionCookie, setSessionCookie } from '../auth/session-cookie.ts';
import { createSession, deleteSession, endSessionsOf, sessionCount } from '../auth/sessions.ts';
import { expectedSetupCode, setupCodeMatches, setupUrl } from '../auth/setup-code.ts';
import { admitAttempt, admitSetupAttempt, attemptSucceeded, throttleKeys } from '../auth/throttle.ts';
import { SHARE_HEADER, type AccountInfo, type SessionState } from '../dashboard-api/contract.ts';
import type { AppDeps } from './app-deps.ts';
import { listSites } from '../sites.ts';
import { anyUserExists, createFirstOwner, findUserByEmail, findUserById, grantedSiteIds, setPassword, UserError, type User } from '../users.ts';
import { type Access, crossOrigin, requestAccess, requestGrant, unauthorized } from './api-auth.ts';
import { credentialsField, dashboardAccess, fail, jsonBody, sessionAccess, stringField } from './dashboard-access.ts';
import { shareState } from './dashboard-share.ts';

export const WRONG_LOGIN = 'wrong e-mail or password';
export const SETUP_DONE = 'setup is done: an account exists already, log in instead';
export const WRONG_SETUP_CODE =
  'code: the setup code is missing or wrong. Open the setup address Teller printed when it started (…/setup?code=…); on Cloudflare Workers, see docs/deploy-workers.md';
export const SETUP_CLOSED =
  'setup is closed: this server has no setup code. Set TELLER_SETUP_CODE (or TELLER_ADMIN_TOKEN) and try again, or add the owner with `npm run teller -- user add`';

export type SessionDeps = Pick<AppDeps, 'db' | 'config' | 'clock' | 'remoteAddress'>;

export function tooManyAttempts(c: Context, wait: number, what: string): Response {
  return fail(c, 429, `too many ${what}: try again in ${Math.ceil(wait / 60)} minutes`, { 'Retry-After': String(wait) }).response;
}

/** A password and its repetition as a new password, or the 400 naming the field. */
function newPasswordField(c: Context, body: Record<string, unknown>, password: string): Response | null {
  const password2 = stringField(c, body, 'password2');
  if ('response' in password2) return password2.response;
  if (password !== password2.ok) return fail(c, 400, 'password2: the two passwords differ').response;
  if (password.length < MIN_PASSWORD_LENGTH) return fail(c, 400, `password: at least ${MIN_PASSWORD_LENGTH} characters`).response;
  return null;
}

/**
 * A hash to verify against for an unknown e-mail, so it costs what a wrong password costs.
 * Kept as a string, not a promise: a Workers isolate must not await another request's promise.
 */
let dummyHash: string | null = null;

/** The signed-in state, with the sites the user may read (an owner: all of them). */
export async function signedIn(deps: SessionDeps, user: User): Promise<SessionState> {
  const all = await listSites(deps.db);
  const granted = user.role === 'owner' ? null : new Set(await grantedSiteIds(deps.db, user.id));
  const sites = all.filter((s) => granted === null || granted.has(s.id)).map((s) => ({ domain: s.domain, timezone: s.timezone, location_precision: s.locationPrecision }));
  return { state: 'in', user: { email: user.email, role: user.role }, sites };
}

export async function startSession(deps: SessionDeps, c: Context, user: User): Promise<void> {
  setSessionCookie(deps, c, await createSession(deps.db, user.id, deps.clock()));
}

/** What the shell should show for this request; also written into every page (dashboard-pages.ts). */
export async function sessionState(deps: SessionDeps, c: Context): Promise<SessionState> {
  return (await sessionStateAndAccess(deps, c)).state;
}

/** sessionState, with the session's access when signed in: a page starting its view's queries reads the session once. */
export async function sessionStateAndAccess(deps: SessionDeps, c: Context): Promise<{ state: SessionState; access: Extract<Access, { via: 'session' }> | null }> {
  const share = c.req.header(SHARE_HEADER);
  if (share !== undefined) {
    const shared = await shareState(deps, c, share.trim());
    if (shared) return { state: shared, access: null };
  } else {
    const access = await requestAccess(deps, c);
    if (access && 'via' in access && access.via === 'session') return { state: await signedIn(deps, access.user), access };
    const pending = await requestPending(deps, c);
    const user = pending && (await findUserById(deps.db, pending.userId));
    if (pending && user) return { state: { state: pending.purpose === 'code' ? 'two-factor' : 'two-factor-enrol', email: user.email }, access: null };
  }
  return { state: (await anyUserExists(deps.db)) ? { state: 'login' } : { state: 'setup' }, access: null };
}

export function dashboardSession(deps: SessionDeps): Hono {
  const app = new Hono();

  app.get('/api/dashboard/session', async (c) => c.json(await sessionState(deps, c)));

  // No cookie yet, but a foreign page must not log a visitor in to an account of its choosing (login CSRF).
  app.post('/api/dashboard/setup', async (c, next) => (isSameOrigin(deps, c) ? next() : crossOrigin(c)));
  app.post('/api/dashboard/login', async (c, next) => (isSameOrigin(deps, c) ? next() : crossOrigin(c)));

  app.post('/api/dashboard/setup', async (c) => {
    if (await anyUserExists(deps.db)) return fail(c, 409, SETUP_DONE).response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const credentials = credentialsField(c, body.ok);
    if ('response' in credentials) return credentials.response;
    const { email, password } = credentials.ok;
    const invalid = newPasswordField(c, body.ok, password);
    if (invalid) return invalid;
    const expected = await expectedSetupCode(deps.config);
    if (expected === null) return fail(c, 403, SETUP_CLOSED).response;
    // Counted before the comparison, so parallel guesses see each other.
    const wait = await admitSetupAttempt(deps.db, truncatedClientAddress(deps, c), deps.clock());
    if (wait > 0) return tooManyAttempts(c, wait, 'wrong setup codes');
    const code = typeof body.ok.code === 'string' ? body.ok.code.trim() : '';
    if (!(await setupCodeMatches(code, expected))) return fail(c, 403, WRONG_SETUP_CODE).response;
    let id: number | null;
    try {
      id = await createFirstOwner(deps.db, email, password, deps.clock());
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return fail(c, 400, `email: ${e.message}`).response;
    }
    // Another first run got there between the check above and this insert.
    const user = id === null ? null : await findUserById(deps.db, id);
    if (!user) return fail(c, 409, SETUP_DONE).response;
    await startSession(deps, c, user);
    return c.json(await signedIn(deps, user));
  });

  // For the operator of a Workers deployment, who has no start banner: the setup address, by the admin token.
  app.get('/api/v1/setup-code', async (c) => {
    if (!(await requestGrant(deps, c))?.admin) return unauthorized(c);
    if (await anyUserExists(deps.db)) return c.json({ error: SETUP_DONE }, 409);
    const code = await expectedSetupCode(deps.config);
    if (code === null) return c.json({ error: SETUP_CLOSED }, 404);
    return c.json({ code, url: setupUrl(requestOrigin(deps, c), code) }, 200, { 'Cache-Control': 'no-store' });
  });

  app.post('/api/dashboard/login', async (c) => {
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const credentials = credentialsField(c, body.ok);
    if ('response' in credentials) return credentials.response;
    const { email, password } = credentials.ok;
    const keys = throttleKeys(email, truncatedClientAddress(deps, c));
    const wait = await admitAttempt(deps.db, keys, deps.clock());
    if (wait > 0) return tooManyAttempts(c, wait, 'failed logins');
    const user = await findUserByEmail(deps.db, email);
    dummyHash ??= await hashPassword(crypto.getRandomValues(new Uint32Array(4)).join('-'));
    const valid = await verifyPassword(password, user?.passwordHash ?? dummyHash);
    if (!user || !valid) return fail(c, 401, WRONG_LOGIN).response;
    await attemptSucceeded(deps.db, keys, deps.clock());
    // A new id at every login: an id planted before login is never the one that gets in.
    const old = await requestAccess(deps, c);
    if (old && 'via' in old && old.via === 'session') await deleteSession(deps.db, old.sessionId);
    // Two-factor login: no session yet, only a pending login owing its code or enrolment.
    const owed = await owedStep(deps.db, user);
    if (owed !== null) {
      clearSessionCookie(deps, c);
      setPendingCookie(deps, c, await createPending(deps.db, user.id, owed, deps.clock()));
      return c.json({ state: owed === 'code' ? 'two-factor' : 'two-factor-enrol', email: user.email } satisfies SessionState);
    }
    await startSession(deps, c, user);
    return c.json(await signedIn(deps, user));
  });

  app.get('/api/dashboard/account', async (c) => {
    const access = await sessionAccess(deps, c);
    if ('response' in access) return access.response;
    const sessions = await sessionCount(deps.db, access.ok.user.id, deps.clock());
    const account: AccountInfo = { email: access.ok.user.email, role: access.ok.user.role, otherSessions: Math.max(0, sessions - 1) };
    return c.json(account);
  });

  // A new password ends every other session of the account: whoever had the old one is out.
  app.post('/api/dashboard/account/password', async (c) => {
    const access = await sessionAccess(deps, c);
    if ('response' in access) return access.response;
    const user = access.ok.user;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const current = stringField(c, body.ok, 'current');
    if ('response' in current) return current.response;
    const password = stringField(c, body.ok, 'password');
    if ('response' in password) return password.response;
    const invalid = newPasswordField(c, body.ok, password.ok);
    if (invalid) return invalid;
    // A stolen session must not become a way to guess the password: counted as logins are.
    const keys = throttleKeys(user.email, truncatedClientAddress(deps, c));
    const wait = await admitAttempt(deps.db, keys, deps.clock());
    if (wait > 0) return tooManyAttempts(c, wait, 'wrong passwords');
    if (!(await verifyPassword(current.ok, user.passwordHash))) return fail(c, 400, 'current: wrong password').response;
    await attemptSucceeded(deps.db, keys, deps.clock());
    await setPassword(deps.db, user.id, password.ok);
    const ended = await endSessionsOf(deps.db, user.id, access.ok.sessionId);
    return c.json({ ok: true, sessionsEnded: ended });
  });

  app.post('/api/dashboard/account/sign-out-others', async (c) => {
    const access = await sessionAccess(deps, c);
    if ('response' in access) return access.response;
    return c.json({ ok: true, sessionsEnded: await endSessionsOf(deps.db, access.ok.user.id, access.ok.sessionId) });
  });

  app.post('/api/dashboard/logout', async (c) => {
    // A login waiting for its code is abandoned the same way.
    const pending = isSameOrigin(deps, c) ? await requestPending(deps, c) : null;
    if (pending) await deletePending(deps.db, pending.id);
    clearPendingCookie(deps, c);
    const access = await dashboardAccess(deps, c);
    if ('response' in access) {
      // Logging out without a session is already done; a cross-origin logout is refused.
      if (access.response.status === 403) return access.response;
      clearSessionCookie(deps, c);
      return c.json({ ok: true });
    }
    if (access.ok.via === 'session') await deleteSession(deps.db, access.ok.sessionId);
    clearSessionCookie(deps, c);
    return c.json({ ok: true });
  });

  return app;
}
