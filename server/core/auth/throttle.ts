/**
 * Login throttling, in the database so every Workers isolate sees the same counts. Each
 * attempt is counted before its password is checked, in one atomic statement per key, so
 * attempts made in parallel see each other: the sixth of a hundred sent at once is already
 * refused. Three counts in a fixed window:
 * - one account from one address block (/24, /48): a guesser there is refused soon;
 * - any account from one address block: one place cannot try many accounts;
 * - one account from anywhere: past it, only address blocks that have logged in to the
 *   account before may go on trying. So someone else's wrong passwords never lock the owner
 *   out at home; at worst the owner waits out the window when logging in from a new place
 *   while the account is under attack from many places.
 * A successful login takes its attempt back from the address and account counts and clears
 * the account-and-block count.
 * @module
 */
import type { Db, Stmt } from '../ports.ts';
import { tokenHash } from '../tokens.ts';

export const THROTTLE_WINDOW_SECONDS = 15 * 60;
/** Attempts at one account from one address block. */
export const MAX_PAIR_ATTEMPTS = 5;
/** Attempts at any accounts from one address block. */
export const MAX_ADDRESS_ATTEMPTS = 20;
/** Attempts at one account from all address blocks, after which unknown blocks are refused. */
export const MAX_ACCOUNT_ATTEMPTS = 50;
/** First-run setups with a wrong code from one address block. */
export const MAX_SETUP_ATTEMPTS = 10;
/** How long a block that logged in to an account is remembered as the account's own. */
export const KNOWN_BLOCK_SECONDS = 180 * 86_400;

export interface ThrottleKeys {
  /** `pair:<address>|<block>` */
  pair: string;
  /** `addr:<block>` */
  address: string;
  /** `email:<address>` */
  account: string;
  /** What identifies the account and block together among known blocks (hashed before storing). */
  known: string | null;
}

/** An unknown client address (no socket address, no CF-Connecting-IP) counts as one block of its own. */
const UNKNOWN_BLOCK = 'unknown';

export function throttleKeys(email: string, truncatedAddress: string | null): ThrottleKeys {
  const account = email.trim().toLowerCase();
  const block = truncatedAddress ?? UNKNOWN_BLOCK;
  return {
    pair: `pair:${account}|${block}`,
    address: `addr:${block}`,
    account: `email:${account}`,
    known: truncatedAddress === null ? null : `${account}|${truncatedAddress}`,
  };
}

interface Count {
  count: number;
  /** Seconds until the window of this count ends. */
  left: number;
}

/**
 * Counts one attempt against `key` and returns the count including it: the read and the
 * increment are one statement, so parallel attempts each see a different count.
 */
export async function countAttempt(db: Db, key: string, nowMs: number): Promise<Count> {
  const now = Math.floor(nowMs / 1000);
  const expired = now - THROTTLE_WINDOW_SECONDS;
  const row = await db.first<{ failures: number; window_start: number }>(
    `INSERT INTO login_failures (key, failures, window_start) VALUES (?, 1, ?)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN window_start <= ? THEN 1 ELSE failures + 1 END,
       window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END
     RETURNING failures, window_start`,
    [key, now, expired, expired],
  );
  return { count: row?.failures ?? 1, left: Math.max(1, (row?.window_start ?? now) + THROTTLE_WINDOW_SECONDS - now) };
}

/** Old windows go as new attempts arrive, so the tables stay as small as the current attacks. */
async function sweep(db: Db, nowMs: number): Promise<void> {
  const now = Math.floor(nowMs / 1000);
  await db.batch([
    { sql: 'DELETE FROM login_failures WHERE window_start <= ?', params: [now - THROTTLE_WINDOW_SECONDS] },
    { sql: 'DELETE FROM login_known_blocks WHERE last_success_at <= ?', params: [now - KNOWN_BLOCK_SECONDS] },
  ]);
}

async function isKnownBlock(db: Db, keys: ThrottleKeys): Promise<boolean> {
  if (keys.known === null) return false;
  return (await db.first('SELECT 1 AS x FROM login_known_blocks WHERE key_hash = ?', [await tokenHash(keys.known)])) !== null;
}

/**
 * Counts a login attempt before its password is checked. Returns the seconds to wait when
 * it must be refused, or 0 when the password may be checked.
 */
export async function admitAttempt(db: Db, keys: ThrottleKeys, nowMs: number): Promise<number> {
  await sweep(db, nowMs);
  const pair = await countAttempt(db, keys.pair, nowMs);
  const address = await countAttempt(db, keys.address, nowMs);
  const account = await countAttempt(db, keys.account, nowMs);
  let wait = 0;
  if (pair.count > MAX_PAIR_ATTEMPTS) wait = Math.max(wait, pair.left);
  if (address.count > MAX_ADDRESS_ATTEMPTS) wait = Math.max(wait, address.left);
  if (account.count > MAX_ACCOUNT_ATTEMPTS && !(await isKnownBlock(db, keys))) wait = Math.max(wait, account.left);
  return wait;
}

/**
 * After a successful login: its attempt is taken back from the address and account counts,
 * the account-and-block count starts again, and the block is remembered as the account's.
 */
export async function attemptSucceeded(db: Db, keys: ThrottleKeys, nowMs: number): Promise<void> {
  const now = Math.floor(nowMs / 1000);
  const stmts: Stmt[] = [
    { sql: 'DELETE FROM login_failures WHERE key = ?', params: [keys.pair] },
    { sql: 'UPDATE login_failures SET failures = failures - 1 WHERE key IN (?, ?) AND failures > 0', params: [keys.address, keys.account] },
  ];
  if (keys.known !== null) {
    stmts.push({
      sql: 'INSERT INTO login_known_blocks (key_hash, last_success_at) VALUES (?, ?) ON CONFLICT (key_hash) DO UPDATE SET last_success_at = excluded.last_success_at',
      params: [await tokenHash(keys.known), now],
    });
  }
  await db.batch(stmts);
}

/** Counts a first-run setup attempt from an address block; the seconds to wait, or 0. */
export async function admitSetupAttempt(db: Db, truncatedAddress: string | null, nowMs: number): Promise<number> {
  await sweep(db, nowMs);
  const attempt = await countAttempt(db, `setup:${truncatedAddress ?? UNKNOWN_BLOCK}`, nowMs);
  return attempt.count > MAX_SETUP_ATTEMPTS ? attempt.left : 0;
}
