/**
 * The site view's queries started as its page is answered (http/early-answers.ts), through
 * HTTP on 127.0.0.1: the page's batch with the page's key takes their answers (a counter
 * says so) and they equal a normal run's; another session, a shared link's page taken by a
 * session, a wrong or expired key and a query of other text all run as before; a shared
 * link's rate limit and a credential's fair share count the started queries once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EARLY_COOKIE } from '../../server/core/dashboard-api/contract.ts';
import { firstDrawQueries } from '../../server/core/dashboard-api/view-queries/first-draw.ts';
import { sendEvent, startTestServer, type TestServer } from '../helpers/server.ts';
import { sessionCookieOf } from '../shared/dashboard-api.suite.ts';
import type { Line } from '../shared/dashboard-queries.suite.ts';
import { call, OWNER, setupOwner } from './dashboard-helpers.ts';

const SITE = 'early.example';
const SEARCH = '?period=30d&f=is|visit:browser|Firefox';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

let now = Date.now();
let server: TestServer;
let owner: string;
let share: string;

/** The view's queries as the page at `search` asks them today. */
const viewQueries = (search = SEARCH) => firstDrawQueries({ domain: SITE, timezone: 'UTC', location_precision: 'region' }, search, new Date(now));

/** The key the page's cookie holds, or null when it comes with none. */
function keyOfPage(res: Response): string | null {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${EARLY_COOKIE}=`));
  if (!cookie) return null;
  // Sent back with the batch alone, by the browser alone, for as long as the answers are kept.
  expect(cookie).toMatch(/; Max-Age=10; Path=\/api\/dashboard\/queries; HttpOnly; SameSite=Strict$/);
  return cookie.slice(EARLY_COOKIE.length + 1, cookie.indexOf(';'));
}

async function pageKey(path: string, headers: Record<string, string> = {}): Promise<string | null> {
  const res = await fetch(`${server.url}${path}`, { headers });
  expect(res.status).toBe(200);
  return keyOfPage(res);
}

/** The batch's lines, sent as the browser would: with the page's cookie when there is a key. */
async function batch(headers: Record<string, string>, queries: unknown[], early?: string): Promise<Line[]> {
  const cookies = [headers.cookie, early === undefined ? undefined : `${EARLY_COOKIE}=${early}`].filter(Boolean).join('; ');
  const res = await fetch(`${server.url}/api/dashboard/queries`, {
    method: 'POST',
    headers: { origin: server.url, 'content-type': 'application/json', ...headers, ...(cookies ? { cookie: cookies } : {}) },
    body: JSON.stringify({ queries }),
  });
  expect(res.status).toBe(200);
  return (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as Line).sort((a, b) => a.i - b.i);
}

const session = (cookie: string) => ({ cookie: `teller_session=${cookie}` });

/** Answers differ in nothing but are compared without the query's echo of the server's time. */
const bodies = (lines: Line[]) => lines.map((l) => ({ status: l.status, body: l.body }));

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  await server.addSite(SITE, 'UTC');
  for (const [i, path] of ['/', '/a', '/b'].entries()) {
    const res = await sendEvent(server, { n: 'pageview', u: `https://${SITE}${path}`, d: SITE, w: 1440 }, { 'user-agent': FIREFOX, 'x-forwarded-for': `84.208.20.${110 + i}` });
    expect(res.status).toBe(202);
  }
  owner = await setupOwner(server);
  const link = (await call(server, 'POST', `/api/dashboard/sites/${SITE}/shared-links`, { cookie: owner, json: {} })).body.link as { url: string };
  share = link.url.slice(link.url.lastIndexOf('/') + 1);
});
afterAll(() => server?.stop());

describe('queries started with the site view page', () => {
  it('hands its session\'s batch the started answers, equal to a normal run\'s', async () => {
    const key = await pageKey(`/sites/${SITE}${SEARCH}`, session(owner));
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const queries = viewQueries();
    const served = server.earlyAnswers.served;
    const early = await batch(session(owner), queries, key!);
    expect(server.earlyAnswers.served - served).toBe(queries.length);
    expect(early.every((l) => l.status === 200)).toBe(true);
    const again = await batch(session(owner), queries);
    expect(bodies(early)).toEqual(bodies(again));
    // Each answer is handed once: the key's second batch runs its queries.
    await batch(session(owner), queries, key!);
    expect(server.earlyAnswers.served - served).toBe(queries.length);
  });

  it('gives another session of the same user, a wrong key and an expired key nothing', async () => {
    const key = (await pageKey(`/sites/${SITE}${SEARCH}`, session(owner)))!;
    const login = await call(server, 'POST', '/api/dashboard/login', { json: OWNER });
    const other = sessionCookieOf(login.headers)!;
    expect(other).not.toBe(owner);
    const served = server.earlyAnswers.served;
    const lines = await batch(session(other), viewQueries(), key);
    expect(lines.every((l) => l.status === 200)).toBe(true);
    await batch(session(owner), viewQueries(), key.replace(/^./, (c) => (c === '0' ? '1' : '0')));
    expect(server.earlyAnswers.served).toBe(served);
    now += 11_000;
    await batch(session(owner), viewQueries(), key);
    expect(server.earlyAnswers.served).toBe(served);
  });

  it('runs a query of other text as any other, and hands out the rest', async () => {
    const key = (await pageKey(`/sites/${SITE}${SEARCH}`, session(owner)))!;
    const queries = viewQueries();
    const changed = { ...queries[0]!, metrics: ['visitors'] };
    const served = server.earlyAnswers.served;
    const lines = await batch(session(owner), [changed, ...queries.slice(1)], key);
    expect(server.earlyAnswers.served - served).toBe(queries.length - 1);
    const [alone] = await batch(session(owner), [changed]);
    expect(lines[0]).toEqual({ ...alone, i: 0 });
    expect(lines[0]!.status).toBe(200);
  });

  it('starts nothing for the realtime view or a page the session may not read', async () => {
    expect(await pageKey(`/sites/${SITE}?period=realtime`, session(owner))).toBeNull();
    expect(await pageKey(`/sites/unknown.example${SEARCH}`, session(owner))).toBeNull();
    expect(await pageKey(`/sites/${SITE}${SEARCH}`)).toBeNull();
    expect(await pageKey('/account', session(owner))).toBeNull();
  });

  it('starts nothing for a page loaded in a frame (an embedded link), where the cookie would never come back', async () => {
    const unused = server.earlyAnswers.unused;
    const pages = server.earlyAnswers.pages;
    expect(await pageKey(`/share/${share}${SEARCH}`, { 'sec-fetch-dest': 'iframe', 'sec-fetch-site': 'cross-site' })).toBeNull();
    expect(await pageKey(`/sites/${SITE}${SEARCH}`, { ...session(owner), 'sec-fetch-dest': 'iframe' })).toBeNull();
    expect(server.earlyAnswers.pages).toBe(pages);
    expect(server.earlyAnswers.unused).toBe(unused);
    // A top-level navigation from another site still gets its start: its page's batch is same-site.
    expect(await pageKey(`/share/${share}${SEARCH}`, { 'sec-fetch-dest': 'document', 'sec-fetch-site': 'cross-site' })).not.toBeNull();
  });

  it('hands a shared link\'s page\'s answers to the link, not to a session', async () => {
    const key = (await pageKey(`/share/${share}${SEARCH}`))!;
    expect(key).not.toBeNull();
    const served = server.earlyAnswers.served;
    await batch(session(owner), viewQueries(), key);
    expect(server.earlyAnswers.served).toBe(served);
    const lines = await batch({ 'x-teller-share': share }, viewQueries(), key);
    expect(lines.every((l) => l.status === 200)).toBe(true);
    expect(server.earlyAnswers.served - served).toBe(viewQueries().length);
  });
});

describe('limits on started queries', () => {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  /** A server with `config`, its owner's session, a shared link's token, and requests to it. */
  async function limitedServer(config: { queryRateLimit?: number; queryQueueLimit?: number }) {
    const limited = await startTestServer({ clock: () => now, config });
    servers.push(limited);
    await limited.addSite(SITE, 'UTC');
    const cookie = await setupOwner(limited);
    const link = (await call(limited, 'POST', `/api/dashboard/sites/${SITE}/shared-links`, { cookie, json: {} })).body.link as { url: string };
    const token = link.url.slice(link.url.lastIndexOf('/') + 1);
    const url = (path: string) => `${limited.url}${path}`;
    const keyOf = async (path: string, headers: Record<string, string> = {}) => keyOfPage(await fetch(url(path), { headers }))!;
    const post = async (headers: Record<string, string>, { queries, early }: { queries: unknown[]; early: string }) =>
      (
        await (
          await fetch(url('/api/dashboard/queries'), {
            method: 'POST',
            headers: { origin: limited.url, 'content-type': 'application/json', ...headers, cookie: [headers.cookie, `${EARLY_COOKIE}=${early}`].filter(Boolean).join('; ') },
            body: JSON.stringify({ queries }),
          })
        ).text()
      )
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
    return { limited, cookie, token, url, keyOf, post };
  }

  it('counts them once against a shared link\'s rate limit', async () => {
    const n = viewQueries().length;
    const { limited, token, url, keyOf, post } = await limitedServer({ queryRateLimit: n + 2 });
    // The link's page counts its n queries; its batch takes them and counts none more.
    const key = await keyOf(`/share/${token}${SEARCH}`);
    const lines = await post({ 'x-teller-share': token }, { queries: viewQueries(), early: key });
    expect(lines.map((l) => l.status)).toEqual(Array(n).fill(200));
    expect(limited.earlyAnswers.served).toBe(n);
    const alone = (body: unknown) => fetch(url('/api/v2/query'), { method: 'POST', headers: { 'x-teller-share': token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const q = { site_id: SITE, metrics: ['visitors'], date_range: '7d' };
    expect((await alone(q)).status).toBe(200);
    expect((await alone(q)).status).toBe(200);
    expect((await alone(q)).status).toBe(429);
  });

  it('counts them against a session\'s queries in flight', async () => {
    const n = viewQueries().length;
    const { limited, cookie, keyOf, post } = await limitedServer({ queryQueueLimit: 2 });
    // Two in flight for the session: the page's start runs two, the rest are 429 as a batch's would be.
    const sessionKey = await keyOf(`/sites/${SITE}${SEARCH}`, { cookie: `teller_session=${cookie}` });
    const own = await post({ cookie: `teller_session=${cookie}` }, { queries: viewQueries(), early: sessionKey });
    expect(limited.earlyAnswers.served).toBe(n);
    const statuses = own.map((l) => l.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
  });
});
