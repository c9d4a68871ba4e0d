/**
 * Chart annotations: the period's notes (read by anyone who may read the site), and for
 * the owner a one-row form to mark a day (saying what is missing rather than nothing) and a
 * delete button per note that asks first.
 * @module
 */
import type { Annotation } from '../../server/core/dashboard-api/contract.ts';
import { del, get, post, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { formatDay, t } from '../lib/i18n.ts';
import { panelError } from './rows.ts';
import type { View } from './view.ts';

export async function loadAnnotations(view: View): Promise<Annotation[]> {
  const { from, to } = view.span;
  const params = new URLSearchParams({ from, to });
  const answer = await get<{ annotations: Annotation[] }>(sitePath(view.ctx.site.domain, `/annotations?${params}`));
  return answer.annotations;
}

/**
 * A note's delete button asks first, in place: the question replaces the note's line, with
 * "Keep" focused (the safe choice) and Escape keeping it too.
 */
function deleteButton(view: View, note: Annotation, line: HTMLElement): HTMLElement {
  const ask = () => {
    const shown = [...line.childNodes];
    const keep = h('button', { type: 'button', class: 'btn btn-ghost btn-small sv-note-keep' }, t('sv.ann.confirm.no'));
    const yes = h('button', { type: 'button', class: 'btn btn-danger btn-small sv-note-confirm' }, t('sv.ann.confirm.yes'));
    const restore = () => {
      replace(line, ...shown);
      button.focus();
    };
    keep.onclick = restore;
    line.onkeydown = (event) => {
      if (event.key === 'Escape' && line.contains(keep)) restore();
    };
    yes.onclick = () => {
      yes.disabled = true;
      del(sitePath(view.ctx.site.domain, `/annotations/${note.id}`)).then(() => view.redraw(), (error) => line.append(panelError(error)));
    };
    replace(line, h('span', { class: 'sv-note-ask', role: 'alert' }, t('sv.ann.confirm', { day: formatDay(note.day), text: note.text })), yes, keep);
    keep.focus();
  };
  const button: HTMLButtonElement = h('button', { type: 'button', class: 'btn btn-ghost sv-note-delete', 'aria-label': t('sv.ann.delete', { text: note.text }), onclick: ask }, '×');
  return button;
}

/** What is missing from the form, if anything (the browser's own bubble is easy to miss). */
export function missingField(day: string, text: string): 'sv.ann.missing.day' | 'sv.ann.missing.text' | null {
  if (!day) return 'sv.ann.missing.day';
  if (!text.trim()) return 'sv.ann.missing.text';
  return null;
}

export function renderAnnotationForm(view: View, list: Annotation[], span: { from: string; to: string }): HTMLElement | null {
  const owner = view.ctx.mode === 'owner';
  if (!owner && list.length === 0) return null;
  const items = h(
    'ul',
    { class: 'sv-note-list' },
    list.map((note) => {
      const line = h('li', null, h('time', { datetime: note.day }, formatDay(note.day)), ' ', note.text);
      if (owner) line.append(deleteButton(view, note, line));
      return line;
    }),
  );
  if (!owner) return h('div', null, h('h3', { class: 'sv-subtitle' }, t('sv.ann')), items);

  // One row: labels stay for screen readers, the placeholder and the date say it to the eye.
  const last = span.to > view.today ? view.today : span.to;
  const day = h('input', { class: 'input', type: 'date', name: 'day', min: span.from, max: last, value: last, 'aria-describedby': 'sv-note-problem' });
  const text = h('input', { class: 'input', type: 'text', name: 'text', maxlength: 200, placeholder: t('sv.ann.placeholder'), 'aria-describedby': 'sv-note-problem' });
  const problem = h('p', { class: 'field-error sv-note-problem', id: 'sv-note-problem', role: 'alert' });
  const form = h(
    'form',
    { class: 'sv-note-form', novalidate: true },
    h('label', null, h('span', { class: 'sr-only' }, t('sv.ann.day')), day),
    h('label', { class: 'sv-grow' }, h('span', { class: 'sr-only' }, t('sv.ann.text')), text),
    h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('sv.ann.save')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const missing = missingField(day.value, text.value);
    day.setAttribute('aria-invalid', String(missing === 'sv.ann.missing.day'));
    text.setAttribute('aria-invalid', String(missing === 'sv.ann.missing.text'));
    problem.textContent = missing ? t(missing) : '';
    if (missing) {
      (missing === 'sv.ann.missing.day' ? day : text).focus();
      return;
    }
    post(sitePath(view.ctx.site.domain, '/annotations'), { day: day.value, text: text.value.trim() }).then(
      () => view.redraw(),
      (error) => replace(problem, panelError(error)),
    );
  });
  return h('details', { class: 'sv-notes', open: list.length > 0 }, h('summary', null, `${t('sv.ann')} (${list.length})`), items, form, problem);
}
