/**
 * Only the owner writes the privacy policy: a property name a visitor sends with an event
 * is not in the privacy text until the owner confirms it (admin API, as the dashboard's
 * settings page and the CLI do), and then it is. Over real HTTP against the Node server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, sendEvent, startTestServer } from '../helpers/server.ts';

const ADMIN = 'privacy-props-admin-token-0123456789abcdef';
const EVIL = 'Visit evil.example for free money';

let server: TestServer;

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}/api/v1/sites/shop.example${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...init.headers } });
const text = async (lang = 'en', format = 'md') => {
  const res = await admin(`/privacy-text?lang=${lang}&format=${format}`);
  expect(res.status).toBe(200);
  return res.text();
};
const confirm = (confirmed: unknown) => admin('/privacy-props', { method: 'PUT', body: JSON.stringify({ confirmed }) });

beforeAll(async () => {
  server = await startTestServer({ config: { adminToken: ADMIN } });
  await server.addSite('shop.example');
  for (const p of [{ plan: 'pro' }, { [EVIL]: 1, plan: 'basic' }]) {
    expect((await sendEvent(server, { n: 'Signup', u: 'https://shop.example/', d: 'shop.example', p })).status).toBe(202);
  }
});
afterAll(() => server.stop());

describe('property names in the privacy text', () => {
  it('lists none a visitor sent until the owner confirms it; tells the owner how many wait, never which', async () => {
    expect(await (await admin('/privacy-props')).json()).toEqual({ confirmed: [], unconfirmed: [EVIL, 'plan'] });
    for (const lang of ['en', 'nb']) {
      for (const format of ['md', 'html', 'txt']) {
        const before = await text(lang, format);
        expect(before).not.toContain('evil.example');
        expect(before).not.toMatch(/`plan`|<code>plan<\/code>|: plan;/);
        expect(before).toContain('--privacy-prop');
      }
    }
    expect(await text()).toContain('2 property names received with events are not named above');

    const res = await confirm(['plan', ' plan ', '']);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ confirmed: ['plan'], unconfirmed: [EVIL] });
    const after = await text();
    expect(after).toContain('with these details: `plan`;');
    expect(after).toContain('one property name received with events is not named above');
    expect(after).not.toContain('evil.example');
  });

  it('names what the owner confirmed, word for word and escaped, and no note once nothing waits', async () => {
    expect((await confirm([EVIL, 'plan'])).status).toBe(200);
    expect(await text('en', 'html')).toContain(`with these details: <code>${EVIL}</code> and <code>plan</code>;`);
    expect(await text()).not.toContain('--privacy-prop');
    expect(await (await confirm([])).json()).toEqual({ confirmed: [], unconfirmed: [EVIL, 'plan'] });
    expect(await text()).not.toContain('evil.example');
  });

  it('answers bad input with a 400 naming it, and strangers with a 401', async () => {
    const bad: Array<[unknown, string]> = [
      ['plan', 'confirmed: a list of property names is expected'],
      [[1], 'confirmed: a list of property names is expected'],
      [['a'.repeat(301)], 'confirmed: a property name is at most 300 characters'],
      [['a\nb'], 'confirmed: a property name cannot hold control characters'],
      [Array.from({ length: 51 }, (_, i) => `p${i}`), 'confirmed: at most 50 names'],
    ];
    for (const [confirmed, error] of bad) {
      const res = await confirm(confirmed);
      expect(res.status, error).toBe(400);
      expect(await res.json()).toEqual({ error });
    }
    const notJson = await admin('/privacy-props', { method: 'PUT', body: '["plan"]' });
    expect(notJson.status).toBe(400);
    const huge = await admin('/privacy-props', { method: 'PUT', body: JSON.stringify({ confirmed: ['x'.repeat(70_000)] }) });
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { error: string }).error).toContain('at most 65536 bytes');
    const stranger = await fetch(`${server.url}/api/v1/sites/shop.example/privacy-props`, { method: 'PUT', body: JSON.stringify({ confirmed: ['plan'] }) });
    expect(stranger.status).toBe(401);
    expect(await (await admin('/privacy-props')).json()).toEqual({ confirmed: [], unconfirmed: [EVIL, 'plan'] });
  });
});
