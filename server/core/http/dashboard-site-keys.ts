/**
 * A site's keys to its statistics, managed by the owner: Stats API tokens (shown once,
 * listed by prefix, revoked) and the shared link (made, changed, revoked).
 * @module
 */
import { Hono, type Context } from 'hono';
import { requestOrigin } from '../auth/request-origin.ts';
import { createSharedLink, revokeSharedLink, siteLink, updateSharedLink, type SharedLink } from '../auth/shared-links.ts';
import type { SharedLinkInfo, TokenInfo } from '../dashboard/contract.ts';
import type { Site } from '../sites.ts';
import { createTokenRow, listSiteTokens, revokeSiteToken, TOKEN_PREFIX_LENGTH } from '../tokens.ts';
import type { ApiDeps } from './api-auth.ts';
import { booleanField, fail, jsonBody, ownedSite, type Outcome } from './dashboard-access.ts';

function linkInfo(link: SharedLink): SharedLinkInfo {
  return { prefix: link.prefix, showVisits: link.showVisits, embeddable: link.embeddable, createdAt: link.createdAt };
}

async function linkOptions(c: Context): Promise<Outcome<{ showVisits?: boolean; embeddable?: boolean }>> {
  const body = await jsonBody(c);
  if ('response' in body) return body;
  const showVisits = booleanField(c, body.ok, 'showVisits');
  if ('response' in showVisits) return showVisits;
  const embeddable = booleanField(c, body.ok, 'embeddable');
  if ('response' in embeddable) return embeddable;
  const options: { showVisits?: boolean; embeddable?: boolean } = {};
  if (showVisits.ok !== undefined) options.showVisits = showVisits.ok;
  if (embeddable.ok !== undefined) options.embeddable = embeddable.ok;
  return { ok: options };
}

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
    const now = deps.clock();
    const { token, id } = await createTokenRow(deps.db, { siteId: site.ok.id }, now);
    const info: TokenInfo = { id, prefix: token.slice(0, TOKEN_PREFIX_LENGTH), createdAt: Math.floor(now / 1000), lastUsedAt: null };
    return c.json({ token, info });
  });

  app.delete('/api/dashboard/sites/:domain/tokens/:id', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const id = c.req.param('id');
    if (!/^\d{1,15}$/.test(id) || !(await revokeSiteToken(deps.db, site.ok.id, Number(id)))) return fail(c, 404, 'unknown token').response;
    return c.json({ revoked: true });
  });

  app.get('/api/dashboard/sites/:domain/shared-link', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const link = await siteLink(deps.db, site.ok.id);
    return c.json({ link: link && linkInfo(link) });
  });

  app.post('/api/dashboard/sites/:domain/shared-link', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const options = await linkOptions(c);
    if ('response' in options) return options.response;
    const { link, token } = await createSharedLink(deps.db, site.ok.id, options.ok, deps.clock());
    return c.json({ link: linkInfo(link), url: `${requestOrigin(deps, c)}/share/${token}` });
  });

  app.patch('/api/dashboard/sites/:domain/shared-link', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const options = await linkOptions(c);
    if ('response' in options) return options.response;
    const link = await updateSharedLink(deps.db, site.ok.id, options.ok);
    if (!link) return fail(c, 404, 'this site has no shared link').response;
    return c.json({ link: linkInfo(link) });
  });

  app.delete('/api/dashboard/sites/:domain/shared-link', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    if (!(await revokeSharedLink(deps.db, site.ok.id))) return fail(c, 404, 'this site has no shared link').response;
    return c.json({ revoked: true });
  });

  return app;
}
