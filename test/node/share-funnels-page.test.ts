/**
 * A shared link's Funnels page (`/share/<token>/funnels`) is answered as its site view is: the
 * shell with the link's shared state, framable exactly when the link is embeddable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, setupOwner } from './dashboard-helpers.ts';

const SITE = 'share-funnels.example';
let s: TestServer;
let owner: string;

beforeAll(async () => {
  s = await startTestServer();
  owner = await setupOwner(s);
  await s.addSite(SITE);
});
afterAll(() => s?.stop());

/** The session state the shell carries for the dashboard (SESSION_META). */
const meta = (html: string) => JSON.parse(/<meta name="teller-session" content="([^"]*)">/.exec(html)![1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));

describe('a shared link’s Funnels page', () => {
  it('is the shell with the link’s shared state, framable when the link is embeddable', async () => {
    const made = await call(s, 'POST', `/api/dashboard/sites/${SITE}/shared-links`, { cookie: owner, json: { embeddable: true } });
    const link = made.body.link as { id: number; url: string };
    const path = `${new URL(link.url).pathname}/funnels`;
    const page = await fetch(`${s.url}${path}`);
    expect(page.status).toBe(200);
    expect(meta(await page.clone().text())).toMatchObject({ state: 'shared', site: { domain: SITE } });
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors *');
    await call(s, 'PATCH', `/api/dashboard/sites/${SITE}/shared-links/${link.id}`, { cookie: owner, json: { embeddable: false } });
    expect((await fetch(`${s.url}${path}`)).headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    // An unknown token: the shell as for anyone not logged in, never the site.
    expect(meta(await (await fetch(`${s.url}/share/nope/funnels`)).text()).state).not.toBe('shared');
  });
});
