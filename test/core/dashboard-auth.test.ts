/**
 * The dashboard's auth building blocks on a real migrated SQLite file: login throttling
 * windows, the origin a request was made to, shared-link tokens, users and grants, the
 * settings patch parser, and the migration's upgrade of existing users.
 */
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSameOrigin, requestOrigin, truncatedClientAddress } from '../../server/core/auth/request-origin.ts';
import { createSharedLink, linkOfToken, linkOfTokenAnyState, revokeSharedLink, siteLinks } from '../../server/core/auth/shared-links.ts';
import {
  admitAttempt, admitSetupAttempt, attemptSucceeded, MAX_ACCOUNT_ATTEMPTS, MAX_ADDRESS_ATTEMPTS, MAX_PAIR_ATTEMPTS, MAX_SETUP_ATTEMPTS, THROTTLE_WINDOW_SECONDS, throttleKeys,
} from '../../server/core/auth/throttle.ts';
import { derivedSetupCode, expectedSetupCode, setupCodeMatches } from '../../server/core/auth/setup-code.ts';
import { ConfigError, parseConfig } from '../../server/core/config.ts';
import { parseSiteSettings, SettingsError } from '../../server/core/site-settings.ts';
import type { AppDeps } from '../../server/core/http/app-deps.ts';
import { createUser, deleteUser, findUserByEmail, grantedSiteIds, setGrantedSites, UserError } from '../../server/core/users.ts';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR, migrate } from '../../server/node/migrate.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
import { addSite, openTestStore, type TestStore } from './query/store.ts';

let store: TestStore;
beforeEach(() => {
  store = openTestStore();
});
afterEach(() => store.close());

const T0 = Date.parse('2026-05-01T10:00:00Z');

describe('login throttle', () => {
  it('refuses one account from one address block past its attempts, for the rest of the window; a success starts it again', async () => {
    const keys = throttleKeys('Owner@Example.com', '84.208.20.0');
    for (let i = 0; i < MAX_PAIR_ATTEMPTS; i++) expect(await admitAttempt(store.db, keys, T0 + i * 1000)).toBe(0);
    // The window runs from the first attempt.
    expect(await admitAttempt(store.db, keys, T0 + 10_000)).toBe(THROTTLE_WINDOW_SECONDS - 10);
    // The same account from another block, and another account from this block, go on.
    expect(await admitAttempt(store.db, throttleKeys('owner@example.com', '10.0.0.0'), T0 + 60_000)).toBe(0);
    expect(await admitAttempt(store.db, throttleKeys('other@example.com', '84.208.20.0'), T0 + 10_000)).toBe(0);
    expect(await admitAttempt(store.db, keys, T0 + THROTTLE_WINDOW_SECONDS * 1000)).toBe(0);
    await attemptSucceeded(store.db, keys, T0 + THROTTLE_WINDOW_SECONDS * 1000);
    for (let i = 0; i < MAX_PAIR_ATTEMPTS; i++) expect(await admitAttempt(store.db, keys, T0 + THROTTLE_WINDOW_SECONDS * 1000 + 1000)).toBe(0);
  });

  it('refuses an address block past its attempts across accounts, and takes a success back from that count', async () => {
    for (let i = 0; i < MAX_ADDRESS_ATTEMPTS - 1; i++) expect(await admitAttempt(store.db, throttleKeys(`user${i}@example.com`, '84.208.20.0'), T0)).toBe(0);
    const good = throttleKeys('good@example.com', '84.208.20.0');
    expect(await admitAttempt(store.db, good, T0)).toBe(0);
    await attemptSucceeded(store.db, good, T0);
    expect(await admitAttempt(store.db, throttleKeys('fresh@example.com', '84.208.20.0'), T0)).toBe(0);
    expect(await admitAttempt(store.db, throttleKeys('fresh2@example.com', '84.208.20.0'), T0)).toBeGreaterThan(0);
    expect(await admitAttempt(store.db, throttleKeys('fresh@example.com', '84.208.21.0'), T0)).toBe(0);
    // Old windows are swept as new attempts arrive.
    const later = T0 + THROTTLE_WINDOW_SECONDS * 1000 + 1000;
    expect(await admitAttempt(store.db, throttleKeys('fresh@example.com', '84.208.20.0'), later)).toBe(0);
    expect(store.db.raw.prepare('SELECT key, failures FROM login_failures ORDER BY key').all()).toEqual([
      { key: 'addr:84.208.20.0', failures: 1 },
      { key: 'email:fresh@example.com', failures: 1 },
      { key: 'pair:fresh@example.com|84.208.20.0', failures: 1 },
    ]);
  });

  it('past the account\'s attempts from everywhere, refuses only blocks that never logged in to it, and keeps no address', async () => {
    const home = throttleKeys('owner@example.com', '84.208.20.0');
    await attemptSucceeded(store.db, home, T0);
    for (let block = 0; block < MAX_ACCOUNT_ATTEMPTS; block++) await admitAttempt(store.db, throttleKeys('owner@example.com', `203.0.${block}.0`), T0);
    expect(await admitAttempt(store.db, throttleKeys('owner@example.com', '198.18.0.0'), T0)).toBeGreaterThan(0);
    expect(await admitAttempt(store.db, throttleKeys('owner@example.com', null), T0)).toBeGreaterThan(0);
    expect(await admitAttempt(store.db, home, T0)).toBe(0);
    expect(JSON.stringify(store.db.raw.prepare('SELECT * FROM login_known_blocks').all())).not.toContain('84.208');
  });

  it('counts setup attempts per address block', async () => {
    for (let i = 0; i < MAX_SETUP_ATTEMPTS; i++) expect(await admitSetupAttempt(store.db, '84.208.20.0', T0)).toBe(0);
    expect(await admitSetupAttempt(store.db, '84.208.20.0', T0)).toBe(THROTTLE_WINDOW_SECONDS);
    expect(await admitSetupAttempt(store.db, '84.208.21.0', T0)).toBe(0);
  });
});

describe('setup code', () => {
  it('is TELLER_SETUP_CODE, else derived from the admin token, else none', async () => {
    const admin = 'a'.repeat(40);
    expect(await expectedSetupCode(parseConfig({ TELLER_SETUP_CODE: 'chosen-by-the-operator-123' }))).toBe('chosen-by-the-operator-123');
    const derived = await expectedSetupCode(parseConfig({ TELLER_ADMIN_TOKEN: admin }));
    expect(derived).toBe(await derivedSetupCode(admin));
    expect(derived).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(derived).not.toContain(admin.slice(0, 8));
    expect(await derivedSetupCode('b'.repeat(40))).not.toBe(derived);
    expect(await expectedSetupCode(parseConfig({}))).toBeNull();
    expect(() => parseConfig({ TELLER_SETUP_CODE: 'short' })).toThrow(ConfigError);
    expect(() => parseConfig({ TELLER_SETUP_CODE: 'has a space in it somewhere ok' })).toThrow(ConfigError);
  });

  it('matches only the exact code', async () => {
    expect(await setupCodeMatches('abc-def-0123456789-xyz', 'abc-def-0123456789-xyz')).toBe(true);
    for (const wrong of ['', 'abc-def-0123456789-xy', 'abc-def-0123456789-xyz ', 'ABC-def-0123456789-xyz']) {
      expect(await setupCodeMatches(wrong, 'abc-def-0123456789-xyz'), wrong).toBe(false);
    }
  });
});

describe('request origin', () => {
  const probe = (trustProxy: number, remote = '203.0.113.7', publicOrigin: string | null = null) => {
    const deps = { config: { trustProxy, ipStorage: 'truncated', maxBodyBytes: 1, adminToken: null, publicOrigin }, remoteAddress: () => remote } as unknown as AppDeps;
    const app = new Hono();
    app.all('*', (c) => c.json({ origin: requestOrigin(deps, c), same: isSameOrigin(deps, c), address: truncatedClientAddress(deps, c) }));
    return async (headers: Record<string, string>, url = 'http://teller.local:8080/api/x') =>
      (await (await app.request(url, { method: 'POST', headers })).json()) as { origin: string; same: boolean; address: string | null };
  };

  it('uses the forwarded proto only behind a trusted proxy, and never the client\'s forwarded host', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'stats.example.org', 'x-forwarded-for': '84.208.20.110' };
    expect(await probe(0)(forwarded)).toEqual({ origin: 'http://teller.local:8080', same: false, address: '203.0.113.0' });
    expect(await probe(1)({ ...forwarded, origin: 'https://teller.local:8080' })).toEqual({ origin: 'https://teller.local:8080', same: true, address: '84.208.20.0' });
    // A client that names its own host in X-Forwarded-Host and Origin is still foreign.
    expect(await probe(1)({ ...forwarded, origin: 'https://stats.example.org' })).toMatchObject({ same: false });
    expect(await probe(0)({}, 'https://teller.example.workers.dev/api/x')).toMatchObject({ origin: 'https://teller.example.workers.dev' });
  });

  it('is the configured public origin when there is one, whatever Host the request names', async () => {
    const ask = probe(1, '203.0.113.7', 'https://stats.example.com');
    expect(await ask({ origin: 'https://stats.example.com' })).toMatchObject({ origin: 'https://stats.example.com', same: true });
    // DNS rebinding: a foreign name pointed at this server, with Origin to match its Host.
    expect(await ask({ origin: 'http://rebound.evil.example:8080' }, 'http://rebound.evil.example:8080/api/x')).toMatchObject({ same: false });
    expect(await ask({ origin: 'http://teller.local:8080' })).toMatchObject({ same: false });
  });

  it('reads TELLER_PUBLIC_URL as an origin and refuses anything else', () => {
    expect(parseConfig({ TELLER_PUBLIC_URL: 'https://Stats.Example.com/' }).publicOrigin).toBe('https://stats.example.com');
    expect(parseConfig({ TELLER_PUBLIC_URL: 'http://localhost:8080' }).publicOrigin).toBe('http://localhost:8080');
    expect(parseConfig({}).publicOrigin).toBeNull();
    for (const bad of ['stats.example.com', 'ftp://stats.example.com', 'https://stats.example.com/teller', 'https://a@stats.example.com', 'https://stats.example.com/?x=1']) {
      expect(() => parseConfig({ TELLER_PUBLIC_URL: bad }), bad).toThrow(ConfigError);
    }
  });

  it('is same-origin only with a matching Origin, or without one when Sec-Fetch-Site says same-origin', async () => {
    const ask = probe(0);
    expect((await ask({ origin: 'http://teller.local:8080' })).same).toBe(true);
    expect((await ask({ origin: 'HTTP://TELLER.LOCAL:8080' })).same).toBe(true);
    const refused: Array<Record<string, string>> = [{}, { origin: 'null' }, { origin: 'http://teller.local' }, { 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'none' }, { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }];
    for (const headers of refused) {
      expect((await ask(headers)).same, JSON.stringify(headers)).toBe(false);
    }
    expect((await ask({ 'sec-fetch-site': 'same-origin' })).same).toBe(true);
  });
});

describe('shared links', () => {
  it('are several per site, found by their token only while they live, and revoked one by one', async () => {
    const site = await addSite(store.db, 'link.example');
    const first = await createSharedLink(store.db, site.id, { name: 'Marketing', showVisits: true }, T0);
    expect(first.token.length).toBeGreaterThanOrEqual(43);
    expect(await linkOfToken(store.db, first.token)).toMatchObject({ siteId: site.id, name: 'Marketing', showVisits: true, embeddable: false, prefix: first.token.slice(0, 6), token: first.token });
    const second = await createSharedLink(store.db, site.id, { password: 'a long link password' }, T0);
    expect(second.link).toMatchObject({ name: 'Shared link', showVisits: false });
    expect(second.link.passwordHash).toMatch(/^pbkdf2-sha256\$/);
    expect(JSON.stringify(store.db.raw.prepare('SELECT * FROM shared_links').all())).not.toContain('a long link password');
    expect((await siteLinks(store.db, site.id)).map((l) => l.name)).toEqual(['Marketing', 'Shared link']);
    expect(await linkOfToken(store.db, '')).toBeNull();
    expect(await revokeSharedLink(store.db, site.id, first.link.id, T0)).toBe(true);
    expect(await revokeSharedLink(store.db, site.id, first.link.id, T0)).toBe(false);
    expect(await linkOfToken(store.db, first.token)).toBeNull();
    // The revoked link's row says so, and no longer holds its token.
    expect(await linkOfTokenAnyState(store.db, first.token)).toMatchObject({ token: null, revokedAt: Math.floor(T0 / 1000) });
    expect(await linkOfToken(store.db, second.token)).toMatchObject({ id: second.link.id });
    expect((await siteLinks(store.db, site.id)).map((l) => l.id)).toEqual([second.link.id]);
  });
});

describe('users', () => {
  it('grants viewers sites, refuses duplicates and never deletes the last owner', async () => {
    const a = await addSite(store.db, 'a.example');
    const b = await addSite(store.db, 'b.example');
    const owner = await createUser(store.db, 'Owner@Example.com', 'long enough password', T0);
    const viewer = await createUser(store.db, 'viewer@example.com', 'long enough password', T0, 'viewer');
    await expect(createUser(store.db, 'OWNER@example.com', 'long enough password', T0)).rejects.toThrow(UserError);
    await setGrantedSites(store.db, viewer, [b.id, a.id, a.id]);
    expect(await grantedSiteIds(store.db, viewer)).toEqual([a.id, b.id]);
    expect((await findUserByEmail(store.db, ' VIEWER@example.com '))?.role).toBe('viewer');
    await expect(deleteUser(store.db, owner)).rejects.toThrow('last owner');
    expect(await deleteUser(store.db, viewer)).toBe(true);
    expect(await grantedSiteIds(store.db, viewer)).toEqual([]);
    expect(await deleteUser(store.db, viewer)).toBe(false);
  });

  it('makes every user that existed before roles an owner, and tokens listable from then on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teller-mig-'));
    const db = openSqlite(join(dir, 'teller.db'));
    try {
      // The database as it was before 0003: a user made by `teller user add`, a token.
      const before = join(dir, 'before');
      mkdirSync(before);
      for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '0003')) copyFileSync(join(MIGRATIONS_DIR, f), join(before, f));
      migrate(db.raw, before);
      db.raw.prepare("INSERT INTO users (email, password_hash, created_at) VALUES ('old@example.com', 'x', 1)").run();
      db.raw.prepare("INSERT INTO tokens (token_hash, site_id, created_at) VALUES ('h', NULL, 1)").run();
      expect(migrate(db.raw)).toContain('0003_dashboard.sql');
      expect(db.raw.prepare('SELECT email, role FROM users').all()).toEqual([{ email: 'old@example.com', role: 'owner' }]);
      expect(db.raw.prepare('SELECT prefix FROM tokens').all()).toEqual([{ prefix: null }]);
      const owner = await findUserByEmail(db, 'old@example.com');
      expect(owner?.role).toBe('owner');
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('settings patch', () => {
  it('accepts every writable field and names the first bad one', () => {
    expect(parseSiteSettings({})).toEqual({});
    expect(parseSiteSettings({ excludedIps: [' 10.0.0.0/8 ', '10.0.0.0/8'], retentionDays: null })).toEqual({ excludedIps: ['10.0.0.0/8'], retentionDays: null });
    const bad = (body: Record<string, unknown>) => {
      try {
        parseSiteSettings(body);
        return 'accepted';
      } catch (e) {
        expect(e).toBeInstanceOf(SettingsError);
        return (e as SettingsError).field;
      }
    };
    expect(bad({ retentionDays: 1.5 })).toBe('retentionDays');
    expect(bad({ excludedPaths: Array.from({ length: 101 }, (_, i) => `/p${i}`) })).toBe('excludedPaths');
    expect(bad({ allowedHostnames: ['bad host'] })).toBe('allowedHostnames');
    expect(bad({ searchParams: ['a=b'] })).toBe('searchParams');
    expect(bad({ domain: 'x.example' })).toBe('domain');
    // The message names the setting as the settings page does, not by the API's field name.
    expect(() => parseSiteSettings({ excludedPaths: ['admin'] })).toThrow('Excluded pages: "admin" can never match: paths start with "/" (did you mean "/admin"?)');
  });
});
