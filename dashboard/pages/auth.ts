/**
 * First run (create the owner account, with the setup code from the start banner's
 * address) and login, with its second step when two-factor login is on (the code, or a
 * recovery code) or required and not yet set up (enrolment, two-factor.ts). The server's message is shown under
 * the field it names, or above the button when it names none; throttling says how long
 * to wait. Success hands the new session state back, and the app redraws in place.
 * @module
 */
import '../lib/page-strings.ts';
import type { SessionState } from '../../server/core/dashboard-api/contract.ts';
import { ApiError, post } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import { emailField, newPasswordField, showOnField } from '../lib/form-fields.ts';
import { type Field, errorText, field, input, setTitle } from '../lib/ui.ts';
import type { Dispose } from './app.ts';
import { codeError, codeField, enrolStep } from './two-factor.ts';

type SignedIn = (session: SessionState) => void;

function authForm(title: string, intro: string, fields: Field[], submitLabel: string, submit: (form: HTMLFormElement) => Promise<void>): HTMLElement {
  const button = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, submitLabel);
  const form = h('form', { class: 'stack', novalidate: true }, ...fields.map((f) => f.root), button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      await submit(form);
    } finally {
      button.disabled = false;
    }
  });
  setTitle(title);
  return h('div', { class: 'auth' }, h('div', { class: 'card auth-card' }, h('h1', null, title), h('p', { class: 'muted' }, intro), form));
}

function formError(form: HTMLFormElement): (message: string | null) => void {
  const box = h('p', { class: 'form-error', role: 'alert', hidden: true });
  form.insertBefore(box, form.lastElementChild);
  return (message) => {
    box.textContent = message ?? '';
    box.hidden = message === null;
  };
}

function credentialFields(passwordAutocomplete: string): { email: Field; password: Field } {
  return {
    email: field(t('auth.email'), input({ type: 'email', name: 'email', autocomplete: 'username', required: true })),
    password: field(t('auth.password'), input({ type: 'password', name: 'password', autocomplete: passwordAutocomplete, required: true })),
  };
}

/** A server message next to the field it names (the answer's `field`), else above the button. */
function showError(error: unknown, fields: Record<string, Field> & { email: Field }, general: (m: string | null) => void): void {
  if (showOnField(error, fields)) return;
  general(errorText(error));
  fields.email.input.focus();
}

export function renderSetup(main: HTMLElement, signedIn: SignedIn, code: string): Dispose | undefined {
  const fields = {
    email: emailField(t('auth.email'), { name: 'email', autocomplete: 'username' }),
    password: newPasswordField(t('auth.password'), { name: 'password' }),
  };
  const again = field(t('auth.passwordAgain'), input({ type: 'password', name: 'password2', autocomplete: 'new-password', required: true }));
  const codeField = field(t('setup.code'), input({ name: 'code', autocomplete: 'off', spellcheck: 'false', required: true, value: code }), t('setup.code.hint'));
  let general: (m: string | null) => void = () => {};
  const all = [codeField, fields.email, fields.password, again];
  const view = authForm(t('setup.title'), t('setup.intro'), all, t('setup.submit'), async () => {
    for (const f of all) f.setError(null);
    general(null);
    const email = fields.email.input.value.trim();
    const password = fields.password.input.value;
    if (!fields.email.check() || !fields.password.check()) return;
    if (password !== again.input.value) {
      again.setError(t('setup.mismatch'));
      again.input.focus();
      return;
    }
    try {
      signedIn(await post<SessionState>('/api/dashboard/setup', { email, password, password2: again.input.value, code: codeField.input.value.trim() }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        signedIn({ state: 'login' });
        return;
      }
      if (error instanceof ApiError && error.status === 429) {
        const n = minutesToWait(error.retryAfter);
        general(n === 1 ? t('login.throttled.one') : t('login.throttled.other', { n }));
        return;
      }
      if (error instanceof ApiError && error.field === 'code') {
        codeField.setError(t('setup.code.wrong'));
        codeField.input.select();
        return;
      }
      showError(error, { ...fields, password2: again }, general);
    }
  });
  general = formError(view.querySelector('form')!);
  replace(main, view);
  (code ? fields.email : codeField).input.focus();
  return undefined;
}

/** Minutes to wait, rounded up, from a Retry-After in seconds. */
export function minutesToWait(seconds: number | null): number {
  return Math.max(1, Math.ceil((seconds ?? 60) / 60));
}

/** Leaves a login waiting for its code, back to the password form. */
async function abandon(signedIn: SignedIn): Promise<void> {
  await post('/api/dashboard/logout').catch(() => undefined);
  signedIn({ state: 'login' });
}

/** The login's second step: a code from the app, or (switched to) a recovery code. */
function renderCode(main: HTMLElement, signedIn: SignedIn, email: string): void {
  let recovery = false;
  const code = codeField(t('tf.code'));
  let general: (m: string | null) => void = () => {};
  const view = authForm(t('tf.login.title'), t('tf.login.intro', { email }), [code], t('tf.login.submit'), async () => {
    code.setError(null);
    general(null);
    try {
      signedIn(await post<SessionState>('/api/dashboard/login/code', { code: code.input.value }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) {
        const n = minutesToWait(error.retryAfter);
        general(n === 1 ? t('login.throttled.one') : t('login.throttled.other', { n }));
        return;
      }
      if (error instanceof ApiError && error.field === 'login') {
        general(t('tf.login.expired'));
        return;
      }
      code.setError(codeError(error, recovery));
      code.input.select();
    }
  });
  const form = view.querySelector('form')!;
  general = formError(form);
  const intro = view.querySelector('p.muted')!;
  const label = code.root.querySelector('label')!;
  const toggle = h('button', { type: 'button', class: 'btn btn-ghost' }, t('tf.login.useRecovery'));
  toggle.addEventListener('click', () => {
    recovery = !recovery;
    // A recovery code has letters and hyphens: the full keyboard, no one-time-code autofill.
    code.input.inputMode = recovery ? 'text' : 'numeric';
    code.input.autocomplete = recovery ? 'off' : 'one-time-code';
    code.input.maxLength = recovery ? 24 : 7;
    code.input.value = '';
    code.setError(null);
    label.textContent = recovery ? t('tf.login.recovery') : t('tf.code');
    intro.textContent = recovery ? t('tf.login.recoveryIntro', { email }) : t('tf.login.intro', { email });
    toggle.textContent = recovery ? t('tf.login.useApp') : t('tf.login.useRecovery');
    code.input.focus();
  });
  const back = h('button', { type: 'button', class: 'btn btn-ghost' }, t('tf.login.back'));
  back.addEventListener('click', () => void abandon(signedIn));
  view.querySelector('.auth-card')!.append(h('div', { class: 'actions' }, toggle, back));
  replace(main, view);
  code.input.focus();
}

export function renderLogin(main: HTMLElement, signedIn: SignedIn, session?: SessionState): Dispose | undefined {
  if (session?.state === 'two-factor') {
    renderCode(main, signedIn, session.email);
    return undefined;
  }
  if (session?.state === 'two-factor-enrol') {
    setTitle(t('tf.setUp'));
    replace(main, enrolStep(session.email, signedIn));
    return undefined;
  }
  const fields = credentialFields('current-password');
  let general: (m: string | null) => void = () => {};
  const view = authForm(t('login.title'), t('login.intro'), [fields.email, fields.password], t('login.submit'), async () => {
    fields.email.setError(null);
    fields.password.setError(null);
    general(null);
    try {
      signedIn(await post<SessionState>('/api/dashboard/login', { email: fields.email.input.value.trim(), password: fields.password.input.value }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) {
        const n = minutesToWait(error.retryAfter);
        general(n === 1 ? t('login.throttled.one') : t('login.throttled.other', { n }));
        return;
      }
      // "Wrong e-mail or password" names both fields, so it belongs to the form.
      general(errorText(error));
      fields.password.input.select();
    }
  });
  general = formError(view.querySelector('form')!);
  replace(main, view);
  fields.email.input.focus();
  return undefined;
}
