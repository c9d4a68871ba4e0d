/**
 * Bearer-token checks shared by the Stats and Sites APIs. One message for a missing or
 * invalid token and for a site the token may not read, so a site's existence never leaks.
 * @module
 */
import type { Context } from 'hono';
import type { AppDeps } from '../ports.ts';
import { SHORT_ADMIN_TOKEN } from '../config.ts';
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

/**
 * The answer to a request that presents a TELLER_ADMIN_TOKEN too short to be used (Workers
 * goes on collecting events with one): the operator learns why, everyone else gets the
 * usual 401 from the route itself.
 */
export function refusedAdminToken(deps: ApiDeps, c: Context): Response | null {
  const refused = deps.config.refusedAdminToken;
  if (!refused || bearerToken(c.req.header('authorization')) !== refused) return null;
  return c.json({ error: `${SHORT_ADMIN_TOKEN}; this one is refused until it is replaced by a longer one.` }, 401);
}
