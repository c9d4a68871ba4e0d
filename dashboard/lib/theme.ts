/**
 * Light, dark, or the system's: `html[data-theme]` forces one (app.css reads it); without
 * it the colour scheme follows `prefers-color-scheme`. Remembered in this origin's storage;
 * a `theme` in the page's address (a frame in wp-admin) wins until the switch is used.
 * @module
 */
import { fromAddress } from './address-choices.ts';

export type Theme = 'system' | 'light' | 'dark';
export const THEMES: readonly Theme[] = ['system', 'light', 'dark'];
const STORAGE_KEY = 'teller_theme';
let fromPage: Theme | null = fromAddress.theme;

export function theme(): Theme {
  if (fromPage) return fromPage;
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // Storage may be disabled: the system decides.
  }
  return 'system';
}

export function applyTheme(next: Theme = theme()): void {
  if (next === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = next;
}

export function setTheme(next: Theme): void {
  fromPage = null;
  try {
    if (next === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered, but applied.
  }
  applyTheme(next);
}
