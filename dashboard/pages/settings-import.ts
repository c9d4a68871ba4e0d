/**
 * The settings' import section: the source chosen (Plausible's CSV export, or WP Statistics'
 * exports or database dump) with its how-to, the file uploaded to the admin API's import
 * route for that source (the owner's session authorises it), the upload's progress and then
 * the summary the server answers, or its refusal naming file, line and column. Below, the
 * site's imports (settings-imports-list.ts), listed again after each upload. XMLHttpRequest,
 * since fetch reports no upload progress.
 * @module
 */
import './settings-import.css';
import { h } from '../lib/dom.ts';
import { formatDay, formatNumber, formatPercent, t } from '../lib/i18n.ts';
import { field, input, section, status, uid } from '../lib/ui.ts';
import { clearCache } from '../site-view/cache.ts';
import { importNoteLine } from './import-notes.ts';
import { importsList } from './settings-imports-list.ts';
import type { ImportNote } from '../../server/core/imports/notes.ts';

interface ImportAnswer {
  days: number;
  rows: number;
  first_day: string;
  last_day: string;
  clipped_days: number;
  skipped_files: string[];
  notes_detail: ImportNote[];
}

type Outcome = { ok: true; answer: ImportAnswer } | { ok: false; message: string };

type SourceKind = 'plausible' | 'wp-statistics';

/** What each source's file input offers: Plausible sends a ZIP; WP Statistics' exports come one table a file. */
const ACCEPT: Record<SourceKind, string> = {
  plausible: '.zip,application/zip',
  'wp-statistics': '.zip,.csv,.tsv,.xml,.sql,application/zip,text/csv,text/tab-separated-values,application/xml,application/sql',
};

/** Posts the file, calling `progress` with the share sent (0..1) and `sent` once all is sent. */
function upload(domain: string, kind: SourceKind, file: File, progress: (share: number) => void, sent: () => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/v1/sites/${encodeURIComponent(domain)}/imports/${kind}?file_name=${encodeURIComponent(file.name)}`);
    request.setRequestHeader('content-type', 'application/octet-stream');
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) progress(event.loaded / event.total);
    });
    request.upload.addEventListener('load', sent);
    request.addEventListener('load', () => {
      let body: Record<string, unknown> | null = null;
      try {
        body = JSON.parse(request.responseText) as Record<string, unknown>;
      } catch {
        body = null;
      }
      if (request.status === 201 && body) resolve({ ok: true, answer: body as unknown as ImportAnswer });
      else resolve({ ok: false, message: typeof body?.error === 'string' ? body.error : `HTTP ${request.status}` });
    });
    request.addEventListener('error', () => resolve({ ok: false, message: t('settings.import.failed') }));
    request.send(file);
  });
}

function summary(answer: ImportAnswer): string[] {
  const lines = [
    t('settings.import.done', {
      from: formatDay(answer.first_day),
      to: formatDay(answer.last_day),
      days: answer.days === 1 ? t('settings.import.days.one') : t('settings.import.days.other', { n: formatNumber(answer.days) }),
      rows: answer.rows === 1 ? t('settings.import.rows.one') : t('settings.import.rows.other', { n: formatNumber(answer.rows) }),
    }),
  ];
  if (answer.clipped_days === 1) lines.push(t('settings.import.clipped.one'));
  else if (answer.clipped_days > 1) lines.push(t('settings.import.clipped.other', { n: formatNumber(answer.clipped_days) }));
  if (answer.skipped_files.length > 0) lines.push(t('settings.import.skipped', { files: answer.skipped_files.join(', ') }));
  lines.push(...answer.notes_detail.map(importNoteLine));
  return lines;
}

/** The radio buttons of the sources, and the how-to of the chosen one below them. */
function sourceChoice(onChange: (kind: SourceKind) => void): { root: HTMLElement; chosen: () => SourceKind } {
  const name = uid('src');
  const howto = h('p', { class: 'muted import-howto', 'aria-live': 'polite' });
  const radios = (['plausible', 'wp-statistics'] as const).map((kind, i) => {
    const radio = h('input', { type: 'radio', name, value: kind, checked: i === 0 });
    radio.addEventListener('change', () => show(kind));
    return { kind, radio, label: h('label', { class: 'choice' }, radio, h('span', null, t(`settings.import.source.${kind}`))) };
  });
  const show = (kind: SourceKind) => {
    howto.textContent = t(`settings.import.howto.${kind}`);
    onChange(kind);
  };
  const chosen = () => radios.find((r) => r.radio.checked)?.kind ?? 'plausible';
  const root = h('fieldset', { class: 'choices import-sources' }, h('legend', null, t('settings.import.source')), ...radios.map((r) => r.label), howto);
  show(chosen());
  return { root, chosen };
}

export function importSection(domain: string): HTMLElement {
  const file = field(t('settings.import.file'), input({ type: 'file', accept: ACCEPT.plausible }));
  const source = sourceChoice((kind) => file.input.setAttribute('accept', ACCEPT[kind]));
  const list = importsList(domain);
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('settings.import.submit'));
  const bar = h('progress', { class: 'import-progress', max: 1, value: 0, hidden: true });
  const line = status();
  const details = h('ul', { class: 'import-summary' });
  const form = h('form', { class: 'stack', novalidate: true }, source.root, file.root, h('div', { class: 'actions' }, button, bar, line.root), details);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.input.files?.[0];
    details.replaceChildren();
    if (!chosen) return line.error(t('settings.import.choose'));
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    line.clear();
    const outcome = await upload(
      domain,
      source.chosen(),
      chosen,
      (share) => {
        bar.value = share;
        line.ok(t('settings.import.uploading', { percent: formatPercent(share * 100) }));
      },
      () => {
        bar.removeAttribute('value');
        line.ok(t('settings.import.storing'));
      },
    );
    bar.hidden = true;
    button.disabled = false;
    if (!outcome.ok) return line.error(outcome.message);
    const [first, ...rest] = summary(outcome.answer);
    line.ok(first!);
    details.replaceChildren(...rest.map((text) => h('li', null, text)));
    file.input.value = '';
    // The site view's kept answers predate the import: its next draw asks again.
    clearCache();
    list.reload();
  });
  return section(t('settings.import.title'), t('settings.import.intro'), form, list.root);
}
