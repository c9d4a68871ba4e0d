/**
 * A user's two-factor login as stored: enrolment (a secret waiting for its first code),
 * the enabled state, codes checked with replay protection, recovery codes instead of a
 * code, and the owner's instance-wide "require it for every account".
 * @module
 */
import type { Db } from '../ports.ts';
import { recoveryCodesLeft, replaceRecoveryCodes, useRecoveryCode } from './recovery-codes.ts';
import { matchingStep, newSecret, normalizeCode } from './totp.ts';

export interface TwoFactorState {
  /** Unix seconds; null when not enabled (also while an enrolment waits for its code). */
  enabledAt: number | null;
  recoveryCodesLeft: number;
}

interface Row {
  secret: string;
  enabled_at: number | null;
  last_step: number;
}

/** Why a code was refused: not the right one, or one already used (its step or an earlier one). */
export type CodeCheck = { ok: true; via: 'totp' | 'recovery' } | { ok: false; reason: 'wrong' | 'replayed' };

async function row(db: Db, userId: number): Promise<Row | null> {
  return db.first<Row>('SELECT secret, enabled_at, last_step FROM two_factor WHERE user_id = ?', [userId]);
}

export async function twoFactorState(db: Db, userId: number): Promise<TwoFactorState> {
  const found = await row(db, userId);
  const enabledAt = found?.enabled_at ?? null;
  return { enabledAt, recoveryCodesLeft: enabledAt === null ? 0 : await recoveryCodesLeft(db, userId) };
}

export async function hasTwoFactor(db: Db, userId: number): Promise<boolean> {
  return (await row(db, userId))?.enabled_at != null;
}

/** Ids of the users who have two-factor login on, for the users list. */
export async function usersWithTwoFactor(db: Db): Promise<Set<number>> {
  return new Set((await db.all<{ user_id: number }>('SELECT user_id FROM two_factor WHERE enabled_at IS NOT NULL')).map((r) => r.user_id));
}

/**
 * Starts (or starts again) an enrolment with a new secret; null when two-factor login is
 * already on (it must be turned off first, so a stolen session cannot swap the phone).
 */
export async function startEnrolment(db: Db, userId: number, nowMs: number): Promise<string | null> {
  const secret = newSecret();
  const started = await db.run(
    `INSERT INTO two_factor (user_id, secret, enabled_at, last_step, created_at) VALUES (?, ?, NULL, 0, ?)
     ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = 0, created_at = excluded.created_at WHERE enabled_at IS NULL`,
    [userId, secret, Math.floor(nowMs / 1000)],
  );
  return started.changes === 1 ? secret : null;
}

export type Confirmed = { recoveryCodes: string[] } | { problem: 'no-enrolment' | 'wrong' };

/**
 * Turns two-factor login on when `code` is right for the enrolment's secret; the code's step
 * counts as used. Returns the ten recovery codes, to be shown once.
 */
export async function confirmEnrolment(db: Db, userId: number, code: string, nowMs: number): Promise<Confirmed> {
  const found = await row(db, userId);
  if (!found || found.enabled_at !== null) return { problem: 'no-enrolment' };
  const step = matchingStep(found.secret, code, nowMs);
  if (step === null) return { problem: 'wrong' };
  // The secret in the condition: an enrolment started again meanwhile is not the one confirmed.
  const enabled = await db.run('UPDATE two_factor SET enabled_at = ?, last_step = ? WHERE user_id = ? AND secret = ? AND enabled_at IS NULL', [
    Math.floor(nowMs / 1000),
    step,
    userId,
    found.secret,
  ]);
  if (enabled.changes !== 1) return { problem: 'no-enrolment' };
  return { recoveryCodes: await replaceRecoveryCodes(db, userId) };
}

/**
 * Checks a TOTP code, or a recovery code, of a user with two-factor login on. A TOTP code is
 * accepted only for a step later than the last one accepted, and taking the step is the check
 * (one statement): the same code sent twice at once gets in once.
 */
export async function checkCode(db: Db, userId: number, code: string, nowMs: number): Promise<CodeCheck> {
  const found = await row(db, userId);
  if (!found || found.enabled_at === null) return { ok: false, reason: 'wrong' };
  if (normalizeCode(code) === null) return (await useRecoveryCode(db, userId, code, nowMs)) ? { ok: true, via: 'recovery' } : { ok: false, reason: 'wrong' };
  const step = matchingStep(found.secret, code, nowMs);
  if (step === null) return { ok: false, reason: 'wrong' };
  const taken = await db.run('UPDATE two_factor SET last_step = ? WHERE user_id = ? AND enabled_at IS NOT NULL AND last_step < ?', [step, userId, step]);
  return taken.changes === 1 ? { ok: true, via: 'totp' } : { ok: false, reason: 'replayed' };
}

/** New recovery codes for a user with two-factor login on (the old ones stop working); null when it is off. */
export async function newRecoveryCodes(db: Db, userId: number): Promise<string[] | null> {
  return (await hasTwoFactor(db, userId)) ? replaceRecoveryCodes(db, userId) : null;
}

/** Turns two-factor login off (the user's own choice, an owner's reset, or the CLI's): secret, codes and pending logins go. */
export async function removeTwoFactor(db: Db, userId: number): Promise<boolean> {
  const had = await hasTwoFactor(db, userId);
  await db.batch(removalStatements(userId));
  return had;
}

const removalStatements = (userId: number) => [
  { sql: 'DELETE FROM two_factor WHERE user_id = ?', params: [userId] },
  { sql: 'DELETE FROM recovery_codes WHERE user_id = ?', params: [userId] },
  { sql: 'DELETE FROM login_pending WHERE user_id = ?', params: [userId] },
];

/**
 * Someone else turns a user's two-factor login off (an owner, or the CLI): the phone may be in
 * a stranger's hands, so the user's open sessions end with it too.
 */
export async function resetTwoFactor(db: Db, userId: number): Promise<boolean> {
  const had = await hasTwoFactor(db, userId);
  await db.batch([...removalStatements(userId), { sql: 'DELETE FROM sessions WHERE user_id = ?', params: [userId] }]);
  return had;
}

/** True when the owner requires two-factor login for every account. */
export async function twoFactorRequired(db: Db): Promise<boolean> {
  return ((await db.first<{ require_two_factor: number }>('SELECT require_two_factor FROM login_policy WHERE id = 1'))?.require_two_factor ?? 0) === 1;
}

/**
 * Sets whether every account must use two-factor login. Required from now on: the sessions of
 * accounts without it end, so that they too must set it up at their next login.
 */
export async function setTwoFactorRequired(db: Db, required: boolean, nowMs: number): Promise<void> {
  await db.batch([
    {
      sql: 'INSERT INTO login_policy (id, require_two_factor, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET require_two_factor = excluded.require_two_factor, updated_at = excluded.updated_at',
      params: [required ? 1 : 0, Math.floor(nowMs / 1000)],
    },
    ...(required ? [{ sql: 'DELETE FROM sessions WHERE user_id NOT IN (SELECT user_id FROM two_factor WHERE enabled_at IS NOT NULL)', params: [] }] : []),
  ]);
}
