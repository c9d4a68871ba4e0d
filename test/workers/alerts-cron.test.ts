/**
 * Alerts in workerd: the Worker's `scheduled` handler on the alerts' cron (every 15 minutes)
 * posts to a real HTTP receiver on 127.0.0.1 when a site falls silent, says when tracking
 * is back, suppresses repeats and leaves alerts alone on the maintenance cron. Mail on
 * Workers comes with the reports' mailer; the webhook is tested here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { type TellerWorker, startWorker } from './harness.ts';

const ADMIN = 'workers-alerts-admin-token-0123456789';
const START = Date.parse('2024-03-12T12:00:00Z') / 1000;
const H = 3600;

let worker: TellerWorker;
let receiver: WebhookReceiver;
let siteId: number;

async function addEvents(times: readonly number[]): Promise<void> {
  for (const [i, ts] of times.entries()) {
    const visit = await worker.db
      .prepare("INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, channel) VALUES (?, ?, ?, ?, 1, 'Direct') RETURNING id")
      .bind(siteId, ts + i, ts, ts)
      .first<{ id: number }>();
    await worker.db.prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, ?, ?, ?, 'pageview', 'quiet.example', '/')").bind(siteId, visit!.id, ts + i, ts).run();
  }
}

async function cron(cronText: string, sec: number): Promise<void> {
  const result = await worker.scheduled({ scheduledTime: new Date(sec * 1000), cron: cronText });
  expect(result.outcome).toBe('ok');
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const url = `${receiver.origin}/hook`;
  worker = await startWorker({ vars: { TELLER_ADMIN_TOKEN: ADMIN } });
  const site = await worker.db
    .prepare("INSERT INTO sites (domain, timezone, created_at) VALUES ('quiet.example', 'Europe/Oslo', ?) RETURNING id")
    .bind((START - 20 * 86_400) * 1000)
    .first<{ id: number }>();
  siteId = site!.id;
  await worker.db
    .prepare("INSERT INTO alert_settings (site_id, no_events_hours, webhook_url, lang, updated_at) VALUES (?, 6, ?, 'en', 0)")
    .bind(siteId, url)
    .run();
  // Two visits every hour for ten days, the last at START.
  const times: number[] = [];
  for (let t = START - 10 * 86_400; t <= START; t += 1800) times.push(t);
  await addEvents(times);
});

afterAll(async () => {
  await worker?.close();
  await receiver?.close();
});

describe('alerts on the Workers cron', () => {
  it('posts the no-events alert on the alerts cron only, once', async () => {
    await cron('*/15 * * * *', START + 5 * H);
    expect(receiver.hooks).toHaveLength(0);
    await cron('7 * * * *', START + 6 * H + 420);
    expect(receiver.hooks).toHaveLength(0);
    await cron('*/15 * * * *', START + 6 * H + 900);
    expect(receiver.hooks).toHaveLength(1);
    expect(receiver.hooks[0]!.contentType).toBe('application/json');
    expect(receiver.hooks[0]!.body.text).toContain('No events from quiet.example for 6 hours');
    expect(receiver.hooks[0]!.body.content).toBe(receiver.hooks[0]!.body.text);
    await cron('*/15 * * * *', START + 7 * H);
    expect(receiver.hooks).toHaveLength(1);
  });

  it('says tracking is back, tries a failed post again on the next run, and records each send', async () => {
    receiver.answer.status = 500;
    await addEvents([START + 8 * H]);
    await cron('*/15 * * * *', START + 8 * H + 900);
    expect(receiver.hooks).toHaveLength(2);
    expect(receiver.hooks[1]!.body.text).toContain('Tracking is back on quiet.example');
    const failed = await worker.db.prepare("SELECT status, attempts, error FROM alert_deliveries WHERE channel = 'webhook' ORDER BY alert_id DESC").first();
    expect(failed).toEqual({ status: 'failed', attempts: 1, error: 'the webhook answered HTTP 500' });
    receiver.answer.status = 200;
    await cron('*/15 * * * *', START + 8 * H + 1800);
    expect(receiver.hooks).toHaveLength(3);
    expect(receiver.hooks[2]!.body.text).toBe(receiver.hooks[1]!.body.text);
    const sent = await worker.db.prepare("SELECT status, attempts FROM alert_deliveries WHERE channel = 'webhook' ORDER BY alert_id DESC").first();
    expect(sent).toEqual({ status: 'sent', attempts: 2 });
    // Silent again within 12 hours of the last no-events alert: suppressed.
    await cron('*/15 * * * *', START + 15 * H);
    expect(receiver.hooks).toHaveLength(3);
  });
});
