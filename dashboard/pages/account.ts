/**
 * The signed-in user's own account: who they are, a new password (which ends every other
 * session of the account), two-factor login (two-factor.ts), and signing out everywhere else.
 * @module
 */
import '../lib/page-strings.ts';
import type { AccountInfo } from '../../server/core/dashboard-api/contract.ts';
import { ApiError, get, post } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { newPasswordField, showOnField } from '../lib/form-fields.ts';
import { attempt, errorText, field, input, section, setTitle, status } from '../lib/ui.ts';
import type { Dispose } from './app.ts';
import { twoFactorSection } from './two-factor.ts';

type Ended = { ok: true; sessionsEnded: number };

function sessionsText(others: number): string {
  if (others === 0) return t('account.sessions.none');
  return others === 1 ? t('account.sessions.one') : t('account.sessions.some', { n: others });
}

function passwordSection(onChanged: () => void): HTMLElement {
  const current = field(t('account.password.current'), input({ type: 'password', name: 'current', autocomplete: 'current-password', required: true }));
  const next = newPasswordField(t('account.password.new'), { name: 'password' });
  const again = field(t('auth.passwordAgain'), input({ type: 'password', name: 'password2', autocomplete: 'new-password', required: true }));
  const line = status();
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.password.submit'));
  const fields = { current, password: next, password2: again };
  const form = h('form', { class: 'stack', novalidate: true }, current.root, next.root, again.root, h('div', { class: 'actions' }, button, line.root));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const f of Object.values(fields)) f.setError(null);
    if (!next.check()) return;
    if (next.input.value !== again.input.value) {
      again.setError(t('setup.mismatch'));
      again.input.focus();
      return;
    }
    const body = { current: current.input.value, password: next.input.value, password2: again.input.value };
    let failure: unknown = null;
    const done = await attempt(button, line, () => post<Ended>('/api/dashboard/account/password', body).catch((error: unknown) => Promise.reject((failure = error))));
    if (!done) {
      // The server names the field first (`current: wrong password`): show it there.
      if (showOnField(failure, fields)) line.clear();
      return;
    }
    for (const f of Object.values(fields)) f.input.value = '';
    line.ok(t('account.password.done', { n: done.sessionsEnded }));
    onChanged();
  });
  return section(t('account.password.title'), t('account.password.intro'), form);
}

function sessionsSection(info: AccountInfo): { root: HTMLElement; refresh(others: number): void } {
  const text = h('p', null, sessionsText(info.otherSessions));
  const line = status();
  const button = h('button', { type: 'button', class: 'btn' }, t('account.sessions.submit'));
  const refresh = (others: number) => {
    text.textContent = sessionsText(others);
    button.hidden = others === 0;
  };
  button.addEventListener('click', async () => {
    const done = await attempt(button, line, () => post<Ended>('/api/dashboard/account/sign-out-others'));
    if (done) {
      refresh(0);
      line.ok(t('account.sessions.done', { n: done.sessionsEnded }));
    }
  });
  refresh(info.otherSessions);
  return { root: section(t('account.sessions.title'), null, text, h('div', { class: 'actions' }, button, line.root)), refresh };
}

export function renderAccount(main: HTMLElement): Dispose | undefined {
  setTitle(t('account.title'));
  const page = h('div', { class: 'page narrow stack' }, h('h1', null, t('account.title')));
  replace(main, page);
  get<AccountInfo>('/api/dashboard/account').then(
    (info) => {
      const sessions = sessionsSection(info);
      const role = info.role === 'owner' ? t('account.role.owner') : t('account.role.viewer');
      page.append(h('p', { class: 'muted' }, t('account.signedInAs', { email: info.email, role })), passwordSection(() => sessions.refresh(0)), twoFactorSection(info.email), sessions.root);
    },
    (error: unknown) => page.append(h('p', { class: 'form-error', role: 'alert' }, errorText(error))),
  );
  return undefined;
}
