/**
 * Two-factor login in the dashboard: enrolment (the server's QR code, the key by hand, a
 * first code), the recovery codes shown once with copy and download, the account page's
 * section (on/off, new recovery codes), the enrolment the owner can require straight after
 * the password, and the owner's controls on the users page.
 * @module
 */
import './two-factor.css';
import '../lib/page-strings.ts';
import type { SessionState, TwoFactorConfirmed, TwoFactorEnrolment, TwoFactorInfo, TwoFactorPolicy, UserInfo } from '../../server/core/dashboard-api/contract.ts';
import { ApiError, del, get, post, put } from '../lib/api.ts';
import { copyText } from '../lib/clipboard.ts';
import { h, replace } from '../lib/dom.ts';
import { formatTime, t } from '../lib/i18n.ts';
import { attempt, confirmDialog, copyBox, errorText, field, input, section, status, type Field, type Status } from '../lib/ui.ts';

/** The message for a refused code: wrong, or used already (the server says which). */
export function codeError(error: unknown, recovery = false): string {
  if (!(error instanceof ApiError) || error.field !== 'code') return errorText(error);
  if (/used already/.test(error.message)) return t('tf.used');
  return recovery ? t('tf.login.wrongRecovery') : t('tf.wrong');
}

/** A field for a 6-digit code: the phone's keypad, and the browser may offer a code it received. */
export function codeField(label: string): Field {
  return field(label, input({ name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', spellcheck: 'false', maxlength: 7, required: true, class: 'input mono tf-code' }));
}

/** The recovery codes as a text file to keep. */
function downloadLink(codes: string[], email: string): HTMLElement {
  const text = `${t('tf.codes.file', { email, host: location.host })}\n\n${codes.join('\n')}\n`;
  return h('a', { class: 'btn', href: `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`, download: `teller-recovery-codes-${location.hostname}.txt` }, t('tf.codes.download'));
}

/** The ten codes, shown once: copy or download them, then `done` (when given) goes on. */
export function recoveryCodesPanel(codes: string[], email: string, done?: () => void): HTMLElement {
  const list = h('ul', { class: 'tf-codes mono', 'aria-label': t('tf.codes.label') }, codes.map((code) => h('li', null, code)));
  const copied = h('span', { class: 'copy-done', role: 'status', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', class: 'btn' }, t('common.copy'));
  copy.addEventListener('click', async () => {
    copied.textContent = (await copyText(codes.join('\n'))) ? t('common.copied') : t('common.copyFailed');
  });
  const next = done ? h('button', { type: 'button', class: 'btn btn-primary' }, t('tf.codes.done')) : null;
  next?.addEventListener('click', done!);
  return h(
    'div',
    { class: 'tf-codes-panel stack-s', role: 'region', 'aria-label': t('tf.codes.title') },
    h('h3', null, t('tf.codes.title')),
    h('p', { class: 'chip chip-warn' }, t('tf.codes.once')),
    h('p', null, t('tf.codes.intro')),
    list,
    h('div', { class: 'actions' }, copy, downloadLink(codes, email), copied),
    next && h('div', { class: 'actions' }, next),
  );
}

/**
 * Enrolment: asks the server for a secret, shows it as a QR code and as a key to type, and
 * turns two-factor login on with the first right code.
 */
export function enrolForm(onEnabled: (confirmed: TwoFactorConfirmed) => void): HTMLElement {
  const root = h('div', { class: 'tf-enrol stack' }, h('p', { class: 'muted' }, t('common.loading')));
  post<TwoFactorEnrolment>('/api/dashboard/account/two-factor/start').then(
    (enrolment) => {
      const code = codeField(t('tf.code'));
      const line = status();
      const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('tf.turnOn'));
      const form = h('form', { class: 'stack-s', novalidate: true }, h('p', null, t('tf.confirmIntro')), code.root, h('div', { class: 'actions' }, button, line.root));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        code.setError(null);
        let failure: unknown = null;
        const done = await attempt(button, line, () => post<TwoFactorConfirmed>('/api/dashboard/account/two-factor/confirm', { code: code.input.value }).catch((error: unknown) => Promise.reject((failure = error))));
        if (done) {
          onEnabled(done);
          return;
        }
        if (failure instanceof ApiError && failure.field === 'code') {
          line.clear();
          code.setError(codeError(failure));
          code.input.select();
        }
      });
      const qr = h('img', { class: 'tf-qr', src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`, alt: t('tf.qrAlt'), width: 200, height: 200 });
      const key = h('div', { class: 'tf-key stack-s' }, h('p', null, t('tf.manual')), copyBox(enrolment.manualKey, t('tf.manualLabel')));
      replace(root, h('p', null, t('tf.scan')), h('div', { class: 'tf-scan' }, qr, key), form);
      code.input.focus({ preventScroll: true });
    },
    (error: unknown) => replace(root, h('p', { class: 'form-error', role: 'alert' }, errorText(error))),
  );
  return root;
}

/** The password or a current code, for turning it off or making new recovery codes. */
function proofForm(info: TwoFactorInfo, email: string, show: (panel: HTMLElement | null) => void, reload: () => void): HTMLElement {
  const proof = field(t('tf.proof'), input({ type: 'password', name: 'proof', autocomplete: 'current-password', required: true }));
  const line = status();
  const body = () => {
    const value = proof.input.value.trim();
    return /^\d{3}\s?\d{3}$/.test(value) || /^[0-9a-z]{4}(-?[0-9a-z]{4}){3}$/i.test(value) ? { code: value } : { password: proof.input.value };
  };
  const run = async <T>(button: HTMLButtonElement, path: string, success: string): Promise<T | null> => {
    proof.setError(null);
    let failure: unknown = null;
    const done = await attempt(button, line, () => post<T>(path, body()).catch((error: unknown) => Promise.reject((failure = error))), success);
    if (!done && failure instanceof ApiError && (failure.field === 'code' || failure.field === 'password')) {
      line.clear();
      proof.setError(failure.field === 'code' ? codeError(failure) : errorText(failure));
      proof.input.select();
    }
    if (done) proof.input.value = '';
    return done;
  };
  const renew = h('button', { type: 'button', class: 'btn' }, t('tf.newCodes'));
  renew.addEventListener('click', async () => {
    const made = await run<{ recoveryCodes: string[] }>(renew, '/api/dashboard/account/two-factor/recovery-codes', t('tf.newCodesDone'));
    if (made) show(recoveryCodesPanel(made.recoveryCodes, email, () => reload()));
  });
  const off = h('button', { type: 'button', class: 'btn btn-danger' }, t('tf.turnOff'));
  off.addEventListener('click', async () => {
    if (await run(off, '/api/dashboard/account/two-factor/disable', t('tf.turnedOff'))) reload();
  });
  off.hidden = info.required;
  return h('form', { class: 'stack-s', novalidate: true, onsubmit: (event: Event) => event.preventDefault() }, h('p', { class: 'muted' }, t('tf.proofIntro')), proof.root, h('div', { class: 'actions' }, renew, off, line.root));
}

/** The account page's section. */
export function twoFactorSection(email: string): HTMLElement {
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, t('common.loading')));
  const reload = () =>
    get<TwoFactorInfo>('/api/dashboard/account/two-factor').then(
      (info) => draw(info),
      (error: unknown) => replace(body, h('p', { class: 'form-error', role: 'alert' }, errorText(error))),
    );
  const draw = (info: TwoFactorInfo) => {
    if (!info.enabled) {
      const start = h('button', { type: 'button', class: 'btn btn-primary' }, t('tf.setUp'));
      start.addEventListener('click', () => replace(body, enrolForm((done) => replace(body, recoveryCodesPanel(done.recoveryCodes, email, () => void reload())))));
      replace(body, h('p', null, t('tf.isOff')), info.required ? h('p', { class: 'chip chip-warn' }, t('tf.required')) : null, h('div', { class: 'actions' }, start));
      return;
    }
    // Holds new recovery codes once made; empty, it takes no room in the stack.
    const extra = h('div', { hidden: true });
    const since = formatTime(info.enabledAt ?? 0, Intl.DateTimeFormat().resolvedOptions().timeZone, { dateStyle: 'medium' });
    replace(
      body,
      h('p', { class: 'tf-on' }, t('tf.isOn', { date: since })),
      h('p', { class: 'muted' }, t('tf.codesLeft', { n: info.recoveryCodesLeft })),
      info.required ? h('p', { class: 'muted' }, t('tf.required')) : null,
      extra,
      proofForm(
        info,
        email,
        (panel) => {
          extra.hidden = false;
          replace(extra, panel);
        },
        () => void reload(),
      ),
    );
  };
  void reload();
  return section(t('tf.title'), t('tf.intro'), body);
}

/** After the password, when the owner requires two-factor login and this account has none: enrol, save the codes, go on. */
export function enrolStep(email: string, signedIn: (session: SessionState) => void): HTMLElement {
  const body = h('div', { class: 'stack' });
  replace(
    body,
    enrolForm((done) => {
      const next = done.session ?? { state: 'login' as const };
      replace(body, recoveryCodesPanel(done.recoveryCodes, email, () => signedIn(next)));
      body.querySelector('button')?.focus();
    }),
  );
  return h('div', { class: 'auth' }, h('div', { class: 'card auth-card tf-enrol-card stack' }, h('h1', null, t('tf.setUp')), h('p', { class: 'muted' }, t('tf.enrol.intro', { email })), body));
}

/** The owner's switch on the users page: require two-factor login for every account. */
export function policySection(): HTMLElement {
  const box = h('input', { type: 'checkbox', id: 'tf-require', disabled: true });
  const line = status();
  get<TwoFactorPolicy>('/api/dashboard/two-factor-policy').then(
    (policy) => {
      box.checked = policy.required;
      box.disabled = false;
    },
    (error: unknown) => line.error(errorText(error)),
  );
  box.addEventListener('change', async () => {
    const wanted = box.checked;
    let failure: unknown = null;
    const done = await attempt(null, line, () => put<TwoFactorPolicy>('/api/dashboard/two-factor-policy', { required: wanted }).catch((error: unknown) => Promise.reject((failure = error))), wanted ? t('tf.policy.on') : t('tf.policy.off'));
    if (!done) {
      box.checked = !wanted;
      if (failure instanceof ApiError && failure.status === 409) line.error(t('tf.policy.needOwn'));
    }
  });
  return section(t('tf.title'), t('tf.policy.intro'), h('div', { class: 'choice' }, box, h('label', { for: 'tf-require' }, t('tf.policy.label'))), line.root);
}

/** A user's two-factor state on the users page: a chip, and for someone else the owner's reset. */
export function userTwoFactor(user: UserInfo, self: boolean, line: Status, reset: () => void): { chip: HTMLElement | null; button: HTMLButtonElement | null } {
  if (!user.twoFactor) return { chip: null, button: null };
  const chip = h('span', { class: 'chip chip-accent' }, t('tf.user.on'));
  if (self) return { chip, button: null };
  const button = h('button', { type: 'button', class: 'btn' }, t('tf.user.reset'));
  button.addEventListener('click', async () => {
    if (!(await confirmDialog(t('tf.user.resetConfirm', { email: user.email }), t('tf.user.reset')))) return;
    if (await attempt(button, line, () => del(`/api/dashboard/users/${user.id}/two-factor`), t('tf.user.resetDone', { email: user.email }))) reset();
  });
  return { chip, button };
}
