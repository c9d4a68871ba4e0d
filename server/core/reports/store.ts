/**
 * The rows of migration 0020: a site's report settings (which reports, since when, the
 * operator's logo), its recipients, and the sent-log claimed before each mail.
 * @module
 */
import type { Db } from '../ports.ts';
import { normalizeEmail } from '../users.ts';
import type { ReportKind } from './period.ts';

export type ReportLang = 'nb' | 'en';

export const REPORT_LANGS: readonly ReportLang[] = ['nb', 'en'];

export class ReportError extends Error {}

export interface ReportSettings {
  /** When the weekly / monthly report was switched on (Unix seconds), null while off. */
  weeklySince: number | null;
  monthlySince: number | null;
  logo: Logo | null;
  /** The dashboard's origin when the owner last saved (for links without TELLER_PUBLIC_URL). */
  origin: string | null;
}

export interface Logo {
  contentType: 'image/png' | 'image/jpeg' | 'image/gif';
  base64: string;
}

export interface Recipient {
  id: number;
  siteId: number;
  /** A dashboard user's id, or null for an outside address. */
  userId: number | null;
  /** The address: the user's current one, or the outside address. '' for a user who no longer exists. */
  email: string;
  lang: ReportLang;
  unsubscribedAt: number | null;
  createdAt: number;
}

/** What the owner sets: a user by id or an outside address, and the language. */
export type RecipientInput = { userId: number; lang: ReportLang } | { email: string; lang: ReportLang };

/** Largest logo accepted, in bytes: a mail's signature, not a banner. */
export const MAX_LOGO_BYTES = 100 * 1024;
export const MAX_RECIPIENTS = 100;

const OFF: ReportSettings = { weeklySince: null, monthlySince: null, logo: null, origin: null };

export async function readReportSettings(db: Db, siteId: number): Promise<ReportSettings> {
  const row = await db.first<{ weekly_since: number | null; monthly_since: number | null; logo_type: string | null; logo_base64: string | null; origin: string | null }>(
    'SELECT weekly_since, monthly_since, logo_type, logo_base64, origin FROM report_settings WHERE site_id = ?',
    [siteId],
  );
  if (!row) return OFF;
  const logo = row.logo_type && row.logo_base64 ? { contentType: row.logo_type as Logo['contentType'], base64: row.logo_base64 } : null;
  return { weeklySince: row.weekly_since, monthlySince: row.monthly_since, logo, origin: row.origin };
}

export function sinceOf(settings: ReportSettings, kind: ReportKind): number | null {
  return kind === 'week' ? settings.weeklySince : settings.monthlySince;
}

/**
 * Switches the reports on or off, keeping the time a report already on was switched on
 * (so a save does not push its first period back). `logo` undefined leaves the logo.
 */
export async function saveReportSettings(
  db: Db,
  siteId: number,
  change: { weekly: boolean; monthly: boolean; logo?: Logo | null; origin: string },
  nowSec: number,
): Promise<void> {
  const before = await readReportSettings(db, siteId);
  const since = (on: boolean, was: number | null) => (on ? (was ?? nowSec) : null);
  const logo = change.logo === undefined ? before.logo : change.logo;
  await db.run(
    `INSERT INTO report_settings (site_id, weekly_since, monthly_since, logo_type, logo_base64, origin, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (site_id) DO UPDATE SET weekly_since = excluded.weekly_since, monthly_since = excluded.monthly_since,
       logo_type = excluded.logo_type, logo_base64 = excluded.logo_base64, origin = excluded.origin, updated_at = excluded.updated_at`,
    [siteId, since(change.weekly, before.weeklySince), since(change.monthly, before.monthlySince), logo?.contentType ?? null, logo?.base64 ?? null, change.origin, nowSec],
  );
}

/** The image type of `bytes` by its signature, or null when it is not PNG, JPEG or GIF. */
function imageType(bytes: Uint8Array): Logo['contentType'] | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'image/gif';
  return null;
}

/** A logo from a `data:` URL as the settings form sends it; ReportError naming the problem. */
export function parseLogo(dataUrl: string): Logo {
  const match = /^data:[a-z/+.-]*;base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  if (!match) throw new ReportError('logo: a data: URL with base64 content is expected');
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(match[1]!), (ch) => ch.charCodeAt(0));
  } catch {
    throw new ReportError('logo: the base64 content is not valid');
  }
  if (bytes.length > MAX_LOGO_BYTES) throw new ReportError(`logo: at most ${MAX_LOGO_BYTES / 1024} KB`);
  const contentType = imageType(bytes);
  if (!contentType) throw new ReportError('logo: a PNG, JPEG or GIF image is expected');
  return { contentType, base64: match[1]! };
}

export function logoBytes(logo: Logo): Uint8Array {
  return Uint8Array.from(atob(logo.base64), (ch) => ch.charCodeAt(0));
}

interface RecipientRow {
  id: number;
  site_id: number;
  user_id: number | null;
  email: string;
  user_email: string | null;
  lang: string;
  unsubscribed_at: number | null;
  created_at: number;
}

const toRecipient = (r: RecipientRow): Recipient => ({
  id: r.id,
  siteId: r.site_id,
  userId: r.user_id,
  email: r.user_id === null ? r.email : (r.user_email ?? ''),
  lang: r.lang === 'nb' ? 'nb' : 'en',
  unsubscribedAt: r.unsubscribed_at,
  createdAt: r.created_at,
});

const RECIPIENT_SELECT = `SELECT r.id, r.site_id, r.user_id, r.email, u.email AS user_email, r.lang, r.unsubscribed_at, r.created_at
  FROM report_recipients r LEFT JOIN users u ON u.id = r.user_id`;

/** The site's recipients, users first (by address), then outside addresses. */
export async function listRecipients(db: Db, siteId: number): Promise<Recipient[]> {
  const rows = await db.all<RecipientRow>(`${RECIPIENT_SELECT} WHERE r.site_id = ? ORDER BY r.user_id IS NULL, coalesce(u.email, r.email)`, [siteId]);
  return rows.map(toRecipient);
}

export async function findRecipient(db: Db, id: number): Promise<Recipient | null> {
  const row = await db.first<RecipientRow>(`${RECIPIENT_SELECT} WHERE r.id = ?`, [id]);
  return row ? toRecipient(row) : null;
}

/** Checks the owner's list: known languages, real addresses, each person once. */
export function parseRecipients(input: unknown, userIds: ReadonlySet<number>): RecipientInput[] {
  if (!Array.isArray(input)) throw new ReportError('recipients: a list is expected');
  if (input.length > MAX_RECIPIENTS) throw new ReportError(`recipients: at most ${MAX_RECIPIENTS}`);
  const seen = new Set<string>();
  return input.map((item: unknown, i): RecipientInput => {
    if (typeof item !== 'object' || item === null) throw new ReportError(`recipients[${i}]: an object is expected`);
    const { userId, email, lang } = item as Record<string, unknown>;
    if (lang !== 'nb' && lang !== 'en') throw new ReportError(`recipients[${i}].lang: "nb" or "en" is expected`);
    let parsed: RecipientInput;
    if (typeof userId === 'number') {
      if (!userIds.has(userId)) throw new ReportError(`recipients[${i}].userId: not a user who may see this site`);
      parsed = { userId, lang };
    } else if (typeof email === 'string') {
      const address = normalizeEmail(email);
      if (!address) throw new ReportError(`recipients[${i}].email: not an e-mail address`);
      parsed = { email: address, lang };
    } else {
      throw new ReportError(`recipients[${i}]: userId or email is required`);
    }
    const key = 'userId' in parsed ? `u${parsed.userId}` : `e${parsed.email}`;
    if (seen.has(key)) throw new ReportError(`recipients[${i}]: listed twice`);
    seen.add(key);
    return parsed;
  });
}

/**
 * Makes the site's recipients exactly `list`, in one batch. Someone already listed keeps
 * their row (and id, so links already sent keep working) and whether they unsubscribed.
 */
export async function setRecipients(db: Db, siteId: number, list: readonly RecipientInput[], nowSec: number): Promise<void> {
  const current = await listRecipients(db, siteId);
  const wanted = new Set(list.map(inputKey));
  const kept = new Set(current.map(rowKey));
  await db.batch([
    ...current.filter((r) => !wanted.has(rowKey(r))).map((r) => ({ sql: 'DELETE FROM report_recipients WHERE id = ?', params: [r.id] })),
    ...list.map((r) => {
      if (!kept.has(inputKey(r))) {
        return {
          sql: 'INSERT INTO report_recipients (site_id, user_id, email, lang, created_at) VALUES (?, ?, ?, ?, ?)',
          params: [siteId, 'userId' in r ? r.userId : null, 'email' in r ? r.email : '', r.lang, nowSec],
        };
      }
      return 'userId' in r
        ? { sql: 'UPDATE report_recipients SET lang = ? WHERE site_id = ? AND user_id = ?', params: [r.lang, siteId, r.userId] }
        : { sql: 'UPDATE report_recipients SET lang = ? WHERE site_id = ? AND user_id IS NULL AND email = ?', params: [r.lang, siteId, r.email] };
    }),
  ]);
}

const inputKey = (r: RecipientInput): string => ('userId' in r ? `u${r.userId}` : `e${r.email}`);
const rowKey = (r: Recipient): string => (r.userId !== null ? `u${r.userId}` : `e${r.email}`);

/** Marks a recipient unsubscribed; false when they already were (or are gone). */
export async function unsubscribe(db: Db, recipientId: number, nowSec: number): Promise<boolean> {
  return (await db.run('UPDATE report_recipients SET unsubscribed_at = ? WHERE id = ? AND unsubscribed_at IS NULL', [nowSec, recipientId])).changes > 0;
}

/**
 * The dashboard users who may receive the site's reports: every owner and the viewers
 * granted the site, by address.
 */
export async function siteUsers(db: Db, siteId: number): Promise<Array<{ id: number; email: string; role: 'owner' | 'viewer' }>> {
  const rows = await db.all<{ id: number; email: string; role: string }>(
    `SELECT id, email, role FROM users WHERE role = 'owner' OR id IN (SELECT user_id FROM user_sites WHERE site_id = ?) ORDER BY role = 'viewer', email`,
    [siteId],
  );
  return rows.map((r) => ({ id: r.id, email: r.email, role: r.role === 'viewer' ? 'viewer' : 'owner' }));
}

/**
 * Claims the report of one period for one address, before sending it: true for the first
 * claim only, so whoever claims sends and nobody else (a restart, another isolate).
 */
export async function claimSend(db: Db, siteId: number, kind: ReportKind, periodStart: string, recipient: string, nowSec: number): Promise<boolean> {
  const result = await db.run(
    'INSERT OR IGNORE INTO report_sent (site_id, kind, period_start, recipient, claimed_at) VALUES (?, ?, ?, ?, ?)',
    [siteId, kind, periodStart, recipient, nowSec],
  );
  return result.changes > 0;
}

export async function recordSent(db: Db, siteId: number, kind: ReportKind, periodStart: string, recipient: string, outcome: { sentAt: number } | { error: string }): Promise<void> {
  await db.run('UPDATE report_sent SET sent_at = ?, error = ? WHERE site_id = ? AND kind = ? AND period_start = ? AND recipient = ?', [
    'sentAt' in outcome ? outcome.sentAt : null,
    'error' in outcome ? outcome.error.slice(0, 500) : null,
    siteId,
    kind,
    periodStart,
    recipient,
  ]);
}
