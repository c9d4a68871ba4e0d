/**
 * What the account forms (setup, account, users) share: a new-password field that states the
 * rule before anyone types and counts down while they do, checks made before a request is
 * sent, and a server message shown next to the field it names, in the reader's words rather
 * than under the API's field name.
 * @module
 */
import { MIN_PASSWORD_LENGTH } from '../../server/core/auth/passwords.ts';
import { ApiError } from './api.ts';
import { t } from './i18n.ts';
import { type Field, errorText, field, input } from './ui.ts';

export interface CheckedField extends Field {
  /** True when the value may be sent; otherwise shows why next to the field, focuses it, and is false. */
  check(): boolean;
}

function refuse(target: Field, message: string): false {
  target.setError(message);
  target.input.focus();
  return false;
}

/** A new password: the rule is the field's hint from the start and says how many characters are left. */
export function newPasswordField(label: string, attrs: Record<string, string | boolean> = {}, extraHint?: string): CheckedField {
  const rule = t('password.rule', { n: MIN_PASSWORD_LENGTH });
  const withExtra = (text: string) => (extraHint ? `${text} ${extraHint}` : text);
  const base = field(label, input({ type: 'password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD_LENGTH, ...attrs }), withExtra(rule));
  const hint = base.root.querySelector('.hint')!;
  base.input.addEventListener('input', () => {
    const left = MIN_PASSWORD_LENGTH - base.input.value.length;
    hint.textContent = withExtra(left > 0 && base.input.value !== '' ? t('password.left', { n: MIN_PASSWORD_LENGTH, left }) : rule);
    base.setError(null);
  });
  return {
    ...base,
    check: () => base.input.value.length >= MIN_PASSWORD_LENGTH || refuse(base, t('password.tooShort', { n: MIN_PASSWORD_LENGTH })),
  };
}

/** An e-mail address field checked by the browser's own rule for type=email before sending. */
export function emailField(label: string, attrs: Record<string, string | boolean> = {}): CheckedField {
  const base = field(label, input({ type: 'email', required: true, ...attrs }));
  base.input.addEventListener('input', () => base.setError(null));
  return {
    ...base,
    check() {
      const value = base.input.value.trim();
      if (value === '') return refuse(base, t('field.emailRequired'));
      return base.input.validity.valid || refuse(base, t('field.emailInvalid', { email: value }));
    },
  };
}

/**
 * Shows a server message next to the field it names (`password: at least 10 characters`),
 * without the API's field name and starting with a capital; returns that field, or null when
 * the message names none of `fields` (the caller shows it for the whole form).
 */
export function showOnField(error: unknown, fields: Record<string, Field>): Field | null {
  const target = error instanceof ApiError && error.field !== null ? fields[error.field] : undefined;
  if (!target) return null;
  const text = errorText(error);
  target.setError(`${text.charAt(0).toUpperCase()}${text.slice(1)}`);
  target.input.focus();
  return target;
}
