/**
 * Chart annotations: the period's notes (read by anyone who may read the site), and for
 * the owner a form to mark a day and a delete button per note.
 * @module
 */
import type { Annotation } from '../../server/core/dashboard/contract.ts';
import { del, get, post, sitePath } from '../lib/api.ts';
import { h } from '../lib/dom.ts';
import { formatDay, t } from '../lib/i18n.ts';
import { panelError } from './rows.ts';
import type { View } from './view.ts';

export async function loadAnnotations(view: View): Promise<Annotation[]> {
  const { from, to } = view.span;
  const params = new URLSearchParams({ from, to });
  const answer = await get<{ annotations: Annotation[] }>(sitePath(view.ctx.site.domain, `/annotations?${params}`));
  return answer.annotations;
}

export function renderAnnotationForm(view: View, list: Annotation[], span: { from: string; to: string }): HTMLElement | null {
  const owner = view.ctx.mode === 'owner';
  if (!owner && list.length === 0) return null;
  const items = h(
    'ul',
    { class: 'sv-note-list' },
    list.map((note) =>
      h(
        'li',
        null,
        h('time', { datetime: note.day }, formatDay(note.day)),
        ' ',
        note.text,
        owner
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn btn-ghost sv-note-delete',
                'aria-label': t('sv.ann.delete', { text: note.text }),
                onclick: () => del(sitePath(view.ctx.site.domain, `/annotations/${note.id}`)).then(() => view.redraw(), (error) => items.after(panelError(error))),
              },
              '×',
            )
          : null,
      ),
    ),
  );
  if (!owner) return h('div', null, h('h3', { class: 'sv-subtitle' }, t('sv.ann')), items);

  const day = h('input', { class: 'input', type: 'date', name: 'day', required: true, min: span.from, max: span.to > view.today ? view.today : span.to, value: span.to > view.today ? view.today : span.to });
  const text = h('input', { class: 'input', type: 'text', name: 'text', required: true, maxlength: 200, placeholder: t('sv.ann.placeholder') });
  const form = h(
    'form',
    { class: 'sv-note-form' },
    h('label', null, h('span', null, t('sv.ann.day')), day),
    h('label', { class: 'sv-grow' }, h('span', null, t('sv.ann.text')), text),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('sv.ann.save')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    post(sitePath(view.ctx.site.domain, '/annotations'), { day: day.value, text: text.value.trim() }).then(
      () => view.redraw(),
      (error) => form.after(panelError(error)),
    );
  });
  return h('details', { class: 'sv-notes', open: list.length > 0 }, h('summary', null, `${t('sv.ann')} (${list.length})`), items, h('p', { class: 'sv-subtitle' }, t('sv.ann.add')), form);
}
