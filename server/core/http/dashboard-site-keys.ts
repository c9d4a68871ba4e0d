/**
 * A site's keys to its statistics, managed by the owner: Stats API tokens (with their
 * scopes; shown once, listed by prefix, revoked) and the named shared links (made, listed with their address,
 * changed, protected by a password, revoked one by one).
 * @module
 */
import { Hono, type Context } from 'hono';
import { requestOrigin } from '../auth/request-origin.ts';
import { MIN_PASSWORD_LENGTH } from '../auth/passwords.ts';
import { createSharedLink, MAX_LINK_NAME, revokeSharedLink, siteLinks, updateSharedLink, type LinkOptions, type SharedLink } from '../auth/shared-links.ts';
import type { SharedLinkInfo, TokenInfo } from '../dashboard-api/contract.ts';
import type { Site } from '../sites.ts';
import { createTokenRow, DEFAULT_SCOPES, listSiteTokens, parseScopes, revokeSiteToken, type Scope, SCOPES, TOKEN_PREFIX_LENGTH } from '../tokens.ts';
import type { ApiDeps } from './api-auth.ts';
import { booleanField, fail, jsonBody, ownedSite, stringField, type Outcome } from './dashboard-access.ts';

function linkInfo(deps: ApiDeps, c: Context, link: SharedLink): SharedLinkInfo {
  return {
    id: link.id,
    name: link.name,
    prefix: link.prefix,
    url: link.token === null ? null : `${requestOrigin(deps, c)}/share/${link.token}`,
    showVisits: link.showVisits,
    embeddable: link.embeddable,
    protected: link.passwordHash !== null,
    createdAt: link.createdAt,
    lastUsedAt: link.lastUsedAt,
  };
}

/** A link's name: trimmed, not empty, bounded. */
function nameField(c: Context, body: Record<string, unknown>): Outcome<string | undefined> {
  if (body.name === undefined) return { ok: undefined };
  const name = stringField(c, body, 'name', MAX_LINK_NAME);
  if ('response' in name) return name;
  const trimmed = name.ok.trim();
  return trimmed ? { ok: trimmed } : fail(c, 400, 'name: a link needs a name');
}

/** A new password (at least as long as users' passwords), null to remove it, or absent. */
function passwordField(c: Context, body: Record<string, unknown>): Outcome<string | null | undefined> {
  const value = body.password;
  if (value === undefined || value === null) return { ok: value };
  const password = stringField(c, body, 'password');
  if ('response' in password) return fail(c, 400, 'password: a string, or null to remove the password');
  if (password.ok.length < MIN_PASSWORD_LENGTH) return fail(c, 400, `password: at least ${MIN_PASSWORD_LENGTH} characters`);
  return { ok: password.ok };
}

async function linkOptions(c: Context): Promise<Outcome<LinkOptions>> {
  const body = await jsonBody(c);
  if ('response' in body) return body;
  const name = nameField(c, body.ok);
  if ('response' in name) return name;
  const showVisits = booleanField(c, body.ok, 'showVisits');
  if ('response' in showVisits) return showVisits;
  const embeddable = booleanField(c, body.ok, 'embeddable');
  if ('response' in embeddable) return embeddable;
  const password = passwordField(c, body.ok);
  if ('response' in password) return password;
  const options: LinkOptions = {};
  if (name.ok !== undefined) options.name = name.ok;
  if (showVisits.ok !== undefined) options.showVisits = showVisits.ok;
  if (embeddable.ok !== undefined) options.embeddable = embeddable.ok;
  if (password.ok !== undefined) options.password = password.ok;
  return { ok: options };
}

/** A new token's scopes: a list of scope names, or absent for DEFAULT_SCOPES. */
function scopesField(c: Context, body: Record<string, unknown>): Outcome<Scope[]> {
  const value = body.scopes;
  if (value === undefined) return { ok: [...DEFAULT_SCOPES] };
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) return fail(c, 400, `scopes: a list of scope names (${SCOPES.join(', ')})`);
  const parsed = parseScopes(value);
  return 'problem' in parsed ? fail(c, 400, `scopes: ${parsed.problem}`) : { ok: parsed.scopes };
}

/** The `:id` of a link route as a number, or null. */
function linkId(c: Context): number | null {
  const id = c.req.param('id') ?? '';
  return /^\d{1,15}$/.test(id) ? Number(id) : null;
}

const UNKNOWN_LINK = 'unknown shared link';

export function dashboardSiteKeys(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/api/dashboard/sites/:domain/tokens', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const tokens: TokenInfo[] = await listSiteTokens(deps.db, site.ok.id);
    return c.json({ tokens });
  });

  app.post('/api/dashboard/sites/:domain/tokens', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const scopes = scopesField(c, body.ok);
    if ('response' in scopes) return scopes.response;
    const now = deps.clock();
    const { token, id } = await createTokenRow(deps.db, { siteId: site.ok.id, scopes: scopes.ok }, now);
    const info: TokenInfo = { id, prefix: token.slice(0, TOKEN_PREFIX_LENGTH), scopes: scopes.ok, createdAt: Math.floor(now / 1000), lastUsedAt: null };
    return c.json({ token, info });
  });

  app.delete('/api/dashboard/sites/:domain/tokens/:id', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const id = c.req.param('id');
    if (!/^\d{1,15}$/.test(id) || !(await revokeSiteToken(deps.db, site.ok.id, Number(id)))) return fail(c, 404, 'unknown token').response;
    return c.json({ revoked: true });
  });

  app.get('/api/dashboard/sites/:domain/shared-links', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const links = await siteLinks(deps.db, site.ok.id);
    return c.json({ links: links.map((link) => linkInfo(deps, c, link)) });
  });

  app.post('/api/dashboard/sites/:domain/shared-links', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const options = await linkOptions(c);
    if ('response' in options) return options.response;
    const { link } = await createSharedLink(deps.db, site.ok.id, options.ok, deps.clock());
    return c.json({ link: linkInfo(deps, c, link) });
  });

  app.patch('/api/dashboard/sites/:domain/shared-links/:id', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const options = await linkOptions(c);
    if ('response' in options) return options.response;
    const id = linkId(c);
    const link = id === null ? null : await updateSharedLink(deps.db, site.ok.id, id, options.ok);
    if (!link) return fail(c, 404, UNKNOWN_LINK).response;
    return c.json({ link: linkInfo(deps, c, link) });
  });

  app.delete('/api/dashboard/sites/:domain/shared-links/:id', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const id = linkId(c);
    if (id === null || !(await revokeSharedLink(deps.db, site.ok.id, id, deps.clock()))) return fail(c, 404, UNKNOWN_LINK).response;
    return c.json({ revoked: true });
  });

  return app;
}
