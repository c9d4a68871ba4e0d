/**
 * Bearer-token checks shared by the Stats and Sites APIs. One message for a missing or
 * invalid token and for a site the token may not read, so a site's existence never leaks.
 * @module
 */
import type { Context } from 'hono';
import type { AppDeps } from '../ports.ts';
import { bearerToken, verifyToken, type TokenGrant } from '../tokens.ts';

export const UNAUTHORIZED =
  "Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've requested.";

export type ApiDeps = Pick<AppDeps, 'db' | 'config' | 'clock'>;

/** The grant of the request's bearer token, or null. */
export async function requestGrant(deps: ApiDeps, c: Context): Promise<TokenGrant | null> {
  const token = bearerToken(c.req.header('authorization'));
  return token === null ? null : verifyToken(deps.db, deps.config, token);
}

export function unauthorized(c: Context): Response {
  return c.json({ error: UNAUTHORIZED }, 401);
}

export function badRequest(c: Context, message: string): Response {
  return c.json({ error: message }, 400);
}
