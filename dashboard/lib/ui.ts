/**
 * Small widgets every admin screen shares: labelled fields with an inline error, a status
 * line next to a change (success or the server's own message), copy boxes, and a confirm
 * dialog on a real `<dialog>`.
 * @module
 */
import { ApiError } from './api.ts';
import { copyText } from './clipboard.ts';
import { h } from './dom.ts';
import { t } from './i18n.ts';

let nextId = 0;
/** A unique id for label and description pairs within this page. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** The tab's title: the page's heading, then the product. */
export function setTitle(page: string): void {
  document.title = `${page} · Teller`;
}

/** What to tell the person about a failed request: the server's message, or that it is unreachable. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return t('common.error.network');
}

export interface Field<I extends HTMLInputElement | HTMLSelectElement = HTMLInputElement> {
  root: HTMLElement;
  input: I;
  setError(message: string | null): void;
}

/** A label, its control, an optional hint and a place for an inline error, wired by ids. */
export function field<I extends HTMLInputElement | HTMLSelectElement>(label: string, input: I, hint?: string): Field<I> {
  const id = input.id || uid('f');
  input.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const errorEl = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  const root = h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl, errorEl);
  return {
    root,
    input,
    setError(message) {
      errorEl.textContent = message ?? '';
      errorEl.hidden = message === null;
      if (message === null) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', [hintEl?.id, message === null ? null : errorEl.id].filter(Boolean).join(' '));
    },
  };
}

export function input(attrs: Record<string, string | number | boolean | undefined> = {}): HTMLInputElement {
  return h('input', { class: 'input', type: 'text', ...attrs });
}

export interface Status {
  root: HTMLElement;
  ok(message: string): void;
  error(message: string): void;
  clear(): void;
}

/** A polite live region beside a control: says a change was saved, or why it was not. */
export function status(): Status {
  const root = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const show = (kind: 'ok' | 'error' | null, message: string) => {
    root.textContent = message;
    root.dataset.kind = kind ?? '';
  };
  return {
    root,
    ok: (message) => show('ok', message),
    error: (message) => show('error', message),
    clear: () => show(null, ''),
  };
}

/**
 * Runs a request with its button disabled, reporting the result on `line`; returns the
 * result, or null when it failed (the failure is already shown).
 */
export async function attempt<T>(button: HTMLButtonElement | null, line: Status, run: () => Promise<T>, success?: string): Promise<T | null> {
  if (button) button.disabled = true;
  line.clear();
  try {
    const result = await run();
    if (success) line.ok(success);
    return result;
  } catch (error) {
    line.error(errorText(error));
    return null;
  } finally {
    if (button) button.disabled = false;
  }
}

/** A read-only value (snippet, token, link) with a button that copies it. */
export function copyBox(value: string, label: string, multiline = false): HTMLElement {
  const id = uid('copy');
  const shown = multiline
    ? h('textarea', { class: 'input mono', id, readonly: true, rows: 3, spellcheck: 'false' })
    : h('input', { class: 'input mono', id, readonly: true, type: 'text', spellcheck: 'false' });
  shown.value = value;
  shown.addEventListener('focus', () => shown.select());
  const done = h('span', { class: 'copy-done', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'btn' }, t('common.copy'));
  button.addEventListener('click', async () => {
    const copied = await copyText(value);
    done.textContent = copied ? t('common.copied') : t('common.copyFailed');
    if (!copied) shown.select();
  });
  return h('div', { class: 'copy-box' }, h('label', { for: id, class: 'sr-only' }, label), shown, h('div', { class: 'copy-actions' }, button, done));
}

/** Asks before something that cannot be undone; resolves true only on the confirm button. */
export function confirmDialog(message: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, t('common.cancel'));
    const confirm = h('button', { type: 'button', class: 'btn btn-danger' }, confirmLabel);
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('p', { id: titleId }, message),
      h('div', { class: 'actions' }, cancel, confirm),
    );
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    confirm.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** A section of a settings-like page: a heading, an explanation, then its controls. */
export function section(title: string, intro: string | null, ...children: Array<Node | null>): HTMLElement {
  const id = uid('sec');
  return h('section', { class: 'card section', 'aria-labelledby': id }, h('h2', { id }, title), intro ? h('p', { class: 'muted' }, intro) : null, ...children);
}
