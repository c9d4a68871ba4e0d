/**
 * Users, for the owner: list, add a viewer with their sites (none only when said so), change a viewer's sites or
 * password, delete (never the last owner; their sessions end with them).
 * @module
 */
import { Hono, type Context } from 'hono';
import type { UserInfo } from '../dashboard-api/contract.ts';
import { findSite, listSites } from '../sites.ts';
import { endSessionsOf } from '../auth/sessions.ts';
import { usersWithTwoFactor } from '../auth/two-factor.ts';
import { createUser, deleteUser, findUserById, grantedSiteIds, listUsers, setGrantedSites, setPassword, UserError, type User } from '../users.ts';
import type { ApiDeps } from './api-auth.ts';
import { booleanField, credentialsField, fail, jsonBody, ownerAccess, stringField, type Outcome } from './dashboard-access.ts';

const MAX_SITES_PER_REQUEST = 1000;

export const NO_SITES = 'sites: a viewer with no site sees nothing; name at least one site, or send "noSites": true to add them now and grant sites later';

async function userInfo(deps: ApiDeps, user: User, domains: ReadonlyMap<number, string>, twoFactor?: ReadonlySet<number>): Promise<UserInfo> {
  const sites = user.role === 'owner' ? [...domains.values()] : (await grantedSiteIds(deps.db, user.id)).map((id) => domains.get(id)).filter((d): d is string => d !== undefined);
  const withTwoFactor = twoFactor ?? (await usersWithTwoFactor(deps.db));
  return { id: user.id, email: user.email, role: user.role, sites: sites.sort(), createdAt: user.createdAt, twoFactor: withTwoFactor.has(user.id) };
}

async function siteDomains(deps: ApiDeps): Promise<Map<number, string>> {
  return new Map((await listSites(deps.db)).map((s) => [s.id, s.domain]));
}

/** The site ids of a `sites` list of domains, or the 400 naming the unknown one. */
async function siteIdsOf(deps: ApiDeps, c: Context, input: unknown): Promise<Outcome<number[]>> {
  if (!Array.isArray(input) || input.length > MAX_SITES_PER_REQUEST || !input.every((d) => typeof d === 'string')) {
    return fail(c, 400, 'sites: a list of domains is expected');
  }
  const ids: number[] = [];
  for (const domain of input as string[]) {
    const site = await findSite(deps.db, domain);
    if (!site) return fail(c, 400, `sites: unknown site "${domain.slice(0, 100)}"`);
    ids.push(site.id);
  }
  return { ok: ids };
}

function userId(c: Context): number | null {
  const id = c.req.param('id') ?? '';
  return /^\d{1,15}$/.test(id) ? Number(id) : null;
}

export function dashboardUsers(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/api/dashboard/users', async (c) => {
    const owner = await ownerAccess(deps, c);
    if ('response' in owner) return owner.response;
    const domains = await siteDomains(deps);
    const twoFactor = await usersWithTwoFactor(deps.db);
    const users = [];
    for (const user of await listUsers(deps.db)) users.push(await userInfo(deps, user, domains, twoFactor));
    return c.json({ users });
  });

  app.post('/api/dashboard/users', async (c) => {
    const owner = await ownerAccess(deps, c);
    if ('response' in owner) return owner.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const credentials = credentialsField(c, body.ok);
    if ('response' in credentials) return credentials.response;
    const { email, password } = credentials.ok;
    if (body.ok.role !== undefined && body.ok.role !== 'viewer') return fail(c, 400, 'role: only viewers can be added here').response;
    const sites = await siteIdsOf(deps, c, body.ok.sites ?? []);
    if ('response' in sites) return sites.response;
    // A viewer with no site sees nothing: an oversight unless the owner says it is meant.
    const noSites = booleanField(c, body.ok, 'noSites');
    if ('response' in noSites) return noSites.response;
    if (sites.ok.length === 0 && noSites.ok !== true) return fail(c, 400, NO_SITES).response;
    let id: number;
    try {
      id = await createUser(deps.db, email, password, deps.clock(), 'viewer');
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return fail(c, 400, `${e.message.startsWith('password') ? '' : 'email: '}${e.message}`).response;
    }
    await setGrantedSites(deps.db, id, sites.ok);
    const user = await findUserById(deps.db, id);
    if (!user) return fail(c, 404, 'unknown user').response;
    return c.json({ user: await userInfo(deps, user, await siteDomains(deps)) });
  });

  // A viewer's sites, or a new password for a viewer who lost theirs (their sessions end with it).
  app.patch('/api/dashboard/users/:id', async (c) => {
    const owner = await ownerAccess(deps, c);
    if ('response' in owner) return owner.response;
    const id = userId(c);
    const user = id === null ? null : await findUserById(deps.db, id);
    if (!user) return fail(c, 404, 'unknown user').response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    if (body.ok.sites === undefined && body.ok.password === undefined) return fail(c, 400, 'sites or password: nothing to change').response;
    if (user.role !== 'viewer') {
      return fail(c, 400, body.ok.sites !== undefined ? 'sites: an owner reads every site' : 'password: owners change their own password under Account').response;
    }
    const sites = body.ok.sites === undefined ? null : await siteIdsOf(deps, c, body.ok.sites);
    if (sites && 'response' in sites) return sites.response;
    if (body.ok.password !== undefined) {
      const password = stringField(c, body.ok, 'password');
      if ('response' in password) return password.response;
      try {
        await setPassword(deps.db, user.id, password.ok);
      } catch (e) {
        if (e instanceof UserError) return fail(c, 400, e.message).response;
        throw e;
      }
      await endSessionsOf(deps.db, user.id, null);
    }
    if (sites) await setGrantedSites(deps.db, user.id, sites.ok);
    return c.json({ user: await userInfo(deps, user, await siteDomains(deps)) });
  });

  app.delete('/api/dashboard/users/:id', async (c) => {
    const owner = await ownerAccess(deps, c);
    if ('response' in owner) return owner.response;
    const id = userId(c);
    try {
      if (id === null || !(await deleteUser(deps.db, id))) return fail(c, 404, 'unknown user').response;
    } catch (e) {
      if (e instanceof UserError) return fail(c, 409, e.message).response;
      throw e;
    }
    return c.json({ deleted: true });
  });

  return app;
}
