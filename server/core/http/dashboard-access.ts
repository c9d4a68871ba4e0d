/**
 * What every dashboard JSON route needs: who is asking (session or shared link), which
 * site they may see, and a bounded JSON body. Answers are 4xx JSON with one message.
 * @module
 */
import type { Context } from 'hono';
import { findSite, type Site } from '../sites.ts';
import { mayRead } from '../tokens.ts';
import { crossOrigin, requestAccess, type Access, type ApiDeps } from './api-auth.ts';
import { readBody } from './body.ts';

/** Dashboard request bodies are small forms; settings with long lists stay well under this. */
const MAX_DASHBOARD_BODY = 64 * 1024;

export const NOT_LOGGED_IN = 'not logged in';
export const OWNER_ONLY = 'only the owner may do this';
export const UNKNOWN_SITE = 'unknown site';

/** A result, or the error answer to send instead. */
export type Outcome<T> = { ok: T } | { response: Response };

export function fail(c: Context, status: 400 | 401 | 403 | 404 | 409 | 413 | 429, error: string, headers?: Record<string, string>): { response: Response } {
  return { response: c.json({ error }, status, headers) };
}

/** A dashboard user (session) or shared link; bearer tokens are for the Stats and Sites APIs. */
export async function dashboardAccess(deps: ApiDeps, c: Context): Promise<Outcome<Exclude<Access, { via: 'token' }>>> {
  const access = await requestAccess(deps, c);
  if (access && 'crossOrigin' in access) return { response: crossOrigin(c) };
  if (!access || access.via === 'token') return fail(c, 401, NOT_LOGGED_IN);
  return { ok: access };
}

/** A logged-in user (owner or viewer); 403 for a shared link, which sees its site's statistics only. */
export async function sessionAccess(deps: ApiDeps, c: Context): Promise<Outcome<Extract<Access, { via: 'session' }>>> {
  const access = await dashboardAccess(deps, c);
  if ('response' in access) return access;
  if (access.ok.via !== 'session') return fail(c, 403, 'a shared link reads its site\'s statistics only');
  return { ok: access.ok };
}

/** The owner's session; 401 without a session, 403 for a viewer or a shared link. */
export async function ownerAccess(deps: ApiDeps, c: Context): Promise<Outcome<Extract<Access, { via: 'session' }>>> {
  const access = await dashboardAccess(deps, c);
  if ('response' in access) return access;
  if (access.ok.via !== 'session' || access.ok.user.role !== 'owner') return fail(c, 403, OWNER_ONLY);
  return { ok: access.ok };
}

/**
 * The site of the `:domain` parameter if `access` may read it. An unknown site and one
 * the caller may not read get the same 404, so existence never leaks.
 */
export async function readableSite(deps: ApiDeps, c: Context, access: Access): Promise<Outcome<Site>> {
  const site = await findSite(deps.db, c.req.param('domain') ?? '');
  if (!site || !mayRead(access.grant, site.id)) return fail(c, 404, UNKNOWN_SITE);
  return { ok: site };
}

/** The owner's session and the `:domain` site, or the answer to send. */
export async function ownedSite(deps: ApiDeps, c: Context): Promise<Outcome<Site>> {
  const owner = await ownerAccess(deps, c);
  if ('response' in owner) return owner;
  return readableSite(deps, c, owner.ok);
}

/** The request's JSON object body (an empty body reads as `{}`), read with a bound. */
export async function jsonBody(c: Context): Promise<Outcome<Record<string, unknown>>> {
  const read = await readBody(c, MAX_DASHBOARD_BODY);
  if ('tooLarge' in read) return fail(c, 413, `request body is larger than ${MAX_DASHBOARD_BODY} bytes`);
  if (read.text.trim() === '') return { ok: {} };
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch {
    return fail(c, 400, 'body: not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(c, 400, 'body: a JSON object is expected');
  return { ok: value as Record<string, unknown> };
}

/** A string field, or the 400 naming it. */
export function stringField(c: Context, body: Record<string, unknown>, name: string, maxLength = 1000): Outcome<string> {
  const value = body[name];
  if (typeof value !== 'string') return fail(c, 400, `${name}: a string is required`);
  if (value.length > maxLength) return fail(c, 400, `${name}: at most ${maxLength} characters`);
  return { ok: value };
}

/** The `email` and `password` of a login, a first run or a new user, or the 400 naming the field. */
export function credentialsField(c: Context, body: Record<string, unknown>): Outcome<{ email: string; password: string }> {
  const email = stringField(c, body, 'email', 254);
  if ('response' in email) return email;
  const password = stringField(c, body, 'password');
  if ('response' in password) return password;
  return { ok: { email: email.ok, password: password.ok } };
}

/** An optional boolean field, or the 400 naming it. */
export function booleanField(c: Context, body: Record<string, unknown>, name: string): Outcome<boolean | undefined> {
  const value = body[name];
  if (value === undefined || typeof value === 'boolean') return { ok: value };
  return fail(c, 400, `${name}: true or false is expected`);
}
