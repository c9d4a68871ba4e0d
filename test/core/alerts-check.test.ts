/**
 * The checker (server/core/alerts/check.ts) over a real SQLite file, with a recording
 * webhook client and mailer: which alerts go out when, "back" after a silence, suppression
 * over random tick sequences, retries of failed sends, and no second send after a crash.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertDeps, checkAlerts, MAX_ATTEMPTS } from '../../server/core/alerts/check.ts';
import { readAlertSettings, writeAlertSettings, parseAlertSettings } from '../../server/core/alerts/settings.ts';
import type { MailMessage } from '../../server/core/ports.ts';
import { createSite } from '../../server/core/sites.ts';
import { createUser } from '../../server/core/users.ts';
import type { SqliteDb } from '../../server/node/sqlite-db.ts';
import { MemoryLog } from '../helpers/server.ts';
import { tempDb } from '../helpers/db.ts';

const H = 3600;
const DAY = 86_400;
const at = (iso: string) => Date.parse(iso) / 1000;
const START = at('2024-05-01T00:00:00Z');

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

interface Harness {
  db: SqliteDb;
  posts: Array<{ url: string; body: { text: string; content: string } }>;
  mails: MailMessage[];
  deps: AlertDeps;
  /** Status the webhook answers with. */
  webhookStatus: { value: number };
  siteId: number;
}

async function harness(options: { mail?: boolean } = {}): Promise<Harness> {
  const t = tempDb();
  cleanups.push(t.cleanup);
  const posts: Harness['posts'] = [];
  const mails: MailMessage[] = [];
  const webhookStatus = { value: 200 };
  const deps: AlertDeps = {
    db: t.db,
    log: new MemoryLog(),
    config: { publicOrigin: 'https://teller.example' },
    fetch: (async (url: string, init: RequestInit) => {
      posts.push({ url, body: JSON.parse(init.body as string) });
      return new Response('ok', { status: webhookStatus.value });
    }) as unknown as typeof fetch,
    ...(options.mail ? { mailer: { from: 'teller@example.com', send: async (m: MailMessage) => void mails.push(m) } } : {}),
  };
  await createUser(t.db, 'owner@example.com', 'correct horse battery', 0);
  const site = await createSite(t.db, { domain: 'shop.example', timezone: 'Etc/UTC' }, (START - 60 * DAY) * 1000);
  return { db: t.db, posts, mails, deps, webhookStatus, siteId: site.id };
}

async function configure(h: Harness, change: Record<string, unknown>): Promise<void> {
  const next = parseAlertSettings({ webhookUrl: 'https://hooks.example/T1', ...change }, await readAlertSettings(h.db, h.siteId));
  await writeAlertSettings(h.db, h.siteId, next, 0);
}

let visitor = 0;
/** One visit with one pageview per time. */
function addEvents(db: SqliteDb, siteId: number, times: readonly number[]): void {
  const visit = db.raw.prepare("INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, channel) VALUES (?, ?, ?, ?, 1, 'Direct')");
  const event = db.raw.prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, ?, ?, ?, 'pageview', 'shop.example', '/')");
  db.raw.transaction(() => {
    for (const ts of times) {
      visitor += 1;
      const v = visit.run(siteId, visitor, ts, ts);
      event.run(siteId, v.lastInsertRowid, visitor, ts);
    }
  })();
}

/** `perHour` visits in every hour of [from, to). */
function steadyTraffic(db: SqliteDb, siteId: number, from: number, to: number, perHour: number): void {
  const times: number[] = [];
  for (let hour = from; hour < to; hour += H) for (let i = 0; i < perHour; i++) times.push(hour + Math.floor(((i + 0.5) * H) / perHour));
  addEvents(db, siteId, times);
}

const kinds = (h: Harness) => (h.db.raw.prepare('SELECT kind FROM alert_log ORDER BY id').all() as Array<{ kind: string }>).map((r) => r.kind);
const check = (h: Harness, sec: number) => checkAlerts(h.deps, sec * 1000);

describe('no events, then back', () => {
  it('alerts once a busy site has been silent for N hours, once per silence, then says when events are back', async () => {
    const h = await harness();
    await configure(h, {});
    steadyTraffic(h.db, h.siteId, START - 30 * DAY, START, 4);
    await check(h, START + 23 * H);
    expect(h.posts).toHaveLength(0);
    await check(h, START + 24 * H);
    expect(kinds(h)).toEqual(['no_events']);
    expect(h.posts[0]!.url).toBe('https://hooks.example/T1');
    expect(h.posts[0]!.body.text).toContain('No events from shop.example for 24 hours');
    expect(h.posts[0]!.body.content).toBe(h.posts[0]!.body.text);
    // The same silence is not alerted again, even after 12 hours.
    await check(h, START + 40 * H);
    expect(h.posts).toHaveLength(1);
    addEvents(h.db, h.siteId, [START + 41 * H]);
    await check(h, START + 41 * H + 300);
    expect(kinds(h)).toEqual(['no_events', 'back']);
    expect(h.posts[1]!.body.text).toContain('Tracking is back on shop.example');
    await check(h, START + 42 * H);
    expect(h.posts).toHaveLength(2);
  });

  it('does not alert a site that never received an event, nor one younger than N hours', async () => {
    const h = await harness();
    await configure(h, {});
    await check(h, START + 100 * H);
    expect(h.posts).toHaveLength(0);
    const young = await createSite(h.db, { domain: 'new.example' }, (START + 90 * H) * 1000);
    await writeAlertSettings(h.db, young.id, parseAlertSettings({ webhookUrl: 'https://hooks.example/T2' }, await readAlertSettings(h.db, young.id)), 0);
    addEvents(h.db, young.id, [START + 90 * H + 60]);
    await check(h, START + 113 * H);
    expect(h.posts).toHaveLength(0);
    await check(h, START + 115 * H);
    expect(h.posts.map((p) => p.url)).toEqual(['https://hooks.example/T2']);
  });

  it('holds a small site’s alert through the night and sends it in the morning', async () => {
    const h = await harness();
    await configure(h, { noEventsHours: 7 });
    // Visits at 15:00 and 18:00–21:00 UTC every day for four weeks, none at night; the last day only the 15:00 one.
    const times: number[] = [];
    for (let d = 29; d >= 2; d--) for (const hour of [15, 18, 19, 20, 21]) times.push(START - d * DAY + hour * H);
    times.push(START - DAY + 15 * H);
    addEvents(h.db, h.siteId, times);
    await check(h, START - DAY + 21 * H);
    expect(h.posts).toHaveLength(0);
    // 22:00 and 03:00: due (7 hours, 5 visits usually), but it is night and the site has no visits at those hours.
    await check(h, START - DAY + 22 * H);
    await check(h, START + 3 * H);
    expect(h.posts).toHaveLength(0);
    await check(h, START + 7 * H);
    expect(kinds(h)).toEqual(['no_events']);
  });

  it('does not alert a silence the site usually has', async () => {
    const h = await harness();
    await configure(h, { noEventsHours: 6 });
    // One visit a day at 10:00.
    addEvents(h.db, h.siteId, Array.from({ length: 28 }, (_, i) => START - (28 - i) * DAY + 10 * H));
    await check(h, START + 9 * H);
    await check(h, START + 10 * H + 1800);
    expect(h.posts).toHaveLength(0);
  });
});

describe('spike', () => {
  it('alerts an hour with k times the usual visitors, once per 12 hours', async () => {
    const h = await harness();
    await configure(h, { noEvents: false, spike: true, spikeFactor: 3 });
    steadyTraffic(h.db, h.siteId, START - 28 * DAY, START + 11 * H, 5);
    await check(h, START + 10 * H + 60);
    expect(h.posts).toHaveLength(0);
    addEvents(h.db, h.siteId, Array.from({ length: 12 }, (_, i) => START + 10 * H + 60 + i));
    await check(h, START + 11 * H + 60);
    expect(kinds(h)).toEqual(['spike']);
    expect(h.posts[0]!.body.text).toContain('17 visitors between 10:00 and 11:00');
    expect(h.posts[0]!.body.text).toContain('That hour usually has 5 visitors.');
    addEvents(h.db, h.siteId, Array.from({ length: 30 }, (_, i) => START + 11 * H + 120 + i));
    await check(h, START + 12 * H + 60);
    expect(h.posts).toHaveLength(1);
  });
});

describe('suppression over random ticks', () => {
  it('never records or sends two alerts of a kind for a site within 12 hours, and sends each once', async () => {
    const raised = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gap: fc.integer({ min: 60, max: 8 * H }), events: fc.integer({ min: 0, max: 30 }) }), { minLength: 5, maxLength: 40 }),
        async (ticks) => {
          const h = await harness();
          await configure(h, { noEventsHours: 2, spike: true, spikeVisitors: 10 });
          steadyTraffic(h.db, h.siteId, START - 10 * DAY, START, 3);
          let now = START;
          for (const tick of ticks) {
            now += tick.gap;
            if (tick.events > 0) addEvents(h.db, h.siteId, Array.from({ length: tick.events }, (_, i) => now - 600 + i));
            await check(h, now);
          }
          const log = h.db.raw.prepare("SELECT kind, created_at FROM alert_log ORDER BY created_at").all() as Array<{ kind: string; created_at: number }>;
          for (const kind of ['no_events', 'spike', 'back']) {
            const times = log.filter((r) => r.kind === kind).map((r) => r.created_at);
            for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(12 * H);
          }
          expect(h.posts).toHaveLength(log.length);
          for (const r of log) raised.add(r.kind);
          cleanups.pop()!();
        },
      ),
      { numRuns: 25 },
    );
    // The sequences did raise every kind, so the property was put to the test.
    expect([...raised].sort()).toEqual(['back', 'no_events', 'spike']);
  });
});

describe('sending', () => {
  it('mails the owners by default, in the chosen language, and tries a failed webhook again on later ticks', async () => {
    const h = await harness({ mail: true });
    await configure(h, { lang: 'nb' });
    steadyTraffic(h.db, h.siteId, START - 10 * DAY, START, 2);
    h.webhookStatus.value = 500;
    await check(h, START + 25 * H);
    expect(h.mails.map((m) => [m.to, m.subject])).toEqual([['owner@example.com', 'Ingen hendelser fra shop.example på 24 timer']]);
    expect(h.mails[0]!.text).toContain('https://teller.example/sites/shop.example/settings#alerts');
    expect(h.posts).toHaveLength(1);
    const delivery = () => h.db.raw.prepare("SELECT status, attempts, error FROM alert_deliveries WHERE channel = 'webhook'").get();
    expect(delivery()).toEqual({ status: 'failed', attempts: 1, error: 'the webhook answered HTTP 500' });
    expect((h.deps.log as MemoryLog).lines.join('\n')).not.toContain('hooks.example');
    for (let i = 1; i < MAX_ATTEMPTS + 3; i++) await check(h, START + 25 * H + i * 300);
    expect(h.posts).toHaveLength(MAX_ATTEMPTS);
    expect(delivery()).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(h.mails).toHaveLength(1);
  });

  it('sends a failed webhook once it answers again', async () => {
    const h = await harness();
    await configure(h, {});
    steadyTraffic(h.db, h.siteId, START - 10 * DAY, START, 2);
    h.webhookStatus.value = 503;
    await check(h, START + 25 * H);
    h.webhookStatus.value = 202;
    await check(h, START + 25 * H + 300);
    await check(h, START + 25 * H + 600);
    expect(h.posts).toHaveLength(2);
    expect(h.db.raw.prepare('SELECT status, attempts FROM alert_deliveries').get()).toEqual({ status: 'sent', attempts: 2 });
  });

  it('never sends again what a crash left pending', async () => {
    const h = await harness();
    await configure(h, {});
    steadyTraffic(h.db, h.siteId, START - 10 * DAY, START, 2);
    // As if a check had recorded the alert and claimed its send, then the process died.
    h.db.raw.prepare("INSERT INTO alert_log (site_id, kind, created_at, raised_by, facts) VALUES (?, 'no_events', ?, 'crashed', '{}')").run(h.siteId, START + 24 * H);
    h.db.raw.prepare("INSERT INTO alert_deliveries (alert_id, site_id, channel, status, attempts, updated_at) VALUES (1, ?, 'webhook', 'pending', 1, 0)").run(h.siteId);
    await check(h, START + 25 * H);
    await check(h, START + 26 * H);
    expect(h.posts).toHaveLength(0);
  });
});
