/**
 * The Sites API over real HTTP: Plausible's shapes, JSON and form bodies, admin tokens only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../server/core/tokens.ts';
import { startStatsServer, type StatsServer } from './stats-server.ts';

const ADMIN = 'operator-admin-token-0123456789abcdef';

let server: StatsServer;

beforeAll(async () => {
  server = await startStatsServer(ADMIN);
});
afterAll(() => server.close());

function call(method: string, path: string, init: { token?: string | null; json?: unknown; form?: Record<string, string> } = {}) {
  const token = init.token === undefined ? ADMIN : init.token;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: string | URLSearchParams | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form) {
    body = new URLSearchParams(init.form);
  }
  return fetch(`${server.url}${path}`, { method, headers, body });
}

describe('Sites API', () => {
  // Creating from JSON and forms, listing, showing and deleting are in the shared suite
  // (test/shared/stats-api.suite.ts), on Node and Workers; here is what it leaves out.
  it('creates a site with timezone Etc/UTC when none is given', async () => {
    const res = await call('POST', '/api/v1/sites', { json: { domain: 'new.example' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ domain: 'new.example', timezone: 'Etc/UTC', location_precision: 'region' });
    expect((await call('POST', '/api/v1/sites', { json: { domain: 'form.example', timezone: 'Europe/Oslo' } })).status).toBe(200);
  });

  it.each([
    [{ domain: 'not a domain' }, 'not a valid domain'],
    [{ domain: 'tz.example', timezone: 'Mars/Olympus' }, 'timezone'],
    [{}, 'domain'],
    [[1, 2], 'JSON object'],
  ])('refuses %j with 400', async (json, words) => {
    const res = await call('POST', '/api/v1/sites', { json });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(words);
  });

  it('pages the list by domain, Plausible style', async () => {
    const first = (await (await call('GET', '/api/v1/sites?limit=1')).json()) as { meta: { after: string } };
    expect(first).toEqual({ sites: [{ domain: 'form.example', timezone: 'Europe/Oslo', location_precision: 'region' }], meta: { after: 'form.example', before: null, limit: 1 } });
    const second = await (await call('GET', `/api/v1/sites?limit=1&after=${first.meta.after}`)).json();
    expect(second).toEqual({ sites: [{ domain: 'new.example', timezone: 'Etc/UTC', location_precision: 'region' }], meta: { after: null, before: null, limit: 1 } });
    expect((await call('GET', '/api/v1/sites?limit=0')).status).toBe(400);
  });

  it('sets location_precision on create and update, and refuses anything else with 400 naming it', async () => {
    const created = await call('POST', '/api/v1/sites', { form: { domain: 'city.example', location_precision: 'city' } });
    expect(await created.json()).toEqual({ domain: 'city.example', timezone: 'Etc/UTC', location_precision: 'city' });
    const updated = await call('PUT', '/api/v1/sites/city.example', { json: { location_precision: 'country' } });
    expect(await updated.json()).toEqual({ domain: 'city.example', timezone: 'Etc/UTC', location_precision: 'country' });
    expect(await server.db.first('SELECT location_precision FROM sites WHERE domain = ?', ['city.example'])).toEqual({ location_precision: 'country' });
    for (const [method, path, json, words] of [
      ['POST', '/api/v1/sites', { domain: 'street.example', location_precision: 'street' }, 'location_precision: country, region or city is expected'],
      ['PUT', '/api/v1/sites/city.example', { location_precision: 7 }, 'location_precision'],
      ['PUT', '/api/v1/sites/city.example', { domain: 'other.example' }, 'domain: cannot be changed here'],
    ] as const) {
      const res = await call(method, path, { json });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(words);
    }
    // The refused create left nothing behind.
    expect((await call('GET', '/api/v1/sites/street.example')).status).toBe(404);
    expect((await call('PUT', '/api/v1/sites/missing.example', { json: { location_precision: 'city' } })).status).toBe(404);
    expect((await call('DELETE', '/api/v1/sites/city.example')).status).toBe(200);
  });

  it('answers 404 to show or delete a site it does not have', async () => {
    expect((await call('GET', '/api/v1/sites/missing.example')).status).toBe(404);
    expect((await call('DELETE', '/api/v1/sites/missing.example')).status).toBe(404);
  });

  it('accepts admin tokens from the CLI and refuses site tokens and no token', async () => {
    const site = (await server.db.first<{ id: number }>('SELECT id FROM sites WHERE domain = ?', ['form.example']))!;
    const admin = await createToken(server.db, { siteId: null }, server.now.ms);
    const siteToken = await createToken(server.db, { siteId: site.id }, server.now.ms);
    expect((await call('GET', '/api/v1/sites', { token: admin })).status).toBe(200);
    for (const token of [siteToken, null, 'operator-admin-token-0123456789abcdeX']) {
      const res = await call('GET', '/api/v1/sites', { token });
      expect(res.status).toBe(401);
      expect((await call('POST', '/api/v1/sites', { token, json: { domain: 'x.example' } })).status).toBe(401);
      expect((await call('DELETE', '/api/v1/sites/form.example', { token })).status).toBe(401);
    }
  });
});

describe('an admin token shorter than 32 characters', () => {
  it('is never accepted', async () => {
    const weak = await startStatsServer('too-short-token');
    try {
      const res = await fetch(`${weak.url}/api/v1/sites`, { headers: { authorization: 'Bearer too-short-token' } });
      expect(res.status).toBe(401);
    } finally {
      await weak.close();
    }
  });
});
