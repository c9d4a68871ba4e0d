/**
 * Recovery codes: ten per user, shown once, each accepted once instead of a TOTP code.
 * A code is 16 characters of Crockford's base32 (digits and letters without i, l, o, u: 80
 * random bits), shown as four groups of four; typed back, o reads as 0 and i or l as 1,
 * as Crockford's decoding says.
 *
 * Stored as SHA-256 of the user id and the code, as session ids and tokens are
 * (tokens.ts), not with PBKDF2 as passwords are: a slow hash protects guessable secrets,
 * and 80 random bits are out of reach of any offline search however fast the hash, while
 * every recovery attempt would pay the slow hash's CPU (Workers counts it). The user id in
 * the hash keeps a row from being valid for another user.
 * @module
 */
import type { Db } from '../ports.ts';
import { tokenHash } from '../tokens.ts';

export const RECOVERY_CODE_COUNT = 10;
/** 32 letters, so a random byte's low 5 bits pick one evenly. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_LENGTH = 16;

/** One new code, `xxxx-xxxx-xxxx-xxxx`. */
export function newRecoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
  const plain = Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
  return plain.match(/.{4}/g)!.join('-');
}

/** A typed code as compared: lower case, without spaces and hyphens; null when it cannot be one. */
export function normalizeRecoveryCode(text: string): string | null {
  const plain = text.toLowerCase().replace(/[\s-]+/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  return plain.length === CODE_LENGTH && [...plain].every((ch) => ALPHABET.includes(ch)) ? plain : null;
}

async function codeHash(userId: number, plain: string): Promise<string> {
  return tokenHash(`teller recovery code|${userId}|${plain}`);
}

/** Replaces a user's recovery codes with ten new ones and returns them (they are kept nowhere else). */
export async function replaceRecoveryCodes(db: Db, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const rows = await Promise.all(codes.map(async (code) => ({ sql: 'INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)', params: [userId, await codeHash(userId, normalizeRecoveryCode(code)!)] })));
  await db.batch([{ sql: 'DELETE FROM recovery_codes WHERE user_id = ?', params: [userId] }, ...rows]);
  return codes;
}

/**
 * Uses a recovery code: true once for each of the user's codes. Marking it used is the
 * check itself (one statement), so the same code sent twice at once gets in once.
 */
export async function useRecoveryCode(db: Db, userId: number, text: string, nowMs: number): Promise<boolean> {
  const plain = normalizeRecoveryCode(text);
  if (plain === null) return false;
  const used = await db.run('UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL', [
    Math.floor(nowMs / 1000),
    userId,
    await codeHash(userId, plain),
  ]);
  return used.changes === 1;
}

/** How many of a user's recovery codes are still unused. */
export async function recoveryCodesLeft(db: Db, userId: number): Promise<number> {
  return (await db.first<{ n: number }>('SELECT count(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL', [userId]))?.n ?? 0;
}
