/**
 * The dashboard's token route with scopes (what "Connect WordPress" calls): the scopes given
 * are the token's, listed with it; none given is `stats`, as before; a bad list is a 400
 * naming it and makes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, setupOwner } from './dashboard-helpers.ts';

let server: TestServer;
let cookie: string;
const tokensPath = '/api/dashboard/sites/wp.example/tokens';

beforeAll(async () => {
  server = await startTestServer();
  cookie = await setupOwner(server);
  await server.addSite('wp.example');
});
afterAll(() => server.stop());

describe('POST /api/dashboard/sites/:domain/tokens with scopes', () => {
  it('makes the token with the scopes asked for, in their order, and lists them', async () => {
    const made = await call(server, 'POST', tokensPath, { cookie, json: { scopes: ['proxy', 'stats', 'share', 'privacy', 'import'] } });
    expect(made.status).toBe(200);
    expect(made.body.info).toMatchObject({ scopes: ['stats', 'privacy', 'share', 'proxy', 'import'] });
    const plain = await call(server, 'POST', tokensPath, { cookie });
    expect(plain.body.info).toMatchObject({ scopes: ['stats'] });
    const listed = (await call(server, 'GET', tokensPath, { cookie })).body.tokens as Array<{ scopes: string[] }>;
    expect(listed.map((t) => t.scopes)).toEqual([['stats'], ['stats', 'privacy', 'share', 'proxy', 'import']]);
    const connection = await fetch(`${server.url}/api/v1/connection`, { headers: { authorization: `Bearer ${made.body.token as string}` } });
    expect(await connection.json()).toMatchObject({ domain: 'wp.example', scopes: ['stats', 'privacy', 'share', 'proxy', 'import'] });
  });

  it('refuses unknown scopes, an empty list and a list that is not one, making nothing', async () => {
    const before = ((await call(server, 'GET', tokensPath, { cookie })).body.tokens as unknown[]).length;
    for (const [scopes, message] of [
      [['stats', 'admin'], 'scopes: unknown scope "admin": the scopes are stats, privacy, share, proxy, import'],
      [[], 'scopes: name at least one scope of stats, privacy, share, proxy, import'],
      ['stats', 'scopes: a list of scope names (stats, privacy, share, proxy, import)'],
    ] as const) {
      const answer = await call(server, 'POST', tokensPath, { cookie, json: { scopes } });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe(message);
    }
    expect(((await call(server, 'GET', tokensPath, { cookie })).body.tokens as unknown[]).length).toBe(before);
  });
});
