import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearerToken, createToken, mayRead, tokenHash, verifyToken } from '../../server/core/tokens.ts';
import { addSite, openTestStore, type TestStore } from './query/store.ts';

let store: TestStore;
beforeEach(() => {
  store = openTestStore();
});
afterEach(() => store.close());

const ADMIN = 'an-operator-secret-of-more-than-32-characters';

describe('tokens', () => {
  it('stores only the hash of a site token and verifies it for that site alone', async () => {
    const a = await addSite(store.db, 'a.example');
    const b = await addSite(store.db, 'b.example');
    const token = await createToken(store.db, { siteId: a.id }, Date.now());
    const rows = store.db.raw.prepare('SELECT token_hash, site_id FROM tokens').all() as Array<{ token_hash: string; site_id: number }>;
    expect(rows).toEqual([{ token_hash: await tokenHash(token), site_id: a.id }]);
    expect(JSON.stringify(rows)).not.toContain(token);
    const grant = await verifyToken(store.db, { adminToken: null }, token);
    expect(grant).toEqual({ admin: false, siteId: a.id, scopes: ['stats'] });
    expect(mayRead(grant!, a.id)).toBe(true);
    expect(mayRead(grant!, b.id)).toBe(false);
  });

  it('creates distinct admin tokens that read every site', async () => {
    const t1 = await createToken(store.db, { siteId: null }, Date.now());
    const t2 = await createToken(store.db, { siteId: null }, Date.now());
    expect(t1).not.toBe(t2);
    expect(t1.length).toBeGreaterThanOrEqual(40);
    const grant = await verifyToken(store.db, { adminToken: null }, t2);
    expect(grant).toEqual({ admin: true });
    expect(mayRead(grant!, 12345)).toBe(true);
  });

  it('accepts the configured admin token only when it is long enough', async () => {
    expect(await verifyToken(store.db, { adminToken: ADMIN }, ADMIN)).toEqual({ admin: true });
    expect(await verifyToken(store.db, { adminToken: ADMIN }, `${ADMIN}x`)).toBeNull();
    expect(await verifyToken(store.db, { adminToken: 'short-secret' }, 'short-secret')).toBeNull();
  });

  it('rejects unknown tokens', async () => {
    expect(await verifyToken(store.db, { adminToken: ADMIN }, 'tlr_nope')).toBeNull();
  });

  it('reads the bearer token of an Authorization header', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });
});
