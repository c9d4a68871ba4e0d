/**
 * The dashboard's server side where only Node can look: the clock, the database file, the
 * trusted proxy, and round trips through the owner's routes.
 */
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendEvent, startTestServer, type TestServer } from '../helpers/server.ts';
import { importedVisit, importStatements } from '../shared/imported-rows.ts';
import { sessionCookieOf } from '../shared/dashboard-api.suite.ts';
import { call, OWNER, setupOwner } from './dashboard-helpers.ts';

const DAY_MS = 86_400_000;
let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  server = await startTestServer(options);
  return server;
}

describe('session cookie', () => {
  const secureFlag = async (trustProxy: number) => {
    const s = await start({ config: { trustProxy } });
    const answer = await call(s, 'POST', '/api/dashboard/setup', {
      json: { ...OWNER, password2: OWNER.password, code: s.setupCode },
      headers: { 'x-forwarded-proto': 'https', origin: s.url.replace('http:', 'https:') },
    });
    await s.stop();
    server = null;
    return { status: answer.status, line: answer.headers.getSetCookie().find((l) => /^(__Host-)?teller_session=/.test(l)) ?? '', hsts: answer.headers.get('strict-transport-security') };
  };

  it('is Secure and __Host- behind a trusted proxy that says https, and not when the proxy is not trusted', async () => {
    const trusted = await secureFlag(1);
    expect(trusted.status).toBe(200);
    expect(trusted.line).toMatch(/^__Host-teller_session=/);
    expect(trusted.line).toMatch(/; Secure/i);
    expect(trusted.line).toMatch(/; HttpOnly/i);
    expect(trusted.line).toMatch(/; Path=\//i);
    expect(trusted.line).not.toMatch(/; Domain=/i);
    expect(trusted.hsts).toBe('max-age=31536000');
    // Untrusted: X-Forwarded-Proto is the client's to forge, and the https Origin is then foreign.
    const untrusted = await secureFlag(0);
    expect(untrusted.status).toBe(403);
    const s = await start({ config: { trustProxy: 0 } });
    const plain = await call(s, 'POST', '/api/dashboard/setup', { json: { ...OWNER, password2: OWNER.password, code: s.setupCode }, headers: { 'x-forwarded-proto': 'https' } });
    expect(plain.status).toBe(200);
    const line = plain.headers.getSetCookie().find((l) => l.startsWith('teller_session='))!;
    expect(line).not.toMatch(/; Secure/i);
    // The client's own X-Forwarded-Proto asks for nothing: no HSTS over plain http.
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });

  it('ends after 30 days without a request, and its last-seen time is written at most once an hour', async () => {
    let now = Date.parse('2026-03-01T12:00:00Z');
    const s = await start({ clock: () => now });
    const cookie = await setupOwner(s);
    const lastSeen = () => (s.db.raw.prepare('SELECT last_seen_at FROM sessions').get() as { last_seen_at: number }).last_seen_at;
    let resent: string | null = null;
    const state = async () => {
      const answer = await call(s, 'GET', '/api/dashboard/session', { cookie });
      resent = sessionCookieOf(answer.headers);
      return answer.body.state;
    };
    const first = lastSeen();

    now += 30 * 60_000;
    expect(await state()).toBe('in');
    expect(lastSeen()).toBe(first);
    expect(resent).toBeNull();
    now += 60 * 60_000;
    expect(await state()).toBe('in');
    expect(lastSeen()).toBe(Math.floor(now / 1000));
    // The cookie is sent again with the write, so the browser keeps it as long as the session lives.
    expect(resent).toBe(cookie);

    now += 29 * DAY_MS;
    expect(await state()).toBe('in');
    now += 30 * DAY_MS - 1000;
    expect(await state()).toBe('in');
    now += 30 * DAY_MS;
    expect(await state()).toBe('login');
    expect(s.db.raw.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    expect((await call(s, 'POST', '/api/v2/query', { cookie, json: { site_id: 'x.example', metrics: ['visitors'], date_range: 'day' } })).status).toBe(401);
  });

  it('is stored only as a hash: the database file never holds the cookie value', async () => {
    const s = await start();
    const setup = await setupOwner(s);
    const login = sessionCookieOf((await call(s, 'POST', '/api/dashboard/login', { json: OWNER })).headers)!;
    const bytes = Buffer.concat([s.dbPath, `${s.dbPath}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    for (const cookie of [setup, login]) {
      expect(bytes.includes(Buffer.from(cookie))).toBe(false);
      // The scan does see what is stored: the hash is there.
      expect(bytes.includes(Buffer.from(createHash('sha256').update(cookie).digest('hex')))).toBe(true);
    }
    expect(bytes.includes(Buffer.from(OWNER.password))).toBe(false);
  });
});

describe('first run', () => {
  it('needs the code of this start (or the operator\'s TELLER_SETUP_CODE)', async () => {
    const first = await start();
    const code = first.setupCode;
    expect(code).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await first.stop();
    const second = await start();
    expect(second.setupCode).not.toBe(code);
    // The last start's code is dead.
    expect((await call(second, 'POST', '/api/dashboard/setup', { json: { ...OWNER, password2: OWNER.password, code } })).status).toBe(403);
    await second.stop();
    const chosen = await start({ env: { TELLER_SETUP_CODE: 'the-operators-own-code-42' } });
    expect(chosen.setupCode).toBe('the-operators-own-code-42');
    expect((await call(chosen, 'POST', '/api/dashboard/setup', { json: { ...OWNER, password2: OWNER.password, code: 'the-operators-own-code-42' } })).status).toBe(200);
  });

  it('compares Origin with TELLER_PUBLIC_URL when it is set, not with the Host the request names', async () => {
    const s = await start({ env: { TELLER_PUBLIC_URL: 'https://stats.example.test' } });
    const json = { ...OWNER, password2: OWNER.password, code: s.setupCode };
    // Origin matching the Host header, as a DNS-rebinding page's requests have it.
    const rebound = await call(s, 'POST', '/api/dashboard/setup', { json });
    expect(rebound.status).toBe(403);
    expect(rebound.body.error).toContain('cross-origin');
    const proper = await call(s, 'POST', '/api/dashboard/setup', { json, headers: { origin: 'https://stats.example.test' } });
    expect(proper.status).toBe(200);
    expect(proper.headers.getSetCookie()[0]).toMatch(/^__Host-teller_session=.*; Secure/);
  });


  it('makes exactly one owner when several setups race', async () => {
    const s = await start();
    const answers = await Promise.all(
      [1, 2, 3, 4].map((i) => call(s, 'POST', '/api/dashboard/setup', { json: { email: `owner${i}@teller.example`, password: OWNER.password, password2: OWNER.password, code: s.setupCode } })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
    expect(s.db.raw.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 1 });
  });
});

describe('files and links', () => {
  it('creates the database file for its user alone (0600, folder 0700), whatever the umask', async () => {
    const previous = process.umask(0o022);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'teller-mode-'));
      const s = await start({ dbPath: join(dir, 'new', 'teller.db') });
      expect(statSync(join(dir, 'new', 'teller.db')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'new')).mode & 0o777).toBe(0o700);
      // SQLite gives its -wal and -shm the database file's mode.
      for (const f of ['teller.db-wal', 'teller.db-shm']) {
        if (existsSync(join(dir, 'new', f))) expect(statSync(join(dir, 'new', f)).mode & 0o777, f).toBe(0o600);
      }
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
      server = null;
    } finally {
      process.umask(previous);
    }
  });

  it('links the opt-out widget over https behind a TLS proxy', async () => {
    const admin = 'privacy-admin-token-0123456789abcdefgh';
    const s = await start({ config: { trustProxy: 1, adminToken: admin } });
    await s.addSite('optout.example');
    const text = async (headers: Record<string, string>) =>
      (await fetch(`${s.url}/api/v1/sites/optout.example/privacy-text?format=html`, { headers: { authorization: `Bearer ${admin}`, ...headers } })).text();
    const host = new URL(s.url).host;
    expect(await text({ 'x-forwarded-proto': 'https' })).toContain(`src="https://${host}/optout.js"`);
    expect(await text({})).toContain(`src="http://${host}/optout.js"`);
  });
});

describe('pages', () => {
  it('answer the shell with the security headers; an embeddable shared link may be framed', async () => {
    const s = await start();
    const cookie = await setupOwner(s);
    await s.addSite('page.example');
    const expectedCsp =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    for (const path of ['/', '/sites/page.example', '/sites/page.example/settings', '/users', '/share/nothing-here']) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('content-security-policy')).toBe(expectedCsp);
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('set-cookie')).toBeNull();
      const html = await res.text();
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('<meta name="viewport"');
      expect(html).toContain('<title>Teller</title>');
      expect(html).toContain('<link rel="stylesheet" href="/dashboard/app.css">');
      expect(html).toContain('<script type="module" src="/dashboard/app.js"></script>');
      expect(html).toContain('<noscript>');
      expect(html).toContain('<div id="app"></div>');
      // No inline script or style for the CSP to allow.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|style=/);
    }
    // The page carries the session's state for the dashboard to start from, HTML-escaped.
    const meta = (html: string) => JSON.parse(/<meta name="teller-session" content="([^"]*)">/.exec(html)![1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    expect(meta(await (await fetch(`${s.url}/`)).text())).toEqual({ state: 'login' });
    const mine = await fetch(`${s.url}/sites/page.example`, { headers: { cookie: `teller_session=${cookie}` } });
    expect(mine.headers.get('cache-control')).toBe('no-store');
    expect(meta(await mine.text())).toEqual({ state: 'in', user: { email: 'owner@teller.example', role: 'owner' }, sites: [{ domain: 'page.example', timezone: 'Etc/UTC', location_precision: 'region' }] });
    const made = await call(s, 'POST', '/api/dashboard/sites/page.example/shared-links', { cookie, json: { embeddable: true } });
    const link = made.body.link as { id: number; url: string };
    const sharePath = new URL(link.url).pathname;
    const framed = await fetch(`${s.url}${sharePath}`);
    expect(meta(await framed.clone().text())).toEqual({ state: 'shared', site: { domain: 'page.example', timezone: 'Etc/UTC', location_precision: 'region' }, showVisits: false });
    expect(framed.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(framed.headers.get('content-security-policy')).not.toContain("frame-ancestors 'none'");
    await call(s, 'PATCH', `/api/dashboard/sites/page.example/shared-links/${link.id}`, { cookie, json: { embeddable: false } });
    expect((await fetch(`${s.url}${sharePath}`)).headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('serves the dashboard files for revalidation on every load, the tracker for a day', async () => {
    const dir = join((await start()).dir, 'public');
    await server!.stop();
    mkdirSync(join(dir, 'dashboard'), { recursive: true });
    writeFileSync(join(dir, 'dashboard', 'app.js'), 'export {};\n');
    writeFileSync(join(dir, 'script.js'), '(function(){})();\n');
    const s = await start({ publicDir: dir });
    const app = await fetch(`${s.url}/dashboard/app.js`);
    expect(app.status).toBe(200);
    expect(app.headers.get('cache-control')).toBe('no-cache');
    const etag = app.headers.get('etag')!;
    expect((await fetch(`${s.url}/dashboard/app.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${s.url}/script.js`)).headers.get('cache-control')).toBe('public, max-age=86400, must-revalidate');
  });
});

describe("owner's routes", () => {
  it('round-trips settings, and a bad field is a 400 that names it', async () => {
    const s = await start();
    const cookie = await setupOwner(s);
    await s.addSite('settings.example');
    const path = '/api/dashboard/sites/settings.example/settings';
    const before = await call(s, 'GET', path, { cookie });
    expect(before.body).toEqual({
      domain: 'settings.example',
      timezone: 'Etc/UTC',
      ipStorage: null,
      instanceIpStorage: 'truncated',
      retentionDays: null,
      excludedIps: [],
      excludedPaths: [],
      allowedHostnames: [],
      searchParams: ['s', 'q', 'search', 'query'],
      locationPrecision: 'region',
    });
    const changes = {
      timezone: 'Europe/Oslo',
      ipStorage: 'none',
      retentionDays: 90,
      excludedIps: ['10.0.0.0/8', '2001:db8::1'],
      excludedPaths: ['/admin/**'],
      allowedHostnames: ['Shop.Settings.example'],
      searchParams: ['k'],
      locationPrecision: 'city',
    };
    const patched = await call(s, 'PATCH', path, { cookie, json: changes });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const expected = { ...before.body, ...changes, allowedHostnames: ['shop.settings.example'] };
    expect(patched.body).toEqual(expected);
    expect((await call(s, 'GET', path, { cookie })).body).toEqual(expected);
    // The collector sees the same settings the CLI would have written.
    expect(s.db.raw.prepare("SELECT timezone, ip_storage, retention_days, location_precision FROM sites WHERE domain = 'settings.example'").get()).toEqual({
      timezone: 'Europe/Oslo',
      ip_storage: 'none',
      retention_days: 90,
      location_precision: 'city',
    });
    const back = await call(s, 'PATCH', path, { cookie, json: { ipStorage: null, retentionDays: null } });
    expect(back.body).toMatchObject({ ipStorage: null, retentionDays: null, timezone: 'Europe/Oslo' });

    for (const [field, value] of [
      ['timezone', 'Mars/Olympus'],
      ['ipStorage', 'full'],
      ['retentionDays', 0],
      ['retentionDays', '30'],
      ['excludedIps', ['10.0.0.0/33']],
      ['excludedIps', 'not a list'],
      ['excludedPaths', ['admin']],
      ['searchParams', [7]],
      ['locationPrecision', 'street'],
      ['colour', 'blue'],
    ] as const) {
      const bad = await call(s, 'PATCH', path, { cookie, json: { [field]: value } });
      expect(bad.status, `${field}=${JSON.stringify(value)}`).toBe(400);
      expect(bad.body.field, bad.body.error as string).toBe(field);
      expect(bad.body.error as string).not.toContain(`${field}:`);
    }
    expect((await call(s, 'PATCH', path, { cookie, body: '{not json' , headers: { 'content-type': 'application/json' } })).status).toBe(400);
    // Nothing changed by the refused patches.
    expect((await call(s, 'GET', path, { cookie })).body).toMatchObject({ timezone: 'Europe/Oslo', excludedIps: changes.excludedIps });
  });

  it('lists tokens by prefix with their scopes (stats when none are asked for), shows a new one once, and revokes it', async () => {
    const s = await start();
    const cookie = await setupOwner(s);
    await s.addSite('tokens.example');
    const path = '/api/dashboard/sites/tokens.example/tokens';
    expect((await call(s, 'GET', path, { cookie })).body).toEqual({ tokens: [] });
    const made = await call(s, 'POST', path, { cookie });
    const token = made.body.token as string;
    const info = made.body.info as { id: number; prefix: string };
    expect(token).toMatch(/^tlr_[A-Za-z0-9_-]{43}$/);
    expect(info.prefix).toBe(token.slice(0, 12));
    const listed = await call(s, 'GET', path, { cookie });
    expect(listed.body).toEqual({ tokens: [{ id: info.id, prefix: token.slice(0, 12), createdAt: expect.any(Number), lastUsedAt: null, scopes: ['stats'] }] });
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const query = () =>
      fetch(`${s.url}/api/v2/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ site_id: 'tokens.example', metrics: ['visitors'], date_range: 'day' }),
      });
    expect((await query()).status).toBe(200);
    const used = ((await call(s, 'GET', path, { cookie })).body.tokens as Array<{ lastUsedAt: number | null }>)[0]!;
    expect(used.lastUsedAt).toBeGreaterThan(0);
    expect((await call(s, 'DELETE', `${path}/${info.id}`, { cookie })).body).toEqual({ revoked: true });
    expect((await query()).status).toBe(401);
    expect((await call(s, 'GET', path, { cookie })).body).toEqual({ tokens: [] });
    expect((await call(s, 'DELETE', `${path}/${info.id}`, { cookie })).status).toBe(404);
    expect((await call(s, 'DELETE', `${path}/abc`, { cookie })).status).toBe(404);
  });

  it('shows recent visits newest first, obeying filters, with truncated addresses only', async () => {
    const s = await start({ config: { trustProxy: 1 } });
    const cookie = await setupOwner(s);
    const visitsSiteId = await s.addSite('visits.example');
    const visit = (ip: string, path: string) =>
      sendEvent(s, { n: 'pageview', u: `https://visits.example${path}`, d: 'visits.example' }, { 'x-forwarded-for': ip });
    expect((await visit('84.208.20.110', '/no')).status).toBe(202);
    expect((await visit('85.226.0.1', '/se')).status).toBe(202);
    expect((await visit('2a02:2121:1234:5678::1', '/v6')).status).toBe(202);
    const log = (params: Record<string, string>) => call(s, 'GET', `/api/dashboard/sites/visits.example/visits?${new URLSearchParams(params)}`, { cookie });

    const all = await log({});
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    const visits = all.body.visits as Array<{ ip: string | null; entryPage: string; country: string | null; startedAt: number }>;
    expect(visits.map((v) => v.entryPage).sort()).toEqual(['/no', '/se', '/v6']);
    expect(visits.map((v) => v.ip).sort()).toEqual(['2a02:2121:1234::', '84.208.20.0', '85.226.0.0']);
    for (let i = 1; i < visits.length; i++) expect(visits[i - 1]!.startedAt).toBeGreaterThanOrEqual(visits[i]!.startedAt);
    const text = JSON.stringify(all.body);
    for (const full of ['84.208.20.110', '85.226.0.1', '5678']) expect(text).not.toContain(full);

    const norway = await log({ filters: JSON.stringify([['is', 'visit:country', ['NO']]]) });
    expect((norway.body.visits as Array<{ entryPage: string }>).map((v) => v.entryPage).sort()).toEqual(['/no', '/v6']);
    const page = await log({ filters: JSON.stringify([['contains', 'event:page', ['se']]]) });
    expect((page.body.visits as Array<{ entryPage: string }>).map((v) => v.entryPage)).toEqual(['/se']);
    await addGoal(s.db, visitsSiteId, parseGoal({ kind: 'page', pagePath: '/s*' }), Date.now());
    const converted = await log({ filters: JSON.stringify([['is', 'event:goal', ['Visit /s*']]]) });
    expect((converted.body.visits as Array<{ entryPage: string }>).map((v) => v.entryPage)).toEqual(['/se']);
    const paged = await log({ limit: '2', page: '2' });
    expect(paged.body).toMatchObject({ page: 2, limit: 2, hasMore: false });
    expect((paged.body.visits as unknown[]).length).toBe(1);
    expect((await log({ limit: '2' })).body.hasMore).toBe(true);

    const bad = await log({ filters: JSON.stringify([['is', 'visit:nonsense', ['x']]]) });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('nonsense');
    expect((await log({ date_range: '"fortnight"' })).status).toBe(400);
    expect((await log({ date_range: '{' })).body.error).toContain('date_range');
    expect((await log({ limit: '0' })).body.error).toContain('limit');
  });

  it('removes a site with its shared link, annotations and viewer grants, after a typed confirmation', async () => {
    const s = await start();
    const cookie = await setupOwner(s);
    const siteId = await s.addSite('gone.example');
    await s.addSite('kept.example');
    await call(s, 'POST', '/api/dashboard/sites/gone.example/shared-links', { cookie, json: {} });
    await call(s, 'POST', '/api/dashboard/sites/gone.example/annotations', { cookie, json: { day: '2026-03-01', text: 'launch' } });
    await call(s, 'POST', '/api/dashboard/sites/gone.example/tokens', { cookie });
    const viewer = await call(s, 'POST', '/api/dashboard/users', {
      cookie,
      json: { email: 'client@teller.example', password: 'viewer password 1', role: 'viewer', sites: ['gone.example', 'kept.example'] },
    });
    expect(viewer.status).toBe(200);
    const rows = () =>
      ['shared_links', 'annotations', 'user_sites', 'tokens'].map(
        (t) => (s.db.raw.prepare(`SELECT count(*) AS n FROM ${t} WHERE site_id = ?`).get(siteId) as { n: number }).n,
      );
    expect(rows()).toEqual([1, 1, 1, 1]);

    const wrong = await call(s, 'DELETE', '/api/dashboard/sites/gone.example', { cookie, json: { confirm: 'kept.example' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toContain('confirm');
    expect(rows()).toEqual([1, 1, 1, 1]);
    expect((await call(s, 'DELETE', '/api/dashboard/sites/gone.example', { cookie, json: { confirm: 'gone.example' } })).body).toEqual({ deleted: true });
    expect(rows()).toEqual([0, 0, 0, 0]);
    const users = (await call(s, 'GET', '/api/dashboard/users', { cookie })).body.users as Array<{ email: string; sites: string[] }>;
    expect(users.find((u) => u.email === 'client@teller.example')!.sites).toEqual(['kept.example']);
  });

  it('manages viewers: their sites, their removal ending their sessions, and never the last owner', async () => {
    const s = await start();
    const cookie = await setupOwner(s);
    await s.addSite('a.example');
    await s.addSite('b.example');
    const created = await call(s, 'POST', '/api/dashboard/users', {
      cookie,
      json: { email: 'Client@Teller.example', password: 'viewer password 1', role: 'viewer', sites: ['a.example'] },
    });
    const viewer = created.body.user as { id: number; email: string };
    expect(viewer.email).toBe('client@teller.example');
    expect((await call(s, 'POST', '/api/dashboard/users', { cookie, json: { email: 'x@teller.example', password: 'viewer password 1', sites: ['nope.example'] } })).body.error).toContain('sites');
    expect((await call(s, 'POST', '/api/dashboard/users', { cookie, json: { email: 'client@teller.example', password: 'viewer password 1', sites: [], noSites: true } })).status).toBe(400);
    expect((await call(s, 'POST', '/api/dashboard/users', { cookie, json: { email: 'y@teller.example', password: 'short', sites: [], noSites: true } })).body.error).toContain('password');

    const viewerCookie = sessionCookieOf((await call(s, 'POST', '/api/dashboard/login', { json: { email: 'client@teller.example', password: 'viewer password 1' } })).headers)!;
    const domains = async () => ((await call(s, 'GET', '/api/dashboard/sites', { cookie: viewerCookie })).body.sites as Array<{ domain: string }>).map((x) => x.domain);
    expect(await domains()).toEqual(['a.example']);
    const patched = await call(s, 'PATCH', `/api/dashboard/users/${viewer.id}`, { cookie, json: { sites: ['b.example'] } });
    expect(patched.body.user).toMatchObject({ sites: ['b.example'] });
    expect(await domains()).toEqual(['b.example']);

    expect((await call(s, 'DELETE', `/api/dashboard/users/${viewer.id}`, { cookie })).body).toEqual({ deleted: true });
    expect((await call(s, 'GET', '/api/dashboard/session', { cookie: viewerCookie })).body.state).toBe('login');
    expect(s.db.raw.prepare('SELECT count(*) AS n FROM user_sites').get()).toEqual({ n: 0 });

    const users = (await call(s, 'GET', '/api/dashboard/users', { cookie })).body.users as Array<{ id: number; role: string; sites: string[] }>;
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ role: 'owner', sites: ['a.example', 'b.example'] });
    const last = await call(s, 'DELETE', `/api/dashboard/users/${users[0]!.id}`, { cookie });
    expect(last.status).toBe(409);
    expect(last.body.error).toContain('last owner');
    expect((await call(s, 'GET', '/api/dashboard/session', { cookie })).body.state).toBe('in');
  });

  it('adds a site and gives the snippet with this server\'s origin; the first-event check turns true', async () => {
    const s = await start();
    const cookie = await setupOwner(s);
    const added = await call(s, 'POST', '/api/dashboard/sites', { cookie, json: { domain: 'https://www.New.example/', timezone: 'Europe/Oslo' } });
    expect(added.body).toEqual({
      domain: 'new.example',
      timezone: 'Europe/Oslo',
      snippet: `<script defer data-domain="new.example" src="${s.url}/script.js"></script>`,
    });
    expect((await call(s, 'POST', '/api/dashboard/sites', { cookie, json: { domain: 'new.example' } })).body.error).toMatch(/^domain: .*already exists/);
    expect((await call(s, 'POST', '/api/dashboard/sites', { cookie, json: { domain: 'x.example', timezone: 'Nowhere/City' } })).body.error).toMatch(/^timezone:/);
    expect((await call(s, 'POST', '/api/dashboard/sites', { cookie, json: { domain: 'not a domain' } })).status).toBe(400);
    const check = () => call(s, 'GET', '/api/dashboard/sites/new.example/first-event', { cookie });
    expect((await check()).body).toEqual({ received: false, drops: [] });
    expect((await sendEvent(s, { n: 'pageview', u: 'https://new.example/', d: 'new.example' })).status).toBe(202);
    expect((await check()).body).toEqual({ received: true, drops: [] });
    const list = await call(s, 'GET', '/api/dashboard/sites', { cookie });
    const site = (list.body.sites as Array<{ sparkline: number[]; visitorsToday: number; hasEvents: boolean }>)[0]!;
    expect(site.sparkline).toHaveLength(30);
    expect(site.sparkline.at(-1)).toBe(1);
    expect(site.visitorsToday).toBe(1);
    expect(site.hasEvents).toBe(true);
  });

  it('counts imported history in a site card\'s sparkline, yet says no event of its own has arrived', async () => {
    const now = Date.UTC(2024, 2, 12, 12);
    const s = await start({ clock: () => now });
    const cookie = await setupOwner(s);
    expect((await call(s, 'POST', '/api/dashboard/sites', { cookie, json: { domain: 'moved.example', timezone: 'UTC' } })).status).toBeLessThan(300);
    const siteId = (await s.db.first<{ id: number }>("SELECT id FROM sites WHERE domain = 'moved.example'"))!.id;
    const visits = [importedVisit('2024-03-10', '/', 'moved.example'), importedVisit('2024-03-10', '/a', 'moved.example'), importedVisit('2024-03-11', '/', 'moved.example')];
    await s.db.batch(importStatements(siteId, 1, visits));
    const list = await call(s, 'GET', '/api/dashboard/sites', { cookie });
    const site = (list.body.sites as Array<{ sparkline: number[]; visitorsToday: number; hasEvents: boolean }>)[0]!;
    expect(site.sparkline.slice(-3)).toEqual([2, 1, 0]);
    expect(site.visitorsToday).toBe(0);
    expect(site.hasEvents).toBe(false);
  });
});
