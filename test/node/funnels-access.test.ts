/**
 * Who may read and change funnels by session and shared link (tokens are in the shared
 * suite): the owner's session reads and changes, same-origin only; a viewer's session
 * and the site's shared link read (the list and the counts) and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { sessionCookieOf } from '../shared/dashboard-api.suite.ts';
import { call, setupOwner } from './dashboard-helpers.ts';

const SITE = 'access.example';
const BODY = { name: 'Sign-up', steps: ['Visit /', 'Signup'] };
const funnels = `/api/v1/sites/${SITE}/funnels`;
let s: TestServer;
let owner: string;

beforeAll(async () => {
  s = await startTestServer();
  owner = await setupOwner(s);
  const siteId = await s.addSite(SITE);
  for (const input of [{ kind: 'page', pagePath: '/' }, { kind: 'event', eventName: 'Signup' }]) await addGoal(s.db, siteId, parseGoal(input), Date.now());
});
afterAll(() => s?.stop());

describe('funnel routes by session and shared link', () => {
  it('lets the owner change funnels from the dashboard only, a viewer and a shared link only read them', async () => {
    const made = await call(s, 'PUT', funnels, { cookie: owner, json: BODY });
    expect(made.status).toBe(201);
    const id = made.body.id as number;
    const elsewhere = await call(s, 'PUT', funnels, { cookie: owner, json: BODY, headers: { origin: 'https://evil.example' } });
    expect(elsewhere.status).toBe(403);

    const viewerMade = await call(s, 'POST', '/api/dashboard/users', { cookie: owner, json: { email: 'viewer@access.example', password: 'viewer password 1', role: 'viewer', sites: [SITE] } });
    expect(viewerMade.status).toBe(200);
    const viewer = sessionCookieOf((await call(s, 'POST', '/api/dashboard/login', { json: { email: 'viewer@access.example', password: 'viewer password 1' } })).headers)!;
    const link = (await call(s, 'POST', `/api/dashboard/sites/${SITE}/shared-links`, { cookie: owner, json: {} })).body.link as { url: string };
    const share = { 'x-teller-share': new URL(link.url).pathname.split('/').pop()! };

    for (const who of [{ cookie: viewer }, { headers: share }]) {
      expect((await call(s, 'GET', funnels, who)).body).toEqual({ funnels: [expect.objectContaining({ id, name: 'Sign-up' })] });
      const counted = await call(s, 'POST', `${funnels}/${id}/query`, { ...who, json: { date_range: '30d' } });
      expect(counted.status).toBe(200);
      expect((counted.body.steps as unknown[]).length).toBe(2);
    }
    expect(await call(s, 'PUT', funnels, { cookie: viewer, json: BODY })).toMatchObject({ status: 403, body: { error: 'only the owner may do this' } });
    expect((await call(s, 'DELETE', `${funnels}/${id}`, { cookie: viewer })).status).toBe(403);
    expect((await call(s, 'PUT', funnels, { headers: share, json: BODY })).status).toBe(401);
    expect((await call(s, 'DELETE', `${funnels}/${id}`, { headers: share })).status).toBe(401);
    expect((await call(s, 'GET', funnels, { cookie: owner })).body.funnels).toHaveLength(1);
    expect((await call(s, 'DELETE', `${funnels}/${id}`, { cookie: owner })).body).toEqual({ deleted: true });
  });
});
