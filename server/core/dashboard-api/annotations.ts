/**
 * Chart annotations: a short note on a site-local day ("campaign started").
 * @module
 */
import type { Db } from '../ports.ts';
import { parseIsoDate } from '../query/date-range.ts';
import type { Annotation } from './contract.ts';

export const MAX_ANNOTATION_LENGTH = 200;

export class AnnotationError extends Error {}

/** A YYYY-MM-DD day, or the error naming `field`. */
export function annotationDay(input: unknown, field: string): string {
  const day = typeof input === 'string' ? parseIsoDate(input) : null;
  if (day === null) throw new AnnotationError(`${field}: a date as YYYY-MM-DD is expected`);
  return day;
}

export async function listAnnotations(db: Db, siteId: number, from: string, to: string): Promise<Annotation[]> {
  return db.all<Annotation>('SELECT id, day, text FROM annotations WHERE site_id = ? AND day >= ? AND day <= ? ORDER BY day, id', [siteId, from, to]);
}

export async function addAnnotation(db: Db, siteId: number, input: { day: unknown; text: unknown }, nowMs: number): Promise<Annotation> {
  const day = annotationDay(input.day, 'day');
  const text = typeof input.text === 'string' ? input.text.trim() : '';
  if (text.length === 0) throw new AnnotationError('text: a note is required');
  if (text.length > MAX_ANNOTATION_LENGTH) throw new AnnotationError(`text: at most ${MAX_ANNOTATION_LENGTH} characters`);
  const { lastRowId } = await db.run('INSERT INTO annotations (site_id, day, text, created_at) VALUES (?, ?, ?, ?)', [
    siteId,
    day,
    text,
    Math.floor(nowMs / 1000),
  ]);
  return { id: lastRowId, day, text };
}

export async function deleteAnnotation(db: Db, siteId: number, id: number): Promise<boolean> {
  return (await db.run('DELETE FROM annotations WHERE id = ? AND site_id = ?', [id, siteId])).changes > 0;
}
