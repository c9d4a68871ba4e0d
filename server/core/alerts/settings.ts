/**
 * A site's alert settings: read with their defaults (a site without a row has no-events on
 * at 24 hours, "back" on, spike off, mail to the instance's owners), validated and saved.
 * Messages name the field as the dashboard sends it (`webhookUrl: …`).
 * @module
 */
import type { Db } from '../ports.ts';
import { normalizeEmail } from '../users.ts';

export type AlertLang = 'en' | 'nb';

export interface AlertSettings {
  noEvents: boolean;
  noEventsHours: number;
  spike: boolean;
  spikeVisitors: number | null;
  spikeFactor: number | null;
  back: boolean;
  /** null: the instance's owners. */
  emails: string[] | null;
  /** '' for none. */
  webhookUrl: string;
  lang: AlertLang;
}

export const DEFAULT_ALERT_SETTINGS: Readonly<AlertSettings> = {
  noEvents: true,
  noEventsHours: 24,
  spike: false,
  spikeVisitors: null,
  spikeFactor: null,
  back: true,
  emails: null,
  webhookUrl: '',
  lang: 'en',
};

export const MAX_HOURS = 168;
export const MIN_FACTOR = 1.5;
export const MAX_FACTOR = 100;
export const MAX_RECIPIENTS = 20;
export const MAX_URL_LENGTH = 2000;

export class AlertSettingsError extends Error {}

/** A row of `alert_settings` as stored. */
export interface SettingsRow {
  no_events: number;
  no_events_hours: number;
  spike: number;
  spike_visitors: number | null;
  spike_factor: number | null;
  back: number;
  emails: string | null;
  webhook_url: string;
  lang: string;
}

function emailList(text: string | null): string[] | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function settingsFromRow(row: SettingsRow | null): AlertSettings {
  if (!row) return { ...DEFAULT_ALERT_SETTINGS };
  return {
    noEvents: row.no_events === 1,
    noEventsHours: row.no_events_hours,
    spike: row.spike === 1,
    spikeVisitors: row.spike_visitors,
    spikeFactor: row.spike_factor,
    back: row.back === 1,
    emails: emailList(row.emails),
    webhookUrl: row.webhook_url,
    lang: row.lang === 'nb' ? 'nb' : 'en',
  };
}

export async function readAlertSettings(db: Db, siteId: number): Promise<AlertSettings> {
  return settingsFromRow(await db.first<SettingsRow>('SELECT * FROM alert_settings WHERE site_id = ?', [siteId]));
}

export async function writeAlertSettings(db: Db, siteId: number, s: AlertSettings, nowMs: number): Promise<void> {
  await db.run(
    `INSERT OR REPLACE INTO alert_settings (site_id, no_events, no_events_hours, spike, spike_visitors, spike_factor, back, emails, webhook_url, lang, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [siteId, s.noEvents ? 1 : 0, s.noEventsHours, s.spike ? 1 : 0, s.spikeVisitors, s.spikeFactor, s.back ? 1 : 0, s.emails === null ? null : JSON.stringify(s.emails), s.webhookUrl, s.lang, nowMs],
  );
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * A webhook URL as saved ('' for none), or the problem with it: https only, because the URL
 * itself is the secret of Slack's, Teams' and Discord's webhooks; plain http only to this
 * machine (a local relay, the tests).
 */
export function checkWebhookUrl(input: string): { ok: string } | { problem: string } {
  const value = input.trim();
  if (value === '') return { ok: '' };
  if (value.length > MAX_URL_LENGTH) return { problem: `at most ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'not a URL (it starts with https://)' };
  }
  if (url.protocol === 'https:') return { ok: url.href };
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return { ok: url.href };
  if (url.protocol === 'http:') return { problem: 'must start with https:// (plain http:// is accepted only to this machine)' };
  return { problem: `${url.protocol} is not a web address: it must start with https://` };
}

function flag(input: Record<string, unknown>, name: string, current: boolean): boolean {
  const value = input[name];
  if (value === undefined) return current;
  if (typeof value !== 'boolean') throw new AlertSettingsError(`${name}: true or false is expected`);
  return value;
}

function wholeNumber(input: Record<string, unknown>, name: string, current: number | null, min: number, max: number, nullable: boolean): number | null {
  const value = input[name];
  if (value === undefined) return current;
  if (value === null && nullable) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new AlertSettingsError(`${name}: a whole number from ${min} to ${max} is expected`);
  }
  return value;
}

function factor(input: Record<string, unknown>, current: number | null): number | null {
  const value = input.spikeFactor;
  if (value === undefined) return current;
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < MIN_FACTOR || value > MAX_FACTOR) {
    throw new AlertSettingsError(`spikeFactor: a number from ${MIN_FACTOR} to ${MAX_FACTOR} is expected`);
  }
  return Math.round(value * 10) / 10;
}

function emails(input: Record<string, unknown>, current: string[] | null): string[] | null {
  const value = input.emails;
  if (value === undefined) return current;
  if (value === null) return null;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new AlertSettingsError('emails: a list of e-mail addresses is expected');
  const out: string[] = [];
  for (const raw of value as string[]) {
    if (raw.trim() === '') continue;
    const address = normalizeEmail(raw);
    if (address === null) throw new AlertSettingsError(`emails: "${raw.slice(0, 254)}" is not an e-mail address`);
    if (!out.includes(address)) out.push(address);
  }
  if (out.length > MAX_RECIPIENTS) throw new AlertSettingsError(`emails: at most ${MAX_RECIPIENTS} addresses`);
  return out;
}

/** `current` with the fields `input` names changed; throws AlertSettingsError naming a bad field. */
export function parseAlertSettings(input: Record<string, unknown>, current: AlertSettings): AlertSettings {
  const next: AlertSettings = {
    noEvents: flag(input, 'noEvents', current.noEvents),
    noEventsHours: wholeNumber(input, 'noEventsHours', current.noEventsHours, 1, MAX_HOURS, false)!,
    spike: flag(input, 'spike', current.spike),
    spikeVisitors: wholeNumber(input, 'spikeVisitors', current.spikeVisitors, 1, 10_000_000, true),
    spikeFactor: factor(input, current.spikeFactor),
    back: flag(input, 'back', current.back),
    emails: emails(input, current.emails),
    webhookUrl: current.webhookUrl,
    lang: current.lang,
  };
  if (input.webhookUrl !== undefined) {
    if (typeof input.webhookUrl !== 'string') throw new AlertSettingsError('webhookUrl: a string is expected');
    const checked = checkWebhookUrl(input.webhookUrl);
    if ('problem' in checked) throw new AlertSettingsError(`webhookUrl: ${checked.problem}`);
    next.webhookUrl = checked.ok;
  }
  if (input.lang !== undefined) {
    if (input.lang !== 'en' && input.lang !== 'nb') throw new AlertSettingsError('lang: "en" or "nb" is expected');
    next.lang = input.lang;
  }
  if (next.spike && next.spikeVisitors === null && next.spikeFactor === null) {
    throw new AlertSettingsError('spikeVisitors: give a number of visitors, a factor, or both, for the spike alert');
  }
  return next;
}
