/**
 * Alerts on Node, end to end: a real Teller server whose maintenance tick runs the checker
 * at the test's clock, a real HTTP receiver for the webhook and a real SMTP server (parsed
 * with mailparser), both on 127.0.0.1. The owner sets the alerts up through the dashboard's
 * routes, sends a test alert, then a silence, its alert, tracking back and a failed webhook
 * retried on a later tick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../server/core/sites.ts';
import { createUser, setGrantedSites } from '../../server/core/users.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { call, setupOwner } from './dashboard-helpers.ts';

const H = 3600_000;
const DAY = 24 * H;
const START = Date.parse('2026-03-02T09:00:00Z');


let smtp: TestSmtp;
let receiver: WebhookReceiver;
let server: TestServer;
let cookie: string;
let hookUrl: string;
const clock = { ms: START };

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function addEvents(siteId: number, times: readonly number[]): void {
  const raw = server.db.raw;
  const visit = raw.prepare("INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, channel) VALUES (?, ?, ?, ?, 1, 'Direct')");
  const event = raw.prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, ?, ?, ?, 'pageview', 'shop.example', '/')");
  raw.transaction(() => {
    times.forEach((ms, i) => {
      const ts = Math.floor(ms / 1000);
      const v = visit.run(siteId, i + ts, ts, ts);
      event.run(siteId, v.lastInsertRowid, i + ts, ts);
    });
  })();
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  receiver = await startWebhookReceiver();
  hookUrl = `${receiver.origin}/hook/T0001`;
  server = await startTestServer({
    env: { TELLER_SMTP_URL: smtp.url, TELLER_MAIL_FROM: 'Teller <teller@agency.example>' },
    clock: () => clock.ms,
    maintenanceIntervalMs: 50,
  });
  cookie = await setupOwner(server);
});

afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  await smtp?.close();
});

describe('alerts on Node', () => {
  let siteId: number;
  const path = '/api/dashboard/sites/shop.example/alerts';

  it('shows the defaults to the owner only, and refuses bad settings naming the field', async () => {
    siteId = (await createSite(server.db, { domain: 'shop.example', timezone: 'Europe/Oslo' }, START - 30 * DAY)).id;
    expect((await call(server, 'GET', path)).status).toBe(401);
    const read = await call(server, 'GET', path, { cookie });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      settings: { noEvents: true, noEventsHours: 24, spike: false, back: true, emails: null, webhookUrl: '', lang: 'en' },
      owners: ['owner@teller.example'],
      mail: true,
      recent: [],
    });
    const http = await call(server, 'PUT', path, { cookie, json: { webhookUrl: 'http://receiver.hooks.example.com/x' } });
    expect(http.status).toBe(400);
    expect(http.body.error).toMatch(/^webhookUrl: must start with https:\/\//);
    const spike = await call(server, 'PUT', path, { cookie, json: { spike: true } });
    expect(spike.body.error).toMatch(/^spikeVisitors: /);
    const hours = await call(server, 'PUT', path, { cookie, json: { noEventsHours: 0 } });
    expect(hours.body.error).toBe('noEventsHours: a whole number from 1 to 168 is expected');
    const address = await call(server, 'PUT', path, { cookie, json: { emails: ['not-an-address'] } });
    expect(address.body.error).toBe('emails: "not-an-address" is not an e-mail address');
  });

  it('refuses a viewer of the site: alerts are the owner\'s', async () => {
    const viewer = await createUser(server.db, 'viewer@client.example', 'viewer password 123', START, 'viewer');
    await setGrantedSites(server.db, viewer, [siteId]);
    const login = await call(server, 'POST', '/api/dashboard/login', { json: { email: 'viewer@client.example', password: 'viewer password 123' } });
    const viewerCookie = /teller_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    expect(viewerCookie).toBeTruthy();
    expect((await call(server, 'GET', path, { cookie: viewerCookie })).status).toBe(403);
    expect((await call(server, 'PUT', path, { cookie: viewerCookie, json: { noEvents: false } })).status).toBe(403);
    expect((await call(server, 'POST', `${path}/test`, { cookie: viewerCookie })).status).toBe(403);
    expect((await call(server, 'GET', path, { cookie })).body.settings).toMatchObject({ noEvents: true });
  });

  it('saves the settings and sends a test alert to the webhook and by mail', async () => {
    const saved = await call(server, 'PUT', path, { cookie, json: { webhookUrl: hookUrl, emails: ['Ops@Agency.example'], lang: 'nb', spike: true, spikeVisitors: 1_000_000 } });
    expect(saved.status).toBe(200);
    expect(saved.body.settings).toMatchObject({ webhookUrl: hookUrl, emails: ['ops@agency.example'], lang: 'nb' });
    const test = await call(server, 'POST', `${path}/test`, { cookie });
    expect(test.status).toBe(200);
    expect(test.body.results).toEqual([
      { channel: 'webhook', to: null, ok: true, error: null },
      { channel: 'mail', to: 'ops@agency.example', ok: true, error: null },
    ]);
    expect(receiver.hooks).toHaveLength(1);
    expect(receiver.hooks[0]!.contentType).toBe('application/json');
    expect(receiver.hooks[0]!.body.text).toContain('Testvarsel for shop.example');
    expect(receiver.hooks[0]!.body.content).toBe(receiver.hooks[0]!.body.text);
    await until('the test mail', () => smtp.received.length === 1);
    expect(smtp.received[0]!.subject).toBe('Testvarsel for shop.example');
    expect(smtp.received[0]!.from?.value[0]?.address).toBe('teller@agency.example');
    expect((smtp.received[0]!.to as { text: string }).text).toBe('ops@agency.example');
    expect(smtp.received[0]!.text).toContain('Dette er en test av varslene for shop.example.');
    expect(smtp.received[0]!.html).toContain('<h1');
    const again = await call(server, 'POST', `${path}/test`, { cookie });
    expect(again.status).toBe(429);
  });

  it('alerts a silence of 24 hours by both channels, once, at the server’s clock', async () => {
    // Four visits an hour for ten days, the last at START.
    const times: number[] = [];
    for (let t = START - 10 * DAY; t <= START; t += 15 * 60_000) times.push(t);
    addEvents(siteId, times);
    clock.ms = START + 23 * H;
    // A check has run at this time once it has looked at the last whole hour for a spike.
    await until('a check at 23 hours', () => {
      const state = server.db.raw.prepare('SELECT spike_hour FROM alert_state WHERE site_id = ?').get(siteId) as { spike_hour: number } | undefined;
      return state?.spike_hour === (START + 22 * H) / 1000;
    });
    expect(receiver.hooks).toHaveLength(1);
    clock.ms = START + 24 * H + 60_000;
    await until('the no-events webhook', () => receiver.hooks.length === 2);
    await until('the no-events mail', () => smtp.received.length === 2);
    expect(receiver.hooks[1]!.body.text).toContain('Ingen hendelser fra shop.example på 24 timer');
    expect(receiver.hooks[1]!.body.text).toContain('(Europe/Oslo)');
    expect(smtp.received[1]!.subject).toBe('Ingen hendelser fra shop.example på 24 timer');
    const read = await call(server, 'GET', path, { cookie });
    const recent = read.body.recent as Array<{ kind: string; deliveries: Array<{ channel: string; status: string }> }>;
    expect(recent[0]).toMatchObject({ kind: 'no_events', deliveries: [{ channel: 'mail', status: 'sent' }, { channel: 'webhook', status: 'sent' }] });
  });

  it('says tracking is back when events arrive, and sends a failed webhook again on a later tick', async () => {
    receiver.answer.status = 500;
    addEvents(siteId, [START + 25 * H]);
    clock.ms = START + 25 * H + 60_000;
    await until('the back mail', () => smtp.received.length === 3);
    expect(smtp.received[2]!.subject).toBe('Sporingen virker igjen på shop.example');
    await until('the failed webhook', () => receiver.hooks.length >= 3);
    await until('the failure to be recorded', () => {
      const row = server.db.raw.prepare("SELECT status FROM alert_deliveries WHERE channel = 'webhook' ORDER BY alert_id DESC").get() as { status: string };
      return row.status === 'failed';
    });
    expect(server.log.lines.some((l) => l.includes('alert back for shop.example: webhook failed: the webhook answered HTTP 500'))).toBe(true);
    expect(server.log.lines.join('\n')).not.toContain('T0001');
    receiver.answer.status = 200;
    await until('the webhook sent on a later tick', () => {
      const row = server.db.raw.prepare("SELECT status FROM alert_deliveries WHERE channel = 'webhook' ORDER BY alert_id DESC").get() as { status: string };
      return row.status === 'sent';
    });
    expect(receiver.hooks.at(-1)!.body.text).toContain('Sporingen virker igjen på shop.example');
    expect(smtp.received).toHaveLength(3);
  });
});
