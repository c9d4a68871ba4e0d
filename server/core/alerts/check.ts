/**
 * The alert checker, run on a timer (Node: the maintenance tick; Workers: a cron trigger):
 * for each site it reads the few numbers the rules (rules.ts) need, raises the alerts due,
 * and sends them. An alert and its sends are recorded before anything is sent, and the
 * record's insert itself enforces "one of a kind per site per 12 hours", so neither a
 * restart nor two checks at once send twice. A send that fails is tried again on later
 * ticks, a few times, while its alert is under 12 hours old.
 * @module
 */
import type { Db, Logger, Mailer, Stmt } from '../ports.ts';
import { addDays, dayNumber, dayStart, localDayAt, offsetAt } from '../time.ts';
import { type AlertFacts, alertMail, webhookBody } from './message.ts';
import {
  type AlertKind,
  HOUR,
  hourlyMeans,
  isBack,
  lastWholeHour,
  median,
  MIN_HISTORY_DAYS,
  noEventsDecision,
  PROFILE_DAYS,
  sameHourDaysBefore,
  silenceDue,
  spikeDecision,
  SUPPRESS_SECONDS,
} from './rules.ts';
import { type AlertSettings, readAlertSettings, type SettingsRow, settingsFromRow } from './settings.ts';

export interface AlertDeps {
  db: Db;
  mailer?: Mailer;
  log: Logger;
  /** Only `publicOrigin` is read: the origin of the settings link in messages (null: no link). */
  config: { publicOrigin?: string | null };
  /** The HTTP client for webhooks (tests may pass their own); global fetch by default. */
  fetch?: typeof fetch;
  webhookTimeoutMs?: number;
}

export interface CheckResult {
  raised: number;
  sent: number;
  failed: number;
}

/** Tries of one send, the first included. */
export const MAX_ATTEMPTS = 5;
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Test alerts: one per site a minute. */
export const TEST_SECONDS = 60;

type Kind = AlertKind | 'test';

interface SiteRow extends SettingsRow {
  id: number;
  domain: string;
  timezone: string;
  created_at: number;
  silent_since: number | null;
  spike_hour: number | null;
  has_settings: number | null;
}

interface Target {
  siteId: number;
  domain: string;
  settings: AlertSettings;
  /** Where a new alert goes (alertChannels). */
  channels: string[];
}

export interface DeliveryResult {
  channel: string;
  ok: boolean;
  error?: string;
}

function settingsLink(deps: AlertDeps, domain: string): string | null {
  const origin = deps.config.publicOrigin;
  return origin ? `${origin.replace(/\/+$/, '')}/sites/${encodeURIComponent(domain)}/settings#alerts` : null;
}

/** The instance's owners' addresses, read at most once per check and only when some site mails them. */
type Owners = () => Promise<string[]>;

function ownersOf(db: Db): Owners {
  let read: Promise<string[]> | null = null;
  return () => (read ??= db.all<{ email: string }>("SELECT email FROM users WHERE role = 'owner' ORDER BY id").then((rows) => rows.map((r) => r.email)));
}

/** Where a site's alerts go: 'webhook' and 'mail:<address>' (mail only with a mailer). */
export async function alertChannels(deps: AlertDeps, settings: AlertSettings, owners: Owners = ownersOf(deps.db)): Promise<string[]> {
  const channels = settings.webhookUrl ? ['webhook'] : [];
  if (deps.mailer) for (const e of settings.emails ?? (await owners())) channels.push(`mail:${e}`);
  return channels;
}

function errorText(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'no answer in time';
  const cause = error instanceof Error ? (error as { cause?: { code?: string } }).cause?.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (cause ? `${message} (${cause})` : message).slice(0, 300);
}

async function postWebhook(deps: AlertDeps, url: string, body: unknown): Promise<void> {
  const res = await (deps.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(deps.webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`the webhook answered HTTP ${res.status}`);
}

async function send(deps: AlertDeps, target: Target, facts: AlertFacts, channel: string): Promise<void> {
  const link = settingsLink(deps, target.domain);
  const { lang, webhookUrl } = target.settings;
  if (channel === 'webhook') {
    if (!webhookUrl) throw new Error('no webhook is set any more');
    await postWebhook(deps, webhookUrl, webhookBody(facts, lang, link));
    return;
  }
  if (!deps.mailer) throw new Error('no mail server is configured');
  await deps.mailer.send(alertMail(facts, lang, channel.slice('mail:'.length), link));
}

/** Sends one claimed delivery and records how it went. */
async function deliver(deps: AlertDeps, target: Target, alertId: number, facts: AlertFacts, channel: string, now: number): Promise<DeliveryResult> {
  let error: string | null = null;
  try {
    await send(deps, target, facts, channel);
  } catch (e) {
    error = errorText(e);
  }
  await deps.db.run('UPDATE alert_deliveries SET status = ?, error = ?, updated_at = ? WHERE alert_id = ? AND channel = ?', [
    error === null ? 'sent' : 'failed',
    error ?? '',
    now,
    alertId,
    channel,
  ]);
  // The log names the channel's kind, not the webhook's URL (its secret) or the address.
  if (error !== null) deps.log.warn(`alert ${facts.kind} for ${target.domain}: ${channel === 'webhook' ? 'webhook' : 'mail'} failed: ${error}`);
  return error === null ? { channel, ok: true } : { channel, ok: false, error };
}

/**
 * Records an alert and its sends in one batch (with `extra` statements, which find the
 * alert's row by its token themselves), unless one of the kind was raised within `window` seconds;
 * then sends it. Null when suppressed.
 */
async function raise(deps: AlertDeps, target: Target, facts: AlertFacts, now: number, extra: (token: string) => Stmt[] = () => []): Promise<DeliveryResult[] | null> {
  const kind: Kind = facts.kind;
  const window = kind === 'test' ? TEST_SECONDS : SUPPRESS_SECONDS;
  const { channels, siteId: id } = target;
  const token = crypto.randomUUID();
  await deps.db.batch([
    {
      sql: `INSERT INTO alert_log (site_id, kind, created_at, raised_by, facts) SELECT ?, ?, ?, ?, ?
            WHERE NOT EXISTS (SELECT 1 FROM alert_log WHERE site_id = ? AND kind = ? AND created_at > ?)`,
      params: [id, kind, now, token, JSON.stringify(facts), id, kind, now - window],
    },
    ...channels.map((channel) => ({
      sql: `INSERT INTO alert_deliveries (alert_id, site_id, channel, status, attempts, error, updated_at)
            SELECT id, site_id, ?, 'pending', 0, '', ? FROM alert_log WHERE raised_by = ?`,
      params: [channel, now, token],
    })),
    ...extra(token),
  ]);
  const row = await deps.db.first<{ id: number }>('SELECT id FROM alert_log WHERE raised_by = ?', [token]);
  if (!row) return null;
  const results: DeliveryResult[] = [];
  for (const channel of channels) {
    // Claimed by the one check that moves it off attempt 0: a concurrent check skips it.
    const claim = await deps.db.run(
      "UPDATE alert_deliveries SET attempts = 1, updated_at = ? WHERE alert_id = ? AND channel = ? AND status = 'pending' AND attempts = 0",
      [now, row.id, channel],
    );
    if (claim.changes === 1) results.push(await deliver(deps, target, row.id, facts, channel, now));
  }
  return results;
}

/** The statement that marks a silence as alerted, if (and only if) the alert raised with `token` was recorded. */
function markSilent(siteId: number, lastEvent: number, token: string): Stmt {
  return {
    sql: `INSERT INTO alert_state (site_id, silent_since) SELECT ?, ?
          WHERE EXISTS (SELECT 1 FROM alert_log WHERE raised_by = ?)
          ON CONFLICT (site_id) DO UPDATE SET silent_since = excluded.silent_since`,
    params: [siteId, lastEvent, token],
  };
}

/** Mean visits per local hour of the day over the 28 days before the day of `lastEvent`; null with under 7 days of history. */
async function silenceMeans(db: Db, siteId: number, timeZone: string, lastEvent: number): Promise<number[] | null> {
  const first = await db.first<{ t: number | null }>('SELECT min(started_at) AS t FROM visits WHERE site_id = ?', [siteId]);
  if (first?.t == null) return null;
  const lastDay = localDayAt(timeZone, lastEvent);
  const firstDay = localDayAt(timeZone, first.t);
  const fromDay = addDays(lastDay, -PROFILE_DAYS) > firstDay ? addDays(lastDay, -PROFILE_DAYS) : firstDay;
  const days = dayNumber(lastDay) - dayNumber(fromDay);
  if (days < MIN_HISTORY_DAYS) return null;
  // Buckets on the zone's hour boundaries (its offset's minutes, e.g. :30 in India); the
  // cast, because a bound number may arrive as REAL and make the division exact.
  const shift = ((offsetAt(timeZone, lastEvent) % HOUR) + HOUR) % HOUR;
  const rows = await db.all<{ b: number; n: number }>(
    'SELECT CAST((started_at + ?) / 3600 AS INTEGER) AS b, count(*) AS n FROM visits WHERE site_id = ? AND started_at >= ? AND started_at < ? GROUP BY b',
    [shift, siteId, dayStart(timeZone, fromDay), dayStart(timeZone, lastDay)],
  );
  return hourlyMeans(timeZone, rows.map((r) => ({ start: r.b * HOUR - shift, visits: r.n })), days);
}

/** Visitors in the hour starting at `hourStart`, and the median of the same local hour over the past 28 days (null with under 7). */
async function hourVisitors(db: Db, siteId: number, timeZone: string, hourStart: number): Promise<{ visitors: number; usual: number | null }> {
  const first = await db.first<{ t: number | null }>('SELECT min(ts) AS t FROM events WHERE site_id = ?', [siteId]);
  if (first?.t == null) return { visitors: 0, usual: null };
  const firstDayStart = dayStart(timeZone, localDayAt(timeZone, first.t));
  const past: number[] = [];
  for (let d = 1; d <= PROFILE_DAYS; d++) {
    const start = sameHourDaysBefore(timeZone, hourStart, d);
    if (start >= firstDayStart) past.push(start);
  }
  const starts = [hourStart, ...past];
  const shift = ((offsetAt(timeZone, hourStart) % HOUR) + HOUR) % HOUR;
  const rows = await db.all<{ b: number; n: number }>(
    `SELECT CAST((ts + ?) / 3600 AS INTEGER) AS b, count(DISTINCT visitor) AS n FROM events WHERE site_id = ? AND (${starts.map(() => '(ts >= ? AND ts < ?)').join(' OR ')}) GROUP BY b`,
    [shift, siteId, ...starts.flatMap((s) => [s, s + HOUR])],
  );
  const byStart = new Map(rows.map((r) => [r.b * HOUR - shift, r.n]));
  const count = (s: number) => byStart.get(s) ?? 0;
  return { visitors: count(hourStart), usual: past.length >= MIN_HISTORY_DAYS ? median(past.map(count)) : null };
}

async function checkSite(deps: AlertDeps, row: SiteRow, now: number, owners: Owners, result: CheckResult): Promise<void> {
  const settings = settingsFromRow(row.has_settings === null ? null : row);
  const target: Target = { siteId: row.id, domain: row.domain, settings, channels: await alertChannels(deps, settings, owners) };
  if (target.channels.length === 0) return;
  const tz = row.timezone;
  const count = (sent: DeliveryResult[] | null) => {
    if (sent === null) return;
    result.raised += 1;
    for (const s of sent) s.ok ? result.sent++ : result.failed++;
  };
  const last = (await deps.db.first<{ t: number | null }>('SELECT max(ts) AS t FROM events WHERE site_id = ?', [row.id]))?.t ?? null;
  if (isBack(row.silent_since, last)) {
    const clear: Stmt = { sql: 'UPDATE alert_state SET silent_since = NULL WHERE site_id = ?', params: [row.id] };
    if (settings.back) count(await raise(deps, target, { kind: 'back', domain: row.domain, timeZone: tz, silentSince: row.silent_since! }, now, () => [clear]));
    else await deps.db.batch([clear]);
  } else if (settings.noEvents) {
    const input = { now, timeZone: tz, hours: settings.noEventsHours, lastEvent: last, siteCreated: Math.floor(row.created_at / 1000), silentSince: row.silent_since };
    if (silenceDue(input) && noEventsDecision({ ...input, means: await silenceMeans(deps.db, row.id, tz, last!) }) === 'alert') {
      const facts: AlertFacts = { kind: 'no_events', domain: row.domain, timeZone: tz, hours: settings.noEventsHours, lastEvent: last! };
      count(await raise(deps, target, facts, now, (token) => [markSilent(row.id, last!, token)]));
    }
  }
  if (settings.spike && last !== null) {
    const hourStart = lastWholeHour(tz, now);
    if (row.spike_hour === hourStart) return;
    const { visitors, usual } = await hourVisitors(deps.db, row.id, tz, hourStart);
    await deps.db.run('INSERT INTO alert_state (site_id, spike_hour) VALUES (?, ?) ON CONFLICT (site_id) DO UPDATE SET spike_hour = excluded.spike_hour', [row.id, hourStart]);
    if (spikeDecision({ threshold: settings.spikeVisitors, factor: settings.spikeFactor }, visitors, usual) !== null) {
      count(await raise(deps, target, { kind: 'spike', domain: row.domain, timeZone: tz, hourStart, visitors, usual, threshold: settings.spikeVisitors }, now));
    }
  }
}

/** Sends again what failed, while its alert is under 12 hours old and tries remain. */
async function retryFailed(deps: AlertDeps, now: number, result: CheckResult): Promise<void> {
  const rows = await deps.db.all<{ alert_id: number; channel: string; attempts: number; site_id: number; facts: string; domain: string }>(
    `SELECT d.alert_id, d.channel, d.attempts, l.site_id, l.facts, s.domain FROM alert_deliveries d
     JOIN alert_log l ON l.id = d.alert_id JOIN sites s ON s.id = l.site_id
     WHERE d.status = 'failed' AND d.attempts < ? AND l.kind <> 'test' AND l.created_at > ?`,
    [MAX_ATTEMPTS, now - SUPPRESS_SECONDS],
  );
  for (const r of rows) {
    const claim = await deps.db.run(
      "UPDATE alert_deliveries SET status = 'pending', attempts = attempts + 1, updated_at = ? WHERE alert_id = ? AND channel = ? AND status = 'failed' AND attempts = ?",
      [now, r.alert_id, r.channel, r.attempts],
    );
    if (claim.changes !== 1) continue;
    const target = { siteId: r.site_id, domain: r.domain, settings: await readAlertSettings(deps.db, r.site_id), channels: [] };
    const sent = await deliver(deps, target, r.alert_id, JSON.parse(r.facts) as AlertFacts, r.channel, now);
    sent.ok ? result.sent++ : result.failed++;
  }
}

/** One check of every site's alerts at `nowMs`; a site's failure is logged and the others go on. */
export async function checkAlerts(deps: AlertDeps, nowMs: number): Promise<CheckResult> {
  const now = Math.floor(nowMs / 1000);
  const result: CheckResult = { raised: 0, sent: 0, failed: 0 };
  await retryFailed(deps, now, result);
  const rows = await deps.db.all<SiteRow>(
    `SELECT s.id, s.domain, s.timezone, s.created_at, st.silent_since, st.spike_hour, a.site_id AS has_settings,
            a.no_events, a.no_events_hours, a.spike, a.spike_visitors, a.spike_factor, a.back, a.emails, a.webhook_url, a.lang
     FROM sites s LEFT JOIN alert_settings a ON a.site_id = s.id LEFT JOIN alert_state st ON st.site_id = s.id ORDER BY s.id`,
  );
  const owners = ownersOf(deps.db);
  for (const row of rows) {
    try {
      await checkSite(deps, row, now, owners, result);
    } catch (error) {
      deps.log.error(`alerts for ${row.domain} failed: ${errorText(error)}`);
    }
  }
  return result;
}

/** "Send a test alert": to every channel of the site now, at most once a minute; null when one went out under a minute ago. */
export async function sendTestAlert(deps: AlertDeps, site: { id: number; domain: string }, nowMs: number): Promise<DeliveryResult[] | null> {
  const settings = await readAlertSettings(deps.db, site.id);
  const target = { siteId: site.id, domain: site.domain, settings, channels: await alertChannels(deps, settings) };
  return raise(deps, target, { kind: 'test', domain: site.domain }, Math.floor(nowMs / 1000));
}
