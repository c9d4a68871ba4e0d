/**
 * The per-site privacy columns of migrations 0004 and 0007, read and written here so the
 * sites module stays as it is: the operator named in the privacy text, the purge boundary,
 * and the custom property names the owner confirmed for the text.
 * @module
 */
import type { Db } from '../ports.ts';

export interface SitePrivacy {
  /** Who runs the Teller server for the site, or null when not set. */
  operator: string | null;
  /** Every site-local day before this one has been purged; null: never purged. */
  purgedBefore: string | null;
}

/** Longest operator name accepted: a name and perhaps an address, not a document. */
export const MAX_OPERATOR_LENGTH = 200;
/** More names than this are not a list a visitor reads. */
export const MAX_PRIVACY_PROPS = 50;
/** As long as the collector lets a property name be (payload.ts MAX_PROP_KEY). */
const MAX_PROP_NAME_LENGTH = 300;
/** Names received but not confirmed, offered to the owner: a list to tick, not a dump of whatever was sent. */
const MAX_OFFERED = 100;

function nameList(text: string | undefined): string[] {
  try {
    const value: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export async function readSitePrivacy(db: Db, siteId: number): Promise<SitePrivacy> {
  const row = await db.first<{ operator: string | null; purged_before: string | null }>(
    'SELECT operator, purged_before FROM sites WHERE id = ?',
    [siteId],
  );
  return { operator: row?.operator ?? null, purgedBefore: row?.purged_before ?? null };
}

/**
 * The property names the privacy text lists, sorted. Anyone can send an event with any
 * property name, so only the owner's word puts one into the site's privacy policy.
 */
export async function readPrivacyProps(db: Db, siteId: number): Promise<string[]> {
  const row = await db.first<{ privacy_props: string }>('SELECT privacy_props FROM sites WHERE id = ?', [siteId]);
  return nameList(row?.privacy_props);
}

/** Why `operator` cannot be stored, or null when it can (empty clears it). */
export function operatorProblem(operator: string): string | null {
  if (operator.length > MAX_OPERATOR_LENGTH) return `operator: at most ${MAX_OPERATOR_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(operator)) return 'operator: one line of text, without control characters';
  return null;
}

/** Sets the operator; an empty or blank name clears it. */
export async function setOperator(db: Db, siteId: number, operator: string): Promise<string | null> {
  const value = operator.trim() === '' ? null : operator.trim();
  await db.run('UPDATE sites SET operator = ? WHERE id = ?', [value, siteId]);
  return value;
}

/**
 * The confirmed property names as they are stored (trimmed, without blanks or repeats,
 * sorted), or why they cannot be, for the caller to put after the field's name: `names`
 * is whatever a request or command line gave.
 */
export function parsePrivacyProps(names: unknown): string[] | { problem: string } {
  if (!Array.isArray(names)) return { problem: 'a list of property names is expected' };
  const kept = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string') return { problem: 'a list of property names is expected' };
    const trimmed = name.trim();
    if (trimmed === '') continue;
    if (trimmed.length > MAX_PROP_NAME_LENGTH) return { problem: `a property name is at most ${MAX_PROP_NAME_LENGTH} characters` };
    if (/[\u0000-\u001f\u007f]/.test(trimmed)) return { problem: 'a property name cannot hold control characters' };
    kept.add(trimmed);
  }
  if (kept.size > MAX_PRIVACY_PROPS) return { problem: `at most ${MAX_PRIVACY_PROPS} names` };
  return [...kept].sort();
}

/** Replaces the confirmed names with `names` (as parsePrivacyProps gave them). */
export async function setPrivacyProps(db: Db, siteId: number, names: readonly string[]): Promise<string[]> {
  await db.run('UPDATE sites SET privacy_props = ? WHERE id = ?', [JSON.stringify(names), siteId]);
  return [...names];
}

/** Distinct property names the site has received that are not among `confirmed`. */
const UNCONFIRMED = 'SELECT DISTINCT key FROM event_props WHERE site_id = ? AND key NOT IN (SELECT value FROM json_each(?))';

/** How many names received are not confirmed, for the owner's note in the text (never the names). */
export async function unconfirmedPropCount(db: Db, siteId: number, confirmed: readonly string[]): Promise<number> {
  const row = await db.first<{ n: number }>(`SELECT count(*) AS n FROM (${UNCONFIRMED})`, [siteId, JSON.stringify(confirmed)]);
  return row?.n ?? 0;
}

/** The confirmed names and the first names received but not confirmed, for the owner to choose from. */
export interface PrivacyPropsJson {
  confirmed: string[];
  unconfirmed: string[];
}

export async function privacyPropsJson(db: Db, siteId: number): Promise<PrivacyPropsJson> {
  const confirmed = await readPrivacyProps(db, siteId);
  const rows = await db.all<{ key: string }>(`${UNCONFIRMED} ORDER BY key LIMIT ?`, [siteId, JSON.stringify(confirmed), MAX_OFFERED]);
  return { confirmed, unconfirmed: rows.map((r) => r.key) };
}
