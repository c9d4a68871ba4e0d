/**
 * Owner accounts for the dashboard.
 * @module
 */
import { MIN_PASSWORD_LENGTH, hashPassword } from './auth/passwords.ts';
import type { Db } from './ports.ts';

export class UserError extends Error {}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function createUser(db: Db, email: string, password: string, nowMs: number): Promise<void> {
  const address = email.trim().toLowerCase();
  if (!EMAIL.test(address) || address.length > 254) throw new UserError(`"${email}" is not an e-mail address`);
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (await db.first('SELECT 1 FROM users WHERE email = ?', [address])) throw new UserError(`user ${address} already exists`);
  await db.run('INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)', [
    address,
    await hashPassword(password),
    Math.floor(nowMs / 1000),
  ]);
}
