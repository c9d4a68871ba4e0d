/**
 * Two-factor login's core on a real migrated SQLite file: TOTP through otpauth against
 * RFC 6238's test vectors, one step of clock skew either way accepted and two refused,
 * replay refused, recovery codes single-use and stored hashed, enrolment, reset and the
 * owner's policy.
 */
import { Secret, TOTP } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeRecoveryCode, RECOVERY_CODE_COUNT, recoveryCodesLeft, useRecoveryCode } from '../../server/core/auth/recovery-codes.ts';
import {
  checkCode, confirmEnrolment, hasTwoFactor, newRecoveryCodes, removeTwoFactor, setTwoFactorRequired, startEnrolment, twoFactorRequired, twoFactorState,
} from '../../server/core/auth/two-factor.ts';
import { codeAt, manualKey, matchingStep, otpauthUri, qrSvg, stepAt } from '../../server/core/auth/totp.ts';
import { createPending } from '../../server/core/auth/login-pending.ts';
import { createUser, deleteUser, setPassword } from '../../server/core/users.ts';
import { openTestStore, type TestStore } from './query/store.ts';

let store: TestStore;
beforeEach(() => {
  store = openTestStore();
});
afterEach(() => store.close());

/** In the middle of a step, so ±15 s never crosses into another. */
const T0 = Date.parse('2026-05-01T10:00:15Z');
const STEP = 30_000;

/** RFC 6238 appendix B, SHA-1 rows: the 20-byte ASCII seed "12345678901234567890", 8 digits. */
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it('gives the RFC 6238 test vectors through otpauth, and our 6-digit code is their last six digits', () => {
    const secret = Secret.fromLatin1('12345678901234567890');
    for (const [seconds, expected] of RFC_VECTORS) {
      expect(TOTP.generate({ secret, algorithm: 'SHA1', digits: 8, period: 30, timestamp: seconds * 1000 })).toBe(expected);
      expect(codeAt(secret.base32, seconds * 1000)).toBe(expected.slice(-6));
    }
  });

  it('accepts the code of the current step and of one step either side, and refuses two steps off', () => {
    const secret = Secret.fromLatin1('12345678901234567890').base32;
    const now = 1111111111 * 1000;
    const step = stepAt(now);
    expect(matchingStep(secret, codeAt(secret, now), now)).toBe(step);
    expect(matchingStep(secret, codeAt(secret, now - STEP), now)).toBe(step - 1);
    expect(matchingStep(secret, codeAt(secret, now + STEP), now)).toBe(step + 1);
    expect(matchingStep(secret, codeAt(secret, now - 2 * STEP), now)).toBeNull();
    expect(matchingStep(secret, codeAt(secret, now + 2 * STEP), now)).toBeNull();
    // Spaces as apps show them are fine; anything but six digits is no code.
    const code = codeAt(secret, now);
    expect(matchingStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(step);
    expect(matchingStep(secret, `${code}0`, now)).toBeNull();
    expect(matchingStep(secret, 'abcdef', now)).toBeNull();
  });

  it('writes the otpauth address apps read, the manual key in groups of four and an SVG QR code', () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const uri = otpauthUri(secret, 'anna@example.com', 'stats.example.com');
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.host).toBe('totp');
    expect(parsed.searchParams.get('secret')).toBe(secret);
    expect(parsed.searchParams.get('issuer')).toBe('Teller (stats.example.com)');
    expect(parsed.searchParams.get('algorithm')).toBe('SHA1');
    expect(parsed.searchParams.get('digits')).toBe('6');
    expect(parsed.searchParams.get('period')).toBe('30');
    expect(decodeURIComponent(parsed.pathname)).toContain('anna@example.com');
    expect(manualKey(secret)).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    const svg = qrSvg(uri);
    expect(svg).toMatch(/^<svg[^>]*viewBox/);
    expect(svg).toContain('</svg>');
  });
});

async function enrolled(email = 'anna@example.com'): Promise<{ userId: number; secret: string; codes: string[] }> {
  const userId = await createUser(store.db, email, 'correct horse battery', T0);
  const secret = (await startEnrolment(store.db, userId, T0))!;
  const confirmed = await confirmEnrolment(store.db, userId, codeAt(secret, T0), T0);
  if (!('recoveryCodes' in confirmed)) throw new Error('enrolment failed');
  return { userId, secret, codes: confirmed.recoveryCodes };
}

describe('enrolment', () => {
  it('keeps a started enrolment off until a right code confirms it, then gives ten distinct recovery codes', async () => {
    const userId = await createUser(store.db, 'anna@example.com', 'correct horse battery', T0);
    const secret = (await startEnrolment(store.db, userId, T0))!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await hasTwoFactor(store.db, userId)).toBe(false);
    expect(await confirmEnrolment(store.db, userId, '000000' === codeAt(secret, T0) ? '111111' : '000000', T0)).toEqual({ problem: 'wrong' });
    const confirmed = await confirmEnrolment(store.db, userId, codeAt(secret, T0), T0);
    expect('recoveryCodes' in confirmed && confirmed.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    if (!('recoveryCodes' in confirmed)) return;
    expect(new Set(confirmed.recoveryCodes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of confirmed.recoveryCodes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    expect(await twoFactorState(store.db, userId)).toEqual({ enabledAt: Math.floor(T0 / 1000), recoveryCodesLeft: RECOVERY_CODE_COUNT });
    // On: a new enrolment is refused until it is turned off (a stolen session cannot swap the phone).
    expect(await startEnrolment(store.db, userId, T0)).toBeNull();
    // The confirming code's step is used: it cannot log in afterwards.
    expect(await checkCode(store.db, userId, codeAt(secret, T0), T0)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('confirms only the latest enrolment: a code of a secret started over is wrong', async () => {
    const userId = await createUser(store.db, 'anna@example.com', 'correct horse battery', T0);
    const first = (await startEnrolment(store.db, userId, T0))!;
    const second = (await startEnrolment(store.db, userId, T0))!;
    expect(second).not.toBe(first);
    expect(await confirmEnrolment(store.db, userId, codeAt(first, T0), T0)).toEqual({ problem: 'wrong' });
    expect('recoveryCodes' in (await confirmEnrolment(store.db, userId, codeAt(second, T0), T0))).toBe(true);
  });
});

describe('codes at login', () => {
  it('accepts one step of skew either way, refuses two, and refuses a step at or before the last one accepted', async () => {
    const { userId, secret } = await enrolled();
    const now = T0 + 10 * STEP;
    expect(await checkCode(store.db, userId, codeAt(secret, now - 2 * STEP), now)).toEqual({ ok: false, reason: 'wrong' });
    expect(await checkCode(store.db, userId, codeAt(secret, now + 2 * STEP), now)).toEqual({ ok: false, reason: 'wrong' });
    expect(await checkCode(store.db, userId, codeAt(secret, now - STEP), now)).toEqual({ ok: true, via: 'totp' });
    // The same code again: replay.
    expect(await checkCode(store.db, userId, codeAt(secret, now - STEP), now)).toEqual({ ok: false, reason: 'replayed' });
    expect(await checkCode(store.db, userId, codeAt(secret, now + STEP), now)).toEqual({ ok: true, via: 'totp' });
    // The current step's code is older than the step just taken: refused too.
    expect(await checkCode(store.db, userId, codeAt(secret, now), now)).toEqual({ ok: false, reason: 'replayed' });
    // The next step's code, once its time comes, is new.
    expect(await checkCode(store.db, userId, codeAt(secret, now + 2 * STEP), now + 2 * STEP)).toEqual({ ok: true, via: 'totp' });
  });

  it('gets in once when the same code is sent twice at once', async () => {
    const { userId, secret } = await enrolled();
    const now = T0 + 5 * STEP;
    const results = await Promise.all([0, 1, 2].map(() => checkCode(store.db, userId, codeAt(secret, now), now)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('accepts each recovery code once, in any case and grouping, stores none in clear, and knows how many are left', async () => {
    const { userId, codes } = await enrolled();
    const stored = JSON.stringify(store.db.raw.prepare('SELECT * FROM recovery_codes').all());
    for (const code of codes) expect(stored).not.toContain(normalizeRecoveryCode(code));
    expect(await checkCode(store.db, userId, codes[0]!.toUpperCase().replace(/-/g, ' '), T0)).toEqual({ ok: true, via: 'recovery' });
    expect(await checkCode(store.db, userId, codes[0]!, T0)).toEqual({ ok: false, reason: 'wrong' });
    expect(await recoveryCodesLeft(store.db, userId)).toBe(RECOVERY_CODE_COUNT - 1);
    // Crockford's reading: o for 0, i and l for 1.
    const typed = codes[1]!.replace(/0/g, 'o').replace(/1/g, 'l');
    expect(await checkCode(store.db, userId, typed, T0)).toEqual({ ok: true, via: 'recovery' });
    const twice = await Promise.all([0, 1].map(() => useRecoveryCode(store.db, userId, codes[2]!, T0)));
    expect(twice.filter(Boolean)).toHaveLength(1);
  });

  it("refuses another user's recovery code, and new codes replace the old ones", async () => {
    const anna = await enrolled('anna@example.com');
    const bo = await enrolled('bo@example.com');
    expect(await checkCode(store.db, bo.userId, anna.codes[0]!, T0)).toEqual({ ok: false, reason: 'wrong' });
    const fresh = (await newRecoveryCodes(store.db, anna.userId))!;
    expect(await checkCode(store.db, anna.userId, anna.codes[0]!, T0)).toEqual({ ok: false, reason: 'wrong' });
    expect(await checkCode(store.db, anna.userId, fresh[0]!, T0)).toEqual({ ok: true, via: 'recovery' });
  });
});

describe('turning it off, resetting, deleting, and the owner policy', () => {
  it('removes secret, codes and pending logins; a deleted user leaves no rows', async () => {
    const { userId, codes } = await enrolled();
    expect(await removeTwoFactor(store.db, userId)).toBe(true);
    expect(await hasTwoFactor(store.db, userId)).toBe(false);
    expect(await checkCode(store.db, userId, codes[0]!, T0)).toEqual({ ok: false, reason: 'wrong' });
    expect(await removeTwoFactor(store.db, userId)).toBe(false);
    const other = await enrolled('bo@example.com');
    await createUser(store.db, 'cy@example.com', 'correct horse battery', T0);
    expect(await deleteUser(store.db, other.userId)).toBe(true);
    expect(store.db.raw.prepare('SELECT count(*) AS n FROM two_factor').get()).toEqual({ n: 0 });
    expect(store.db.raw.prepare('SELECT count(*) AS n FROM recovery_codes').get()).toEqual({ n: 0 });
  });

  it('ends a login waiting for its code when the password changes', async () => {
    const { userId } = await enrolled();
    await createPending(store.db, userId, 'code', T0);
    await setPassword(store.db, userId, 'a new password entirely');
    expect(store.db.raw.prepare('SELECT count(*) AS n FROM login_pending').get()).toEqual({ n: 0 });
  });

  it('keeps the instance-wide requirement', async () => {
    expect(await twoFactorRequired(store.db)).toBe(false);
    await setTwoFactorRequired(store.db, true, T0);
    expect(await twoFactorRequired(store.db)).toBe(true);
    await setTwoFactorRequired(store.db, false, T0);
    expect(await twoFactorRequired(store.db)).toBe(false);
  });
});
