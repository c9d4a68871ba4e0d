/**
 * A site's imports in its settings: each with its source, file, days, rows, when and by whom
 * it was imported and the server's note on left-out days, and a Delete that asks first,
 * naming the import. Read from and deleted through the dashboard's owner-only routes
 * (server/core/http/dashboard-import-list.ts).
 * @module
 */
import './settings-import.css';
import { del, get, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { formatDay, formatNumber, formatTime, t } from '../lib/i18n.ts';
import { attempt, confirmDialog, errorText, status, type Status } from '../lib/ui.ts';
import { clearCache } from '../site-view/cache.ts';
import { importNoteLine } from './import-notes.ts';
import type { ImportNote } from '../../server/core/imports/notes.ts';

interface ImportJson {
  id: number;
  kind: 'plausible' | 'wp-statistics';
  file_name: string;
  status: 'loading' | 'complete';
  first_day: string | null;
  last_day: string | null;
  days: number;
  rows: number;
  note: string | null;
  /** The note as codes and values; null for an import stored before notes were data (its English note is shown). */
  note_detail: ImportNote[] | null;
  created_at: string;
  created_by: string;
}

const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function range(record: ImportJson): string {
  if (!record.first_day || !record.last_day) return t('settings.imports.noDays');
  return t('settings.imports.range', { from: formatDay(record.first_day), to: formatDay(record.last_day) });
}

const days = (n: number) => (n === 1 ? t('settings.import.days.one') : t('settings.import.days.other', { n: formatNumber(n) }));
const rows = (n: number) => (n === 1 ? t('settings.import.rows.one') : t('settings.import.rows.other', { n: formatNumber(n) }));

/** The importer as a person reads it: the owner's email, or the command line / a token. */
function who(createdBy: string): string {
  if (createdBy === 'cli') return t('settings.imports.byCli');
  if (createdBy === 'api') return t('settings.imports.byApi');
  return createdBy;
}

function item(domain: string, record: ImportJson, line: Status, reload: () => void): HTMLElement {
  const source = t(`sv.imports.kind.${record.kind}`);
  const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': t('settings.imports.deleteOne', { id: record.id, file: record.file_name }) }, t('settings.imports.delete'));
  remove.addEventListener('click', async () => {
    const question = t('settings.imports.confirm', { id: record.id, file: record.file_name, source, range: range(record), rows: rows(record.rows) });
    if (!(await confirmDialog(question, t('settings.imports.confirmButton')))) return;
    if (await attempt(remove, line, () => del(sitePath(domain, `/imports/${record.id}`)), t('settings.imports.deleted', { id: record.id }))) {
      clearCache();
      reload();
    }
  });
  const when = formatTime(Date.parse(record.created_at) / 1000, localZone(), { dateStyle: 'medium', timeStyle: 'short' });
  return h(
    'li',
    { class: 'import-item', 'data-import': record.id },
    h(
      'div',
      { class: 'import-item-text' },
      h('p', { class: 'import-item-title' }, h('strong', null, source), h('span', { class: 'import-file' }, record.file_name)),
      h('p', null, [range(record), days(record.days), rows(record.rows)].join(' · ')),
      h('p', { class: 'muted' }, t('settings.imports.by', { when, who: who(record.created_by) })),
      record.status === 'loading' ? h('p', { class: 'chip chip-warn' }, t('settings.imports.loading')) : null,
      record.note_detail ? record.note_detail.map((note) => h('p', { class: 'muted import-note' }, importNoteLine(note))) : record.note ? h('p', { class: 'muted import-note' }, record.note) : null,
    ),
    remove,
  );
}

/** The list, and `reload` to read it again (after an upload). */
export function importsList(domain: string): { root: HTMLElement; reload: () => void } {
  const body = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  const line = status();
  const reload = () => {
    get<{ imports: ImportJson[] }>(sitePath(domain, '/imports')).then(
      ({ imports }) =>
        replace(
          body,
          imports.length === 0
            ? h('p', { class: 'muted' }, t('settings.imports.none'))
            : h('ul', { class: 'import-list', role: 'list' }, [...imports].reverse().map((record) => item(domain, record, line, reload))),
        ),
      (error: unknown) => replace(body, h('p', { class: 'form-error', role: 'alert' }, errorText(error))),
    );
  };
  reload();
  return { root: h('div', { class: 'import-imports stack-s' }, h('h3', null, t('settings.imports.title')), body, line.root), reload };
}
