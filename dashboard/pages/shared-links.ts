/**
 * Shared links: the owner's list in a site's settings (one link per audience, each named,
 * with its address to copy at any time, its options, an optional password, revoked one by
 * one), and what a visitor of a link sees before its site: the password page of a
 * protected link, or the notice that the link was revoked.
 * @module
 */
import './shared-links.css';
import '../lib/page-strings.ts';
import type { SessionState, SharedLinkInfo } from '../../server/core/dashboard-api/contract.ts';
import { ApiError, del, get, patch, post, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { formatTime, t } from '../lib/i18n.ts';
import { showOnField } from '../lib/form-fields.ts';
import { attempt, confirmDialog, copyBox, errorText, field, input, section, setTitle, status, uid, type Status } from '../lib/ui.ts';
import { minutesToWait } from './auth.ts';

const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const when = (unixSeconds: number) => formatTime(unixSeconds, localZone(), { dateStyle: 'medium', timeStyle: 'short' });

function checkbox(label: string, checked: boolean, hint: string): { root: HTMLElement; box: HTMLInputElement } {
  const id = uid('cb');
  const box = h('input', { type: 'checkbox', id, checked });
  return { box, root: h('div', { class: 'choice' }, box, h('label', { for: id }, label, h('span', { class: 'hint' }, hint))) };
}

/** "Created 5 Dec 2026, 17:20 · last used 5 Dec 2026, 18:00" */
function linkMeta(link: SharedLinkInfo): string {
  const used = link.lastUsedAt === null ? t('share.meta.neverUsed') : t('share.meta.lastUsed', { date: when(link.lastUsedAt) });
  return `${t('share.meta.created', { date: when(link.createdAt) })} · ${used}`;
}

/**
 * A one-field form in a link's row: Save (or Enter) sends the value and closes once it is
 * kept; Cancel (or Escape in the field, which then closes no dialog around it) closes.
 */
function inlineForm(box: HTMLInputElement, label: string, formClass: string, save: (value: string) => Promise<boolean>, close: () => void): HTMLFormElement {
  const submit = h('button', { type: 'submit', class: 'btn btn-small' }, t('common.save'));
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('common.cancel'));
  cancel.addEventListener('click', close);
  box.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    close();
  });
  const form = h('form', { class: `inline-form ${formClass}`, novalidate: true }, h('label', { for: box.id, class: 'sr-only' }, label), box, h('span', { class: 'share-inline-actions' }, submit, cancel));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      if (await save(box.value)) close();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The inline form that sets a link's password; closes once it is saved, or on Cancel. */
function passwordForm(link: SharedLinkInfo, save: (password: string) => Promise<boolean>, close: () => void): HTMLElement {
  const box = input({ type: 'password', id: uid('pw'), autocomplete: 'new-password' });
  queueMicrotask(() => box.focus());
  return inlineForm(box, t('share.passwordFor', { name: link.name }), 'share-password', save, close);
}

/**
 * The link's name, and a button that turns it into a field in place: Enter (or Save) saves
 * the new name, Escape (or Cancel) puts the name back; focus returns to the button.
 */
function nameHeading(link: SharedLinkInfo, save: (name: string) => Promise<boolean>): HTMLElement {
  const rename = h('button', { type: 'button', class: 'btn btn-ghost btn-small share-rename', 'aria-label': t('share.renameOne', { name: link.name }) }, t('share.rename'));
  const shown = h('div', { class: 'share-link-name' }, h('h3', null, link.name), rename);
  rename.addEventListener('click', () => {
    const box = input({ id: uid('name'), value: link.name, maxlength: 100, autocomplete: 'off' });
    const close = () => {
      form.replaceWith(shown);
      rename.focus();
    };
    const form = inlineForm(box, t('share.newName', { name: link.name }), 'share-rename-form', save, close);
    shown.replaceWith(form);
    box.select();
  });
  return shown;
}

function linkItem(domain: string, link: SharedLinkInfo, line: Status, reload: () => Promise<unknown>): HTMLElement {
  const path = sitePath(domain, `/shared-links/${link.id}`);
  const change = (body: Record<string, unknown>, success: string, button: HTMLButtonElement | null = null) =>
    attempt(button, line, () => patch<{ link: SharedLinkInfo }>(path, body), success);
  const visits = checkbox(t('share.showVisits'), link.showVisits, t('share.showVisits.hint'));
  const embed = checkbox(t('share.embeddable'), link.embeddable, t('share.embeddable.hint'));
  visits.box.addEventListener('change', () => void change({ showVisits: visits.box.checked }, t('common.saved')));
  embed.box.addEventListener('change', () => void change({ embeddable: embed.box.checked }, t('common.saved')));

  const rename = async (name: string) => {
    if (!(await change({ name }, t('share.renamed')))) return false;
    await reload();
    // The list is drawn anew: focus goes back to this link's button, as after a cancel.
    document.querySelector<HTMLElement>(`[data-link="${CSS.escape(String(link.id))}"] .share-rename`)?.focus();
    return true;
  };
  const passwordSlot = h('div');
  const setPassword = h('button', { type: 'button', class: 'btn btn-small' }, link.protected ? t('share.changePassword') : t('share.setPassword'));
  setPassword.addEventListener('click', () => {
    setPassword.disabled = true;
    const close = () => {
      replace(passwordSlot);
      setPassword.disabled = false;
    };
    const save = async (password: string) => {
      const saved = await change({ password }, t('share.passwordSaved'));
      if (saved) reload();
      return saved !== null;
    };
    replace(passwordSlot, passwordForm(link, save, close));
  });
  const actions = h('div', { class: 'actions' }, setPassword);
  if (link.protected) {
    const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('share.removePassword'));
    remove.addEventListener('click', async () => {
      if (await change({ password: null }, t('share.passwordRemoved'), remove)) reload();
    });
    actions.append(remove);
  }
  const revoke = h('button', { type: 'button', class: 'btn btn-danger btn-small', 'aria-label': t('share.revokeOne', { name: link.name }) }, t('share.revoke'));
  revoke.addEventListener('click', async () => {
    if (!(await confirmDialog(t('share.revokeConfirm', { name: link.name }), t('share.revoke')))) return;
    if (await attempt(revoke, line, () => del(path), t('share.revoked'))) reload();
  });
  actions.append(revoke);

  return h(
    'li',
    { class: 'share-link', 'data-link': link.id },
    h('div', { class: 'share-link-head' }, nameHeading(link, rename), link.protected ? h('span', { class: 'chip' }, t('share.badge.protected')) : null),
    h('p', { class: 'muted share-link-meta' }, linkMeta(link)),
    link.url ? copyBox(link.url, t('share.address', { name: link.name })) : h('p', { class: 'muted' }, t('share.noUrl')),
    visits.root,
    embed.root,
    actions,
    passwordSlot,
  );
}

function newLinkForm(domain: string, line: Status, reload: () => void): HTMLElement {
  const name = field(t('share.name'), input({ maxlength: 100, autocomplete: 'off' }), t('share.name.hint'));
  const password = field(t('share.password'), input({ type: 'password', autocomplete: 'new-password' }), t('share.password.hint'));
  const visits = checkbox(t('share.showVisits'), false, t('share.showVisits.hint'));
  const embed = checkbox(t('share.embeddable'), false, t('share.embeddable.hint'));
  const create = h('button', { type: 'submit', class: 'btn btn-primary' }, t('share.create'));
  const form = h('form', { class: 'stack share-new', novalidate: true }, h('h3', null, t('share.new')), name.root, password.root, visits.root, embed.root, h('div', { class: 'actions' }, create));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    name.setError(null);
    password.setError(null);
    const body = { name: name.input.value, showVisits: visits.box.checked, embeddable: embed.box.checked, password: password.input.value || undefined };
    try {
      create.disabled = true;
      line.clear();
      await post<{ link: SharedLinkInfo }>(sitePath(domain, '/shared-links'), body);
      form.reset();
      line.ok(t('share.created'));
      reload();
    } catch (error) {
      if (!showOnField(error, { name, password })) line.error(errorText(error));
    } finally {
      create.disabled = false;
    }
  });
  return form;
}

export function sharedLinksSection(domain: string): HTMLElement {
  const list = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
  const line = status();
  const reload = () =>
    get<{ links: SharedLinkInfo[] }>(sitePath(domain, '/shared-links')).then(
      ({ links }) =>
        replace(list, links.length ? h('ul', { class: 'share-links', role: 'list' }, links.map((link) => linkItem(domain, link, line, reload))) : h('p', { class: 'muted' }, t('share.none'))),
      (error: unknown) => replace(list, h('p', { class: 'form-error', role: 'alert' }, errorText(error))),
    );
  void reload();
  return section(t('share.title'), t('share.intro'), list, line.root, newLinkForm(domain, line, reload));
}

/** A protected link's password page; `opened` gets the link's state once the password is right. */
export function renderShareLocked(main: HTMLElement, opened: (state: SessionState) => void): undefined {
  setTitle(t('share.locked.title'));
  const password = field(t('auth.password'), input({ type: 'password', autocomplete: 'current-password', required: true }));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('share.locked.submit'));
  const form = h('form', { class: 'stack', novalidate: true }, password.root, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    password.setError(null);
    submit.disabled = true;
    try {
      opened(await post<SessionState>('/api/dashboard/share/unlock', { password: password.input.value }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) {
        const n = minutesToWait(error.retryAfter);
        password.setError(n === 1 ? t('login.throttled.one') : t('login.throttled.other', { n }));
      } else password.setError(error instanceof ApiError && error.status === 401 ? t('share.locked.wrong') : errorText(error));
      password.input.select();
    } finally {
      submit.disabled = false;
    }
  });
  replace(main, h('div', { class: 'auth' }, h('div', { class: 'card auth-card' }, h('h1', null, t('share.locked.title')), h('p', { class: 'muted' }, t('share.locked.intro')), form)));
  password.input.focus();
  return undefined;
}
