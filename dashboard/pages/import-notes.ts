/**
 * An import's notes (server/core/imports/notes.ts) in the reader's language: the server sends
 * each as a code and values, and English text beside them for the CLI and API.
 * @module
 */
import type { ImportNote } from '../../server/core/imports/notes.ts';
import { formatDay, t } from '../lib/i18n.ts';

const importedDays = (n: number) => (n === 1 ? t('import.note.days.one') : t('import.note.days.other', { n }));

export function importNoteLine(note: ImportNote): string {
  switch (note.code) {
    case 'own-days':
      return note.left === 0 || note.first === null || note.last === null
        ? t('import.note.own-days.none', { since: formatDay(note.since) })
        : t('import.note.own-days', { since: formatDay(note.since), left: importedDays(note.left), first: formatDay(note.first), last: formatDay(note.last) });
    case 'held-days':
      return t('import.note.held-days', { left: importedDays(note.left), first: formatDay(note.first), last: formatDay(note.last) });
    case 'empty-table':
      return t('import.note.empty-table', { file: note.file });
    case 'not-imported':
      return t(`import.note.not-imported.${note.table}`, { file: note.file });
    case 'search-unjoined':
      return t('import.note.search-unjoined', { count: note.count });
    case 'totals-only':
      return t('import.note.totals-only', { count: note.count });
    case 'no-visitors':
      return t('import.note.no-visitors');
    case 'no-relationships':
      return t('import.note.no-relationships');
  }
}
