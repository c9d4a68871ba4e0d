/**
 * Two-factor login's routes: the code after the password, enrolment (from the account page,
 * or straight after the password when the owner requires it), turning it off, new recovery
 * codes, the owner's "require it for every account" and an owner's reset of another user's.
 * Codes are counted as passwords are (throttle.ts), under keys of their own: a right
 * password must not reset the count of wrong codes.
 * @module
 */
import { Hono, type Context } from 'hono';
import { verifyPassword } from '../auth/passwords.ts';
import { clearPendingCookie, deletePending, requestPending, type PendingLogin } from '../auth/login-pending.ts';
import { isSameOrigin, requestOrigin, truncatedClientAddress } from '../auth/request-origin.ts';
import { deleteSession } from '../auth/sessions.ts';
import { admitAttempt, attemptSucceeded, throttleKeys, type ThrottleKeys } from '../auth/throttle.ts';
import { manualKey, otpauthUri, qrSvg } from '../auth/totp.ts';
import {
  checkCode,
  confirmEnrolment,
  newRecoveryCodes,
  removeTwoFactor,
  resetTwoFactor,
  setTwoFactorRequired,
  startEnrolment,
  twoFactorRequired,
  twoFactorState,
  hasTwoFactor,
  type CodeCheck,
} from '../auth/two-factor.ts';
import type { TwoFactorConfirmed, TwoFactorEnrolment, TwoFactorInfo, TwoFactorPolicy } from '../dashboard-api/contract.ts';
import { findUserById, type User } from '../users.ts';
import { crossOrigin, requestAccess } from './api-auth.ts';
import { booleanField, fail, jsonBody, ownerAccess, sessionAccess, stringField, type Outcome } from './dashboard-access.ts';
import { signedIn, startSession, tooManyAttempts, type SessionDeps } from './dashboard-session.ts';

export const WRONG_CODE = 'code: wrong code';
export const USED_CODE = 'code: this code was used already: wait for the next one';
export const LOGIN_EXPIRED = 'login: the login has expired or was not started: log in again';
export const REQUIRED = 'two-factor login is required on this server: it cannot be turned off';

/** The code throttle's keys: the login's, under a prefix of their own. */
function codeKeys(deps: SessionDeps, c: Context, email: string): ThrottleKeys {
  const keys = throttleKeys(email, truncatedClientAddress(deps, c));
  return { ...keys, pair: `code-${keys.pair}`, address: `code-${keys.address}`, account: `code-${keys.account}` };
}

function codeProblem(check: Exclude<CodeCheck, { ok: true }>): string {
  return check.reason === 'replayed' ? USED_CODE : WRONG_CODE;
}

/** Checks a code with throttling; the answer to send when it is refused. */
async function throttledCode(deps: SessionDeps, c: Context, user: User, code: string): Promise<Response | null> {
  const keys = codeKeys(deps, c, user.email);
  const wait = await admitAttempt(deps.db, keys, deps.clock());
  if (wait > 0) return tooManyAttempts(c, wait, 'wrong codes');
  const check = await checkCode(deps.db, user.id, code, deps.clock());
  if (!check.ok) return fail(c, 401, codeProblem(check)).response;
  await attemptSucceeded(deps.db, keys, deps.clock());
  return null;
}

/**
 * Proof that the person at a session is the account's: its password or a current code, as
 * turning two-factor login off or making new recovery codes needs. Both are throttled.
 */
async function reauthenticated(deps: SessionDeps, c: Context, user: User, body: Record<string, unknown>): Promise<Response | null> {
  if (typeof body.code === 'string' && body.code.trim() !== '') {
    const code = stringField(c, body, 'code', 100);
    if ('response' in code) return code.response;
    return throttledCode(deps, c, user, code.ok);
  }
  const password = stringField(c, body, 'password');
  if ('response' in password) return fail(c, 400, 'password: your password or a current code is required').response;
  const keys = throttleKeys(user.email, truncatedClientAddress(deps, c));
  const wait = await admitAttempt(deps.db, keys, deps.clock());
  if (wait > 0) return tooManyAttempts(c, wait, 'wrong passwords');
  if (!(await verifyPassword(password.ok, user.passwordHash))) return fail(c, 400, 'password: wrong password').response;
  await attemptSucceeded(deps.db, keys, deps.clock());
  return null;
}

/** The signed-in user, or the user of a pending login that must enrol. */
async function enrollingUser(deps: SessionDeps, c: Context): Promise<Outcome<{ user: User; pending: PendingLogin | null }>> {
  const access = await requestAccess(deps, c);
  if (access && 'via' in access && access.via === 'session') return { ok: { user: access.user, pending: null } };
  const pending = await requestPending(deps, c);
  const user = pending?.purpose === 'enrol' ? await findUserById(deps.db, pending.userId) : null;
  if (!pending || !user) return fail(c, 401, 'not logged in');
  return { ok: { user, pending } };
}

async function info(deps: SessionDeps, user: User): Promise<TwoFactorInfo> {
  const state = await twoFactorState(deps.db, user.id);
  return { enabled: state.enabledAt !== null, enabledAt: state.enabledAt, recoveryCodesLeft: state.recoveryCodesLeft, required: await twoFactorRequired(deps.db) };
}

function userId(c: Context): number | null {
  const id = c.req.param('id') ?? '';
  return /^\d{1,15}$/.test(id) ? Number(id) : null;
}

export function dashboardTwoFactor(deps: SessionDeps): Hono {
  const app = new Hono();

  // A pending login has no session cookie for api-auth.ts to guard: every change here must be same-origin.
  app.use('/api/dashboard/login/code', async (c, next) => (isSameOrigin(deps, c) ? next() : crossOrigin(c)));
  app.use('/api/dashboard/account/two-factor/*', async (c, next) => (c.req.method === 'GET' || isSameOrigin(deps, c) ? next() : crossOrigin(c)));
  app.use('/api/dashboard/two-factor-policy', async (c, next) => (c.req.method === 'GET' || isSameOrigin(deps, c) ? next() : crossOrigin(c)));

  app.post('/api/dashboard/login/code', async (c) => {
    const pending = await requestPending(deps, c);
    const user = pending && (await findUserById(deps.db, pending.userId));
    if (!pending || !user) {
      clearPendingCookie(deps, c);
      return fail(c, 401, LOGIN_EXPIRED).response;
    }
    if (pending.purpose !== 'code') return fail(c, 409, 'login: set up two-factor login first (POST /api/dashboard/account/two-factor/start)').response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const code = stringField(c, body.ok, 'code', 100);
    if ('response' in code) return code.response;
    const refused = await throttledCode(deps, c, user, code.ok);
    if (refused) return refused;
    await deletePending(deps.db, pending.id);
    clearPendingCookie(deps, c);
    const old = await requestAccess(deps, c);
    if (old && 'via' in old && old.via === 'session') await deleteSession(deps.db, old.sessionId);
    await startSession(deps, c, user);
    return c.json(await signedIn(deps, user));
  });

  app.get('/api/dashboard/account/two-factor', async (c) => {
    const access = await sessionAccess(deps, c);
    if ('response' in access) return access.response;
    return c.json(await info(deps, access.ok.user));
  });

  app.post('/api/dashboard/account/two-factor/start', async (c) => {
    const enrolling = await enrollingUser(deps, c);
    if ('response' in enrolling) return enrolling.response;
    const { user } = enrolling.ok;
    const secret = await startEnrolment(deps.db, user.id, deps.clock());
    if (secret === null) return fail(c, 409, 'two-factor login is on already: turn it off first to use another phone').response;
    const uri = otpauthUri(secret, user.email, new URL(requestOrigin(deps, c)).host);
    const enrolment: TwoFactorEnrolment = { secret, manualKey: manualKey(secret), uri, qrSvg: qrSvg(uri) };
    return c.json(enrolment);
  });

  app.post('/api/dashboard/account/two-factor/confirm', async (c) => {
    const enrolling = await enrollingUser(deps, c);
    if ('response' in enrolling) return enrolling.response;
    const { user, pending } = enrolling.ok;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const code = stringField(c, body.ok, 'code', 100);
    if ('response' in code) return code.response;
    const confirmed = await confirmEnrolment(deps.db, user.id, code.ok, deps.clock());
    if ('problem' in confirmed) {
      return confirmed.problem === 'wrong' ? fail(c, 400, `${WRONG_CODE}: check the phone's clock and enter the code the app shows now`).response : fail(c, 409, 'no enrolment is waiting: start again').response;
    }
    const answer: TwoFactorConfirmed = { recoveryCodes: confirmed.recoveryCodes };
    if (pending) {
      // The enrolment the owner required was the last step of this login.
      await deletePending(deps.db, pending.id);
      clearPendingCookie(deps, c);
      await startSession(deps, c, user);
      answer.session = await signedIn(deps, user);
    }
    return c.json(answer);
  });

  app.post('/api/dashboard/account/two-factor/disable', async (c) => {
    const access = await sessionAccess(deps, c);
    if ('response' in access) return access.response;
    const user = access.ok.user;
    if (!(await hasTwoFactor(deps.db, user.id))) return c.json({ ok: true });
    if (await twoFactorRequired(deps.db)) return fail(c, 409, REQUIRED).response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const refused = await reauthenticated(deps, c, user, body.ok);
    if (refused) return refused;
    await removeTwoFactor(deps.db, user.id);
    return c.json({ ok: true });
  });

  app.post('/api/dashboard/account/two-factor/recovery-codes', async (c) => {
    const access = await sessionAccess(deps, c);
    if ('response' in access) return access.response;
    const user = access.ok.user;
    if (!(await hasTwoFactor(deps.db, user.id))) return fail(c, 409, 'two-factor login is off: recovery codes come with turning it on').response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const refused = await reauthenticated(deps, c, user, body.ok);
    if (refused) return refused;
    return c.json({ recoveryCodes: await newRecoveryCodes(deps.db, user.id) });
  });

  app.get('/api/dashboard/two-factor-policy', async (c) => {
    const owner = await ownerAccess(deps, c);
    if ('response' in owner) return owner.response;
    return c.json({ required: await twoFactorRequired(deps.db) } satisfies TwoFactorPolicy);
  });

  app.put('/api/dashboard/two-factor-policy', async (c) => {
    const owner = await ownerAccess(deps, c);
    if ('response' in owner) return owner.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const required = booleanField(c, body.ok, 'required');
    if ('response' in required) return required.response;
    if (required.ok === undefined) return fail(c, 400, 'required: true or false is expected').response;
    // An owner without it would be sent to enrol at the next login: better now, knowingly.
    if (required.ok && !(await hasTwoFactor(deps.db, owner.ok.user.id))) {
      return fail(c, 409, 'required: turn on two-factor login for your own account first (Account page)').response;
    }
    await setTwoFactorRequired(deps.db, required.ok, deps.clock());
    return c.json({ required: required.ok } satisfies TwoFactorPolicy);
  });

  // For a user who lost their phone and their recovery codes: they log in with the password and enrol again.
  app.delete('/api/dashboard/users/:id/two-factor', async (c) => {
    const owner = await ownerAccess(deps, c);
    if ('response' in owner) return owner.response;
    const id = userId(c);
    const user = id === null ? null : await findUserById(deps.db, id);
    if (!user) return fail(c, 404, 'unknown user').response;
    if (user.id === owner.ok.user.id) return fail(c, 400, 'user: turn off your own two-factor login under Account').response;
    return c.json({ reset: await resetTwoFactor(deps.db, user.id) });
  });

  return app;
}
