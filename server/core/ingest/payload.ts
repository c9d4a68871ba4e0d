/**
 * Events API payloads: liberal in what Plausible-compatible clients send, strict about
 * sizes and URL sanity. Pure: body text in, a payload or a named problem out.
 * @module
 */
import { normalizeHostname } from '../sites.ts';
import { truncate } from './bound-text.ts';

export const MAX_PROPS = 30;
export const MAX_PROP_KEY = 300;
export const MAX_PROP_VALUE = 2000;
export const MAX_URL_LENGTH = 4096;
export const MAX_NAME_LENGTH = 120;
const MAX_REFERRER_LENGTH = 4096;

export interface EventPayload {
  name: string;
  url: URL;
  /** Lower-case, `www.`-less site domains; Plausible's tracker may send several, comma-separated. */
  domains: string[];
  referrer: string | null;
  screenWidth: number | null;
  props: Array<[string, string]>;
  /** `h: 1`: hash routing, the fragment is part of the page. */
  hashMode: boolean;
  /** False for `engagement` events and events sent with `i: false`. */
  interactive: boolean;
  revenue: { amount: string; currency: string } | null;
  /**
   * `l: 1`: sent by a tracker whose tag says `data-local` (or script.local.js), from the
   * owner's own machine or an automated browser: localhost pages, `file:` pages and headless
   * browsers are then counted (bots and the visitor's privacy signals still are not).
   */
  ownerTest: boolean;
}

export type PayloadResult = { ok: true; payload: EventPayload } | { ok: false; error: string };

type Fields = Record<string, unknown>;

/** Reads the body as JSON whatever the Content-Type claims, falling back to a form body. */
function parseBody(text: string, contentType: string): Fields | string {
  const trimmed = text.trim();
  if (trimmed === '') return 'request body is empty';
  const looksJson = trimmed.startsWith('{');
  if (looksJson || !contentType.includes('form-urlencoded')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'request body must be a JSON object';
      return value as Fields;
    } catch {
      if (looksJson) return 'request body is not valid JSON';
    }
  }
  const form = new URLSearchParams(trimmed);
  const fields: Fields = {};
  for (const [k, v] of form) fields[k] = v;
  return Object.keys(fields).length > 0 && ('n' in fields || 'name' in fields) ? fields : 'request body is not valid JSON';
}

function pick(fields: Fields, ...keys: string[]): unknown {
  for (const k of keys) if (fields[k] !== undefined) return fields[k];
  return undefined;
}

function stringField(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Props as Plausible's clients send them: an object or a JSON string; scalars only; silently capped. */
export function parseProps(value: unknown): Array<[string, string]> {
  let obj = value;
  if (typeof obj === 'string') {
    try {
      obj = JSON.parse(obj);
    } catch {
      return [];
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [];
  const props: Array<[string, string]> = [];
  for (const [key, raw] of Object.entries(obj as Fields)) {
    if (props.length >= MAX_PROPS) break;
    const k = key.trim();
    if (k === '' || k.length > MAX_PROP_KEY) continue;
    let v: string;
    if (typeof raw === 'string') v = raw;
    else if (typeof raw === 'number' && Number.isFinite(raw)) v = String(raw);
    else if (typeof raw === 'boolean') v = String(raw);
    else continue;
    if (v.trim() === '') continue;
    props.push([k, truncate(v, MAX_PROP_VALUE)]);
  }
  return props;
}

const CURRENCY = /^[A-Z]{3}$/;

function parseRevenue(value: unknown): EventPayload['revenue'] {
  let obj = value;
  if (typeof obj === 'string') {
    try {
      obj = JSON.parse(obj);
    } catch {
      return null;
    }
  }
  if (obj === null || typeof obj !== 'object') return null;
  const { amount, currency } = obj as Fields;
  const amountText = stringField(amount)?.trim() ?? '';
  const currencyText = typeof currency === 'string' ? currency.trim().toUpperCase() : '';
  if (!/^-?\d{1,15}(\.\d{1,6})?$/.test(amountText) || !CURRENCY.test(currencyText)) return null;
  return { amount: amountText, currency: currencyText };
}

function parseScreenWidth(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 100_000 ? n : null;
}

function parseDomains(value: unknown, url: URL): string[] | string {
  const text = value === undefined || value === null || value === '' ? url.hostname : stringField(value);
  if (text === null) return 'domain must be a string';
  const domains = text
    .split(',')
    .map((d) => normalizeHostname(d))
    .filter((d) => d.length > 0);
  if (domains.length === 0) return 'domain is empty';
  if (domains.length > 10 || domains.some((d) => d.length > 253)) return 'domain is too long';
  return domains;
}

function isTruthyFlag(value: unknown): boolean {
  return value === 1 || value === true || value === '1' || value === 'true';
}

/** Parses an Events API body. Errors name the field at fault. */
export function parseEventPayload(text: string, contentType: string): PayloadResult {
  const fields = parseBody(text, contentType.toLowerCase());
  if (typeof fields === 'string') return { ok: false, error: fields };

  const name = stringField(pick(fields, 'name', 'n'))?.trim();
  if (!name) return { ok: false, error: 'missing field: name (n)' };
  if (name.length > MAX_NAME_LENGTH) return { ok: false, error: `name is longer than ${MAX_NAME_LENGTH} characters` };

  const urlText = stringField(pick(fields, 'url', 'u'));
  if (!urlText) return { ok: false, error: 'missing field: url (u)' };
  if (urlText.length > MAX_URL_LENGTH) return { ok: false, error: `url is longer than ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    return { ok: false, error: 'url is not a valid absolute URL' };
  }
  const ownerTest = isTruthyFlag(pick(fields, 'local', 'l'));
  // A page opened from disk while the owner tests has no host: it counts as on localhost.
  if (url.protocol === 'file:' && ownerTest) url = new URL(url.pathname + url.search + url.hash, 'http://localhost');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: url.protocol === 'file:' ? 'url must be http or https (file: pages count only with data-local on the tracker tag)' : 'url must be http or https' };
  }
  if (url.hostname === '') return { ok: false, error: 'url has no hostname' };

  const domains = parseDomains(pick(fields, 'domain', 'd'), url);
  if (typeof domains === 'string') return { ok: false, error: domains };

  const referrerValue = pick(fields, 'referrer', 'r');
  const referrer = typeof referrerValue === 'string' && referrerValue.trim() !== '' ? truncate(referrerValue.trim(), MAX_REFERRER_LENGTH) : null;

  const interactiveValue = pick(fields, 'interactive', 'i');
  const interactive = name !== 'engagement' && interactiveValue !== false && interactiveValue !== 'false' && interactiveValue !== 0;

  return {
    ok: true,
    payload: {
      name,
      url,
      domains,
      referrer,
      screenWidth: parseScreenWidth(pick(fields, 'screen_width', 'w')),
      props: parseProps(pick(fields, 'props', 'p', 'meta', 'm')),
      hashMode: isTruthyFlag(pick(fields, 'hash_mode', 'h')),
      interactive,
      revenue: parseRevenue(pick(fields, 'revenue', '$')),
      ownerTest,
    },
  };
}
