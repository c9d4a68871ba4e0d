/**
 * First run, login, logout and the session state the dashboard's shell starts from.
 * A wrong password and an unknown e-mail get the same answer after the same work; failures
 * are throttled per account and per truncated client address.
 * @module
 */
import { Hono, type Context } from 'hono';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../auth/passwords.ts';
import { isSameOrigin, truncatedClientAddress } from '../auth/request-origin.ts';
import { clearSessionCookie, setSessionCookie } from '../auth/session-cookie.ts';
import { createSession, deleteSession } from '../auth/sessions.ts';
import type { SharedLink } from '../auth/shared-links.ts';
import { clearAccountFailures, recordFailure, throttledFor, throttleKeys } from '../auth/throttle.ts';
import type { SessionState } from '../dashboard/contract.ts';
import type { AppDeps } from '../ports.ts';
import { listSites } from '../sites.ts';
import { anyUserExists, createFirstOwner, findUserByEmail, findUserById, grantedSiteIds, UserError, type User } from '../users.ts';
import { crossOrigin, requestAccess } from './api-auth.ts';
import { credentialsField, dashboardAccess, fail, jsonBody, stringField } from './dashboard-access.ts';

export const WRONG_LOGIN = 'wrong e-mail or password';

export type SessionDeps = Pick<AppDeps, 'db' | 'config' | 'clock' | 'remoteAddress'>;

/**
 * A hash to verify against for an unknown e-mail, so it costs what a wrong password costs.
 * Kept as a string, not a promise: a Workers isolate must not await another request's promise.
 */
let dummyHash: string | null = null;

/** The signed-in state, with the sites the user may read (an owner: all of them). */
async function signedIn(deps: SessionDeps, user: User): Promise<SessionState> {
  const all = await listSites(deps.db);
  const granted = user.role === 'owner' ? null : new Set(await grantedSiteIds(deps.db, user.id));
  const sites = all.filter((s) => granted === null || granted.has(s.id)).map((s) => ({ domain: s.domain, timezone: s.timezone }));
  return { state: 'in', user: { email: user.email, role: user.role }, sites };
}

async function startSession(deps: SessionDeps, c: Context, user: User): Promise<void> {
  setSessionCookie(deps, c, await createSession(deps.db, user.id, deps.clock()));
}

/** What the shell should show for this request; also written into every page (dashboard-pages.ts). */
export async function sessionState(deps: SessionDeps, c: Context): Promise<SessionState> {
  const access = await requestAccess(deps, c);
  if (access && 'via' in access && access.via === 'session') return signedIn(deps, access.user);
  if (access && 'via' in access && access.via === 'share') {
    const shared = await sharedState(deps, access.link);
    if (shared) return shared;
  }
  return (await anyUserExists(deps.db)) ? { state: 'login' } : { state: 'setup' };
}

/** A live shared link's state, or null when its site is gone. */
export async function sharedState(deps: Pick<AppDeps, 'db'>, link: SharedLink): Promise<SessionState | null> {
  const site = await findSiteById(deps, link.siteId);
  return site && { state: 'shared', site, showVisits: link.showVisits };
}

function findSiteById(deps: Pick<AppDeps, 'db'>, id: number): Promise<{ domain: string; timezone: string } | null> {
  return deps.db.first<{ domain: string; timezone: string }>('SELECT domain, timezone FROM sites WHERE id = ?', [id]);
}

export function dashboardSession(deps: SessionDeps): Hono {
  const app = new Hono();

  app.get('/api/dashboard/session', async (c) => c.json(await sessionState(deps, c)));

  // No cookie yet, but a foreign page must not log a visitor in to an account of its choosing (login CSRF).
  app.post('/api/dashboard/setup', async (c, next) => (isSameOrigin(deps, c) ? next() : crossOrigin(c)));
  app.post('/api/dashboard/login', async (c, next) => (isSameOrigin(deps, c) ? next() : crossOrigin(c)));

  app.post('/api/dashboard/setup', async (c) => {
    if (await anyUserExists(deps.db)) return fail(c, 409, 'setup is done: an account exists already, log in instead').response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const credentials = credentialsField(c, body.ok);
    if ('response' in credentials) return credentials.response;
    const { email, password } = credentials.ok;
    const password2 = stringField(c, body.ok, 'password2');
    if ('response' in password2) return password2.response;
    if (password !== password2.ok) return fail(c, 400, 'password2: the two passwords differ').response;
    if (password.length < MIN_PASSWORD_LENGTH) return fail(c, 400, `password: at least ${MIN_PASSWORD_LENGTH} characters`).response;
    let id: number | null;
    try {
      id = await createFirstOwner(deps.db, email, password, deps.clock());
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return fail(c, 400, `email: ${e.message}`).response;
    }
    // Another first run got there between the check above and this insert.
    const user = id === null ? null : await findUserById(deps.db, id);
    if (!user) return fail(c, 409, 'setup is done: an account exists already, log in instead').response;
    await startSession(deps, c, user);
    return c.json(await signedIn(deps, user));
  });

  app.post('/api/dashboard/login', async (c) => {
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const credentials = credentialsField(c, body.ok);
    if ('response' in credentials) return credentials.response;
    const { email, password } = credentials.ok;
    const keys = throttleKeys(email, truncatedClientAddress(deps, c));
    const wait = await throttledFor(deps.db, keys, deps.clock());
    if (wait > 0) {
      return fail(c, 429, `too many failed logins: try again in ${Math.ceil(wait / 60)} minutes`, { 'Retry-After': String(wait) }).response;
    }
    const user = await findUserByEmail(deps.db, email);
    dummyHash ??= await hashPassword(crypto.getRandomValues(new Uint32Array(4)).join('-'));
    const valid = await verifyPassword(password, user?.passwordHash ?? dummyHash);
    if (!user || !valid) {
      await recordFailure(deps.db, keys, deps.clock());
      return fail(c, 401, WRONG_LOGIN).response;
    }
    await clearAccountFailures(deps.db, keys);
    // A new id at every login: an id planted before login is never the one that gets in.
    const old = await requestAccess(deps, c);
    if (old && 'via' in old && old.via === 'session') await deleteSession(deps.db, old.sessionId);
    await startSession(deps, c, user);
    return c.json(await signedIn(deps, user));
  });

  app.post('/api/dashboard/logout', async (c) => {
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
