/**
 * Login throttling: failures are counted per account and per truncated client address in
 * a fixed window, in the database, so every Workers isolate sees the same counts.
 * @module
 */
import type { Db } from '../ports.ts';

export const THROTTLE_WINDOW_SECONDS = 15 * 60;
export const MAX_ACCOUNT_FAILURES = 5;
export const MAX_ADDRESS_FAILURES = 20;

export interface ThrottleKeys {
  /** `email:<address>` */
  account: string;
  /** `addr:<truncated IP>`, or null when the address is unknown. */
  address: string | null;
}

export function throttleKeys(email: string, truncatedAddress: string | null): ThrottleKeys {
  return { account: `email:${email.trim().toLowerCase()}`, address: truncatedAddress === null ? null : `addr:${truncatedAddress}` };
}

function keyList(keys: ThrottleKeys): Array<[string, number]> {
  const list: Array<[string, number]> = [[keys.account, MAX_ACCOUNT_FAILURES]];
  if (keys.address !== null) list.push([keys.address, MAX_ADDRESS_FAILURES]);
  return list;
}

/** Seconds until another attempt is allowed, or 0 when one is allowed now. */
export async function throttledFor(db: Db, keys: ThrottleKeys, nowMs: number): Promise<number> {
  const now = Math.floor(nowMs / 1000);
  let wait = 0;
  for (const [key, max] of keyList(keys)) {
    const row = await db.first<{ failures: number; window_start: number }>('SELECT failures, window_start FROM login_failures WHERE key = ?', [key]);
    const left = row ? row.window_start + THROTTLE_WINDOW_SECONDS - now : 0;
    if (row && left > 0 && row.failures >= max) wait = Math.max(wait, left);
  }
  return wait;
}

/** Counts a failed attempt against each key; a window that has passed starts again. */
export async function recordFailure(db: Db, keys: ThrottleKeys, nowMs: number): Promise<void> {
  const now = Math.floor(nowMs / 1000);
  await db.batch([
    // Old windows go as new failures arrive, so the table stays as small as the current attacks.
    { sql: 'DELETE FROM login_failures WHERE window_start <= ?', params: [now - THROTTLE_WINDOW_SECONDS] },
    ...keyList(keys).map(([key]) => ({
      sql: `INSERT INTO login_failures (key, failures, window_start) VALUES (?, 1, ?)
            ON CONFLICT (key) DO UPDATE SET
              failures = CASE WHEN window_start <= ? THEN 1 ELSE failures + 1 END,
              window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END`,
      params: [key, now, now - THROTTLE_WINDOW_SECONDS, now - THROTTLE_WINDOW_SECONDS],
    })),
  ]);
}

/** A successful login clears its account's count (not the address's: one good password should not unlock guessing others). */
export async function clearAccountFailures(db: Db, keys: ThrottleKeys): Promise<void> {
  await db.run('DELETE FROM login_failures WHERE key = ?', [keys.account]);
}
