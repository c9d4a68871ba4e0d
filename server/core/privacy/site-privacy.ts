/**
 * The per-site privacy columns of migration 0004, read and written here so the sites
 * module stays as it is: the operator named in the privacy text, and the purge boundary.
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

export async function readSitePrivacy(db: Db, siteId: number): Promise<SitePrivacy> {
  const row = await db.first<{ operator: string | null; purged_before: string | null }>(
    'SELECT operator, purged_before FROM sites WHERE id = ?',
    [siteId],
  );
  return { operator: row?.operator ?? null, purgedBefore: row?.purged_before ?? null };
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
