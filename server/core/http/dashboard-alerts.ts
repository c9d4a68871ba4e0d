/**
 * The dashboard's alert routes (owner only): read and change a site's alert settings, and
 * send a test alert to its channels now. Messages name the field as the dashboard sends it
 * (`webhookUrl: …`), so the form shows them beside it.
 * @module
 */
import { Hono, type Context } from 'hono';
import { alertChannels, sendTestAlert } from '../alerts/check.ts';
import { AlertSettingsError, type AlertSettings, parseAlertSettings, readAlertSettings, writeAlertSettings } from '../alerts/settings.ts';
import type { AppDeps } from './app-deps.ts';
import { fail, jsonBody, ownedSite } from './dashboard-access.ts';

export type AlertDepsOfApp = Pick<AppDeps, 'db' | 'readDb' | 'columnar' | 'config' | 'clock' | 'mailer' | 'log'>;

/** One alert of the site's recent ones, with how each of its sends went. */
export interface RecentAlert {
  kind: 'no_events' | 'spike' | 'back' | 'test';
  /** Unix seconds. */
  at: number;
  deliveries: Array<{ channel: 'webhook' | 'mail'; to: string | null; status: 'pending' | 'sent' | 'failed'; error: string }>;
}

/** GET /api/dashboard/sites/:domain/alerts, and the answer to a change. */
export interface AlertSettingsJson {
  settings: AlertSettings;
  /** The instance's owners: who gets mail while `settings.emails` is null. */
  owners: string[];
  /** Whether this server can send mail (TELLER_SMTP_URL on Node). */
  mail: boolean;
  recent: RecentAlert[];
}

/** The outcome of POST …/alerts/test, one row per channel. */
export interface TestAlertJson {
  results: Array<{ channel: 'webhook' | 'mail'; to: string | null; ok: boolean; error: string | null }>;
}

const RECENT = 10;

function channelParts(channel: string): { channel: 'webhook' | 'mail'; to: string | null } {
  return channel === 'webhook' ? { channel: 'webhook', to: null } : { channel: 'mail', to: channel.slice('mail:'.length) };
}

async function describe(deps: AlertDepsOfApp, siteId: number, settings: AlertSettings): Promise<AlertSettingsJson> {
  const owners = (await deps.db.all<{ email: string }>("SELECT email FROM users WHERE role = 'owner' ORDER BY id")).map((r) => r.email);
  const alerts = await deps.db.all<{ id: number; kind: RecentAlert['kind']; created_at: number }>(
    'SELECT id, kind, created_at FROM alert_log WHERE site_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
    [siteId, RECENT],
  );
  const sends = alerts.length === 0 ? [] : await deps.db.all<{ alert_id: number; channel: string; status: 'pending' | 'sent' | 'failed'; error: string }>(
    `SELECT alert_id, channel, status, error FROM alert_deliveries WHERE alert_id IN (${alerts.map(() => '?').join(', ')}) ORDER BY channel`,
    alerts.map((a) => a.id),
  );
  const recent = alerts.map((a) => ({
    kind: a.kind,
    at: a.created_at,
    deliveries: sends.filter((s) => s.alert_id === a.id).map((s) => ({ ...channelParts(s.channel), status: s.status, error: s.error })),
  }));
  return { settings, owners, mail: deps.mailer !== undefined, recent };
}

async function answer(deps: AlertDepsOfApp, c: Context, siteId: number, settings: AlertSettings): Promise<Response> {
  return c.json(await describe(deps, siteId, settings));
}

export function dashboardAlerts(deps: AlertDepsOfApp): Hono {
  const app = new Hono();

  app.get('/api/dashboard/sites/:domain/alerts', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    return answer(deps, c, site.ok.id, await readAlertSettings(deps.db, site.ok.id));
  });

  app.put('/api/dashboard/sites/:domain/alerts', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    let next: AlertSettings;
    try {
      next = parseAlertSettings(body.ok, await readAlertSettings(deps.db, site.ok.id));
    } catch (e) {
      if (e instanceof AlertSettingsError) return fail(c, 400, e.message).response;
      throw e;
    }
    await writeAlertSettings(deps.db, site.ok.id, next, deps.clock());
    return answer(deps, c, site.ok.id, next);
  });

  app.post('/api/dashboard/sites/:domain/alerts/test', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const settings = await readAlertSettings(deps.db, site.ok.id);
    if ((await alertChannels(deps, settings)).length === 0) {
      const why = deps.mailer ? 'add an e-mail address or a webhook URL first' : 'this server sends no mail (TELLER_SMTP_URL is not set): add a webhook URL first';
      return fail(c, 409, `no channel to send to: ${why}`).response;
    }
    const results = await sendTestAlert(deps, site.ok, deps.clock());
    if (results === null) return fail(c, 429, 'a test alert went out less than a minute ago: wait a minute', { 'retry-after': '60' }).response;
    const json: TestAlertJson = { results: results.map((r) => ({ ...channelParts(r.channel), ok: r.ok, error: r.error ?? null })) };
    return c.json(json);
  });

  return app;
}
