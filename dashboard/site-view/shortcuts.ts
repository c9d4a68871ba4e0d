/**
 * Plausible's dashboard keys, shared by the site view's header and the realtime view
 * (docs/dashboard.md lists them): a letter picks a range, R opens the realtime view.
 * @module
 */
import type { Period } from '../../server/core/dashboard-api/view-queries/state.ts';

/** A range per key. */
export const SHORTCUTS: Readonly<Record<string, Period>> = { d: 'day', e: 'yesterday', w: '7d', f: '28d', t: '30d', n: '91d', m: 'month', p: 'last_month', y: 'year', l: '12mo', a: 'all' };

/** Keys typed into a field, a list or a dialog are theirs; a key with a modifier is the browser's (Alt+← is back). */
export function isShortcut(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return false;
  const target = event.target instanceof Element ? event.target : null;
  if (target?.closest('input, textarea, select, [contenteditable], [role=region], [role=tablist], dialog')) return false;
  return document.querySelector('dialog[open]') === null;
}

/** The key as the shortcuts name it: a letter in lower case, else its name (`ArrowLeft`, `Escape`). */
export const shortcutKey = (event: KeyboardEvent) => (event.key.length === 1 ? event.key.toLowerCase() : event.key);
