/**
 * Bokmål and English. Every string the dashboard shows comes from a catalogue
 * (`dashboard/i18n/*.<lang>.ts`); numbers, dates and durations go through `Intl`.
 * The language is the browser's (nb, nn, no → bokmål) until the visitor picks one with
 * the switch, which is remembered in this origin's localStorage; a `lang` in the page's
 * address (a frame in wp-admin) wins over both for that page (address-choices.ts).
 * @module
 */
import { type Catalogue, type Key, loadCatalogue } from '../i18n/index.ts';
import { langOfTag } from '../../server/core/dashboard-api/preload.ts';
import { fromAddress } from './address-choices.ts';

export type Lang = 'en' | 'nb';
export const LANGS: readonly Lang[] = ['en', 'nb'];
const STORAGE_KEY = 'teller_lang';

function detect(): Lang {
  if (fromAddress.lang) return fromAddress.lang;
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'nb') return saved;
  } catch {
    // Storage may be disabled; the browser's language decides.
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const known = langOfTag(tag);
    if (known) return known;
  }
  return 'en';
}

let current: Lang = detect();

export function lang(): Lang {
  return current;
}

/** BCP 47 tag for Intl and <html lang>. */
export function locale(): string {
  return current === 'nb' ? 'nb-NO' : 'en-GB';
}

let table: Partial<Catalogue> | null = null;
/** Strings that came with a page's code, in both languages (dashboard/lib/page-strings.ts). */
const withPages: Record<Lang, Partial<Catalogue>> = { en: {}, nb: {} };

/** Adds the strings a page's code brought; `t` finds them beside the loaded ones. */
export function addStrings(strings: Record<Lang, Partial<Catalogue>>): void {
  for (const l of LANGS) Object.assign(withPages[l], strings[l]);
}

/** Loads the current language's strings; the app awaits it once before drawing anything. */
export async function loadLang(): Promise<void> {
  table = await loadCatalogue(current);
  document.documentElement.lang = current;
}

/** Switches language, remembered on this device; resolves once its strings are loaded. */
export async function setLang(next: Lang): Promise<void> {
  const loaded = await loadCatalogue(next);
  current = next;
  table = loaded;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered, but applied.
  }
  document.documentElement.lang = next;
}

/** Whether the catalogue has `key`: for labels made from data (a dimension's name). */
export function hasKey(key: string): key is Key {
  return table !== null && (key in table || key in withPages[current]);
}

/** `t('kpi.visitors')`, `t('sites.count', { n: 3 })`: `{n}` placeholders are replaced. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  if (table === null) throw new Error('t() before loadLang()');
  const text = table[key] ?? withPages[current][key];
  if (text === undefined) throw new Error(`t('${key}'): a page's string, used before its page's code loaded`);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? formatVar(vars[name]!) : whole));
}

function formatVar(value: string | number): string {
  return typeof value === 'number' ? formatNumber(value) : value;
}

/**
 * Intl's formatters, one per kind, locale and options: making one costs ~100 times formatting
 * with it, and a view formats thousands of numbers, dates and country names as it draws.
 */
const formatters = new Map<string, unknown>();
function intl<O, T>(Kind: new (locale: string, options: O) => T, options: O): T {
  const key = Kind.name + locale() + JSON.stringify(options);
  if (!formatters.has(key)) formatters.set(key, new Kind(locale(), options));
  return formatters.get(key) as T;
}

export function formatNumber(n: number, options: Intl.NumberFormatOptions = {}): string {
  return intl(Intl.NumberFormat, options).format(n);
}

/** 1234 → 1.2k (en) / 1,2k (nb), for tight places (chart axes, sparkline labels). */
export function formatCompact(n: number): string {
  return intl(Intl.NumberFormat, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

export function formatPercent(n: number, fractionDigits = 0): string {
  return intl(Intl.NumberFormat, { style: 'percent', maximumFractionDigits: fractionDigits }).format(n / 100);
}

/** Seconds → "1 min 5 s" / "1 min 5 sek", through Intl's unit names. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const unit = (value: number, name: 'hour' | 'minute' | 'second') =>
    intl(Intl.NumberFormat, { style: 'unit', unit: name, unitDisplay: 'narrow' }).format(value);
  if (s < 60) return unit(s, 'second');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return [h > 0 ? unit(h, 'hour') : '', m > 0 ? unit(m, 'minute') : '', rest > 0 && h === 0 ? unit(rest, 'second') : ''].filter(Boolean).join(' ');
}

/** A YYYY-MM-DD day as the reader writes dates ("1. des. 2026", "1 Dec 2026"). */
export function formatDay(day: string, options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' }): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return intl(Intl.DateTimeFormat, { ...options, timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
}

/** A Unix time in the site's timezone. */
export function formatTime(unixSeconds: number, timeZone: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  return intl(Intl.DateTimeFormat, { ...options, timeZone }).format(unixSeconds * 1000);
}

/** A country's name in the UI's language, from its ISO 3166-1 alpha-2 code. */
export function countryName(code: string): string {
  try {
    return intl(Intl.DisplayNames, { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
