/**
 * The E-mail reports section of a site's settings (owner): weekly and/or monthly, the
 * recipients (people with access, ticked, and other addresses, each with a language, and
 * who unsubscribed), the logo that signs the mail with the operator name, all saved in one
 * form; then a preview in the browser and one sent to the owner now.
 * @module
 */
import './settings-reports.css';
import type { ReportSettingsJson } from '../../server/core/http/report-routes.ts';
import { get, post, put, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { attempt, errorText, input, section, status, uid } from '../lib/ui.ts';

type Lang = 'nb' | 'en';

interface Draft {
  /** Users ticked, by id, with their language. */
  users: Map<number, Lang>;
  outside: Array<{ email: string; lang: Lang; unsubscribed: boolean }>;
  /** A new logo as a data: URL, null to remove it, undefined to leave it. */
  logo: string | null | undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function langSelect(value: Lang, label: string, onChange: (lang: Lang) => void): HTMLSelectElement {
  const select = h('select', { class: 'input report-lang', 'aria-label': label }, (['nb', 'en'] as const).map((l) => h('option', { value: l, selected: l === value }, t(`reports.lang.${l}`))));
  select.addEventListener('change', () => onChange(select.value as Lang));
  return select;
}

function check(label: string, checked: boolean, hint?: string): { root: HTMLElement; box: HTMLInputElement } {
  const id = uid('c');
  const box = h('input', { type: 'checkbox', id, checked });
  return { box, root: h('div', { class: 'choice' }, box, h('label', { for: id }, label, hint ? h('span', { class: 'hint' }, hint) : null)) };
}

const unsubscribedChip = () => h('span', { class: 'chip chip-warn' }, t('reports.unsubscribed'));

function usersList(settings: ReportSettingsJson, draft: Draft): HTMLElement {
  const recipients = new Map(settings.recipients.filter((r) => r.userId !== null).map((r) => [r.userId!, r]));
  return h(
    'ul',
    { class: 'list-editor', role: 'list', 'aria-label': t('reports.users') },
    settings.users.map((user) => {
      const listed = recipients.get(user.id);
      const item = check(user.email, listed !== undefined);
      item.box.dataset.user = String(user.id);
      let lang: Lang = listed?.lang ?? 'nb';
      item.box.addEventListener('change', () => (item.box.checked ? draft.users.set(user.id, lang) : draft.users.delete(user.id)));
      const select = langSelect(lang, t('reports.langFor', { email: user.email }), (next) => {
        lang = next;
        if (draft.users.has(user.id)) draft.users.set(user.id, next);
      });
      return h(
        'li',
        { class: 'report-recipient' },
        h('div', { class: 'actions report-who' }, item.root, h('span', { class: 'chip' }, t(`reports.role.${user.role}`)), listed?.unsubscribed ? unsubscribedChip() : null),
        select,
      );
    }),
  );
}

function outsideEditor(draft: Draft): HTMLElement {
  const list = h('ul', { class: 'list-editor', role: 'list', 'aria-label': t('reports.outside') });
  const draw = () =>
    replace(
      list,
      draft.outside.length === 0
        ? h('li', { class: 'muted' }, t('reports.outside.none'))
        : draft.outside.map((r, i) => {
            const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': t('reports.removeOne', { email: r.email }) }, t('common.remove'));
            remove.addEventListener('click', () => {
              draft.outside.splice(i, 1);
              draw();
            });
            const select = langSelect(r.lang, t('reports.langFor', { email: r.email }), (lang) => (r.lang = lang));
            return h('li', { class: 'report-recipient' }, h('div', { class: 'actions report-who' }, h('span', { class: 'report-email' }, r.email), r.unsubscribed ? unsubscribedChip() : null), h('div', { class: 'actions' }, select, remove));
          }),
    );
  draw();
  const entry = input({ type: 'email', id: uid('report-email'), placeholder: 'kunde@example.com', autocomplete: 'off' });
  const add = h('button', { type: 'button', class: 'btn' }, t('common.add'));
  const error = h('p', { class: 'field-error', hidden: true });
  const addAddress = () => {
    const email = entry.value.trim().toLowerCase();
    error.hidden = EMAIL.test(email);
    error.textContent = error.hidden ? '' : t('reports.badEmail');
    if (!error.hidden) return;
    if (!draft.outside.some((r) => r.email === email)) draft.outside.push({ email, lang: 'nb', unsubscribed: false });
    entry.value = '';
    draw();
  };
  add.addEventListener('click', addAddress);
  entry.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    addAddress();
  });
  return h('div', { class: 'stack-s' }, h('h3', null, t('reports.outside')), list, h('div', { class: 'inline-form' }, h('label', { for: entry.id, class: 'sr-only' }, t('reports.outside.label')), entry, add), error);
}

function logoField(settings: ReportSettingsJson, draft: Draft, line: ReturnType<typeof status>): HTMLElement {
  const preview = h('div', { class: 'report-logo' });
  const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('reports.logo.remove'));
  const show = (url: string | null) => {
    replace(preview, url ? h('img', { src: url, alt: t('reports.logoAlt') }) : null);
    remove.hidden = url === null;
  };
  show(settings.logo);
  remove.addEventListener('click', () => {
    draft.logo = null;
    show(null);
  });
  const id = uid('logo');
  const file = h('input', { type: 'file', id, accept: 'image/png,image/jpeg,image/gif', class: 'report-file' });
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      draft.logo = String(reader.result);
      show(draft.logo);
    });
    reader.addEventListener('error', () => line.error(t('common.error.network')));
    reader.readAsDataURL(chosen);
  });
  const signed = settings.operator ? t('reports.signedBy', { operator: settings.operator }) : t('reports.noOperator');
  return h('div', { class: 'stack-s' }, h('h3', null, t('reports.signature')), h('p', { class: settings.operator ? '' : 'muted' }, signed), h('div', { class: 'field' }, h('label', { for: id }, t('reports.logo')), file), h('div', { class: 'actions' }, preview, remove));
}

function previewPart(domain: string, mailConfigured: boolean): HTMLElement {
  const line = status();
  const period = h('select', { class: 'input report-lang', id: uid('report-period') }, h('option', { value: 'week' }, t('reports.preview.week')), h('option', { value: 'month' }, t('reports.preview.month')));
  const lang = langSelect('nb', t('reports.lang'), () => update());
  const open = h('a', { class: 'btn', target: '_blank', rel: 'noopener' }, t('reports.preview.open'));
  const update = () => open.setAttribute('href', `${sitePath(domain, '/reports/preview')}?period=${period.value}&lang=${lang.value}`);
  period.addEventListener('change', update);
  update();
  const send = h('button', { type: 'button', class: 'btn', disabled: !mailConfigured }, t('reports.preview.send'));
  send.addEventListener('click', async () => {
    const sent = await attempt(send, line, () => post<{ sentTo: string }>(sitePath(domain, '/reports/preview'), { period: period.value, lang: lang.value }));
    if (sent) line.ok(t('reports.preview.sent', { email: sent.sentTo }));
  });
  return h(
    'div',
    { class: 'stack-s report-preview' },
    h('h3', null, t('reports.preview')),
    h('p', { class: 'muted' }, t('reports.preview.intro')),
    h('div', { class: 'actions' }, h('label', { for: period.id, class: 'sr-only' }, t('reports.preview.period')), period, lang, open, send),
    line.root,
  );
}

/** The form as the server last answered; `saved` says so on its status line after a save. */
function form(domain: string, settings: ReportSettingsJson, redraw: (next: ReportSettingsJson) => void, saved: boolean): HTMLElement {
  const draft: Draft = {
    users: new Map(settings.recipients.filter((r) => r.userId !== null).map((r) => [r.userId!, r.lang])),
    outside: settings.recipients.filter((r) => r.userId === null).map((r) => ({ email: r.email, lang: r.lang, unsubscribed: r.unsubscribed })),
    logo: undefined,
  };
  const weekly = check(t('reports.weekly'), settings.weekly, t('reports.weekly.hint'));
  const monthly = check(t('reports.monthly'), settings.monthly, t('reports.monthly.hint'));
  const line = status();
  if (saved) line.ok(t('common.saved'));
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'));
  const element = h(
    'form',
    { class: 'stack', novalidate: true },
    settings.mailConfigured ? null : h('p', { class: 'report-warning', role: 'note' }, t('reports.noMail')),
    h('fieldset', { class: 'choices' }, h('legend', null, t('reports.when')), weekly.root, monthly.root),
    h('div', { class: 'stack-s' }, h('h3', null, t('reports.recipients')), h('p', { class: 'hint' }, t('reports.users')), usersList(settings, draft)),
    outsideEditor(draft),
    logoField(settings, draft, line),
    h('div', { class: 'actions' }, save, line.root),
  );
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      weekly: weekly.box.checked,
      monthly: monthly.box.checked,
      recipients: [...[...draft.users].map(([userId, lang]) => ({ userId, lang })), ...draft.outside.map(({ email, lang }) => ({ email, lang }))],
      ...(draft.logo === undefined ? {} : { logo: draft.logo }),
    };
    const answer = await attempt(save, line, () => put<ReportSettingsJson>(sitePath(domain, '/reports'), body));
    if (answer) redraw(answer);
  });
  return h('div', { class: 'stack' }, element, previewPart(domain, settings.mailConfigured));
}

export function reportsSection(domain: string): HTMLElement {
  const body = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  const draw = (settings: ReportSettingsJson, saved: boolean) => replace(body, form(domain, settings, (next) => draw(next, true), saved));
  get<ReportSettingsJson>(sitePath(domain, '/reports')).then(
    (settings) => draw(settings, false),
    (error: unknown) => replace(body, h('p', { class: 'form-error', role: 'alert' }, errorText(error))),
  );
  const root = section(t('reports.title'), t('reports.intro'), body);
  root.id = 'reports';
  return root;
}
