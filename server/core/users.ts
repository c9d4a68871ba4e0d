/**
 * Dashboard accounts: owners (every site, settings, users) and viewers (the sites granted
 * to them). `teller user add` and the first-run setup make owners.
 * @module
 */
import { MIN_PASSWORD_LENGTH, hashPassword } from './auth/passwords.ts';
import type { Db } from './ports.ts';

export class UserError extends Error {}

export type Role = 'owner' | 'viewer';

export interface User {
  id: number;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
}

interface UserRow {
  id: number;
  email: string;
  role: string;
  password_hash: string;
  created_at: number;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The stored form of an e-mail address (trimmed, lower-case), or null when it is none. */
export function normalizeEmail(email: string): string | null {
  const address = email.trim().toLowerCase();
  return EMAIL.test(address) && address.length <= 254 ? address : null;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    role: row.role === 'viewer' ? 'viewer' : 'owner',
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  };
}

/** Creates a user and returns its id; throws UserError for a bad address, a short password or a duplicate. */
export async function createUser(db: Db, email: string, password: string, nowMs: number, role: Role = 'owner'): Promise<number> {
  const id = await insertUser(db, email, password, nowMs, role, false);
  if (id === null) throw new UserError(`user ${normalizeEmail(email)} already exists`);
  return id;
}

/**
 * Creates the first owner, only while there is no user at all: the check is part of the
 * insert, so two first runs at once cannot both succeed. Null when a user exists.
 */
export async function createFirstOwner(db: Db, email: string, password: string, nowMs: number): Promise<number | null> {
  return insertUser(db, email, password, nowMs, 'owner', true);
}

async function insertUser(db: Db, email: string, password: string, nowMs: number, role: Role, onlyFirst: boolean): Promise<number | null> {
  const address = normalizeEmail(email);
  if (address === null) throw new UserError(email.trim() === '' ? 'an e-mail address is required' : `"${email.slice(0, 100)}" is not an e-mail address`);
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  const passwordHash = await hashPassword(password);
  // One statement decides, so simultaneous adds get a clear answer, not a constraint error.
  const inserted = await db.run(
    `INSERT INTO users (email, password_hash, role, created_at) SELECT ?, ?, ?, ?
      WHERE ${onlyFirst ? 'NOT EXISTS (SELECT 1 FROM users)' : '1'} ON CONFLICT (email) DO NOTHING`,
    [address, passwordHash, role, Math.floor(nowMs / 1000)],
  );
  return inserted.changes === 0 ? null : inserted.lastRowId;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | null> {
  const address = normalizeEmail(email);
  if (address === null) return null;
  const row = await db.first<UserRow>('SELECT * FROM users WHERE email = ?', [address]);
  return row ? toUser(row) : null;
}

export async function findUserById(db: Db, id: number): Promise<User | null> {
  const row = await db.first<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
  return row ? toUser(row) : null;
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.all<UserRow>('SELECT * FROM users ORDER BY email')).map(toUser);
}

export async function anyUserExists(db: Db): Promise<boolean> {
  return (await db.first('SELECT 1 AS one FROM users LIMIT 1')) !== null;
}

/** Ids of the sites granted to a viewer. */
export async function grantedSiteIds(db: Db, userId: number): Promise<number[]> {
  const rows = await db.all<{ site_id: number }>('SELECT site_id FROM user_sites WHERE user_id = ? ORDER BY site_id', [userId]);
  return rows.map((r) => r.site_id);
}

/** Replaces a viewer's granted sites in one atomic batch. */
export async function setGrantedSites(db: Db, userId: number, siteIds: readonly number[]): Promise<void> {
  await db.batch([
    { sql: 'DELETE FROM user_sites WHERE user_id = ?', params: [userId] },
    ...[...new Set(siteIds)].map((siteId) => ({ sql: 'INSERT INTO user_sites (user_id, site_id) VALUES (?, ?)', params: [userId, siteId] })),
  ]);
}

/**
 * Deletes a user, their sessions, grants and two-factor login; refuses the last owner (nobody could manage
 * the instance then). False when there is no such user.
 */
export async function deleteUser(db: Db, id: number): Promise<boolean> {
  const user = await findUserById(db, id);
  if (!user) return false;
  // The guard is in the statement itself, so two owners deleting each other at once cannot both succeed.
  const deleted = await db.run(
    `DELETE FROM users WHERE id = ? AND (role <> 'owner' OR (SELECT count(*) FROM users WHERE role = 'owner') > 1)`,
    [id],
  );
  if (deleted.changes === 0) throw new UserError('the last owner cannot be deleted');
  await db.batch([
    { sql: 'DELETE FROM sessions WHERE user_id = ?', params: [id] },
    { sql: 'DELETE FROM user_sites WHERE user_id = ?', params: [id] },
    { sql: 'DELETE FROM two_factor WHERE user_id = ?', params: [id] },
    { sql: 'DELETE FROM recovery_codes WHERE user_id = ?', params: [id] },
    { sql: 'DELETE FROM login_pending WHERE user_id = ?', params: [id] },
  ]);
  return true;
}

/**
 * Replaces a user's password; throws UserError for one too short. A login that gave the old
 * password and still waits for its two-factor code ends with it.
 */
export async function setPassword(db: Db, userId: number, password: string): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  await db.batch([
    { sql: 'UPDATE users SET password_hash = ? WHERE id = ?', params: [await hashPassword(password), userId] },
    { sql: 'DELETE FROM login_pending WHERE user_id = ?', params: [userId] },
  ]);
}
