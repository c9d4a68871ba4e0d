/**
 * The Sites API over real HTTP: Plausible's shapes, JSON and form bodies, admin tokens only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../server/core/tokens.ts';
import { insertVisitWithEvents } from '../core/query/store.ts';
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
  it('creates a site from JSON with timezone Etc/UTC by default', async () => {
    const res = await call('POST', '/api/v1/sites', { json: { domain: 'new.example' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ domain: 'new.example', timezone: 'Etc/UTC' });
  });

  it('creates a site from a form with its timezone', async () => {
    const res = await call('POST', '/api/v1/sites', { form: { domain: 'Form.Example', timezone: 'Europe/Oslo' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ domain: 'form.example', timezone: 'Europe/Oslo' });
  });

  it.each([
    [{ domain: 'new.example' }, 'already exists'],
    [{ domain: 'not a domain' }, 'not a valid domain'],
    [{ domain: 'tz.example', timezone: 'Mars/Olympus' }, 'timezone'],
    [{}, 'domain'],
    [[1, 2], 'JSON object'],
  ])('refuses %j with 400', async (json, words) => {
    const res = await call('POST', '/api/v1/sites', { json });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(words);
  });

  it('lists sites with Plausible meta, paginated by domain', async () => {
    const all = await call('GET', '/api/v1/sites');
    expect(await all.json()).toEqual({
      sites: [
        { domain: 'form.example', timezone: 'Europe/Oslo' },
        { domain: 'new.example', timezone: 'Etc/UTC' },
      ],
      meta: { after: null, before: null, limit: 100 },
    });
    const first = (await (await call('GET', '/api/v1/sites?limit=1')).json()) as { meta: { after: string } };
    expect(first.meta.after).toBe('form.example');
    const second = await (await call('GET', `/api/v1/sites?limit=1&after=${first.meta.after}`)).json();
    expect(second).toEqual({ sites: [{ domain: 'new.example', timezone: 'Etc/UTC' }], meta: { after: null, before: null, limit: 1 } });
    expect((await call('GET', '/api/v1/sites?limit=0')).status).toBe(400);
  });

  it('shows one site with the custom properties it has seen', async () => {
    const site = (await server.db.first<{ id: number }>('SELECT id FROM sites WHERE domain = ?', ['new.example']))!;
    insertVisitWithEvents(server.db, site.id, { visitor: 1 }, [{ ts: 1_710_000_000, name: 'Signup', props: { plan: 'pro', author: 'x' } }]);
    const res = await call('GET', '/api/v1/sites/new.example');
    expect(await res.json()).toEqual({ domain: 'new.example', timezone: 'Etc/UTC', custom_properties: ['author', 'plan'] });
    expect((await call('GET', '/api/v1/sites/missing.example')).status).toBe(404);
  });

  it('deletes a site and its data', async () => {
    const res = await call('DELETE', '/api/v1/sites/new.example');
    expect(await res.json()).toEqual({ deleted: true });
    expect((await call('GET', '/api/v1/sites/new.example')).status).toBe(404);
    expect(await server.db.first('SELECT count(*) AS n FROM events')).toEqual({ n: 0 });
    expect((await call('DELETE', '/api/v1/sites/new.example')).status).toBe(404);
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
