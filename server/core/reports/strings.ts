/**
 * The report mail's words in bokmål and English (the recipient's choice), and how numbers,
 * days and durations are written in each. The dashboard's catalogues are for the browser
 * bundle; these are the server's.
 * @module
 */
import type { ListId, KpiMetric } from './content.ts';
import type { ReportKind } from './period.ts';
import type { ReportLang } from './store.ts';

export interface MailStrings {
  locale: string;
  subject: Record<ReportKind, string>;
  title: Record<ReportKind, string>;
  kpi: Record<KpiMetric, string>;
  list: Record<ListId, string>;
  chart: string;
  chartAlt: string;
  previous: string;
  empty: string;
  noChange: string;
  signed: string;
  why: string;
  unsubscribe: string;
  openDashboard: string;
  preview: string;
}

export const MAIL_STRINGS: Record<ReportLang, MailStrings> = {
  en: {
    locale: 'en-GB',
    subject: { week: 'Weekly report for {site}: {period}', month: 'Monthly report for {site}: {period}' },
    title: { week: 'Weekly report', month: 'Monthly report' },
    kpi: { visitors: 'Unique visitors', visits: 'Visits', pageviews: 'Pageviews', bounce_rate: 'Bounce rate', visit_duration: 'Visit duration' },
    list: { sources: 'Top sources', engines: 'Search engines', keywords: 'Search words', pages: 'Top pages', countries: 'Countries', devices: 'Devices', goals: 'Goals' },
    chart: 'Visitors per day',
    chartAlt: 'Bar chart of visitors per day',
    previous: 'previous period: {value}',
    empty: 'Nothing in this period',
    noChange: 'no change',
    signed: 'Sent by {operator}',
    why: 'You receive this report on {site} because you are on its list of recipients.',
    unsubscribe: 'Unsubscribe',
    openDashboard: 'Open the dashboard',
    preview: 'Preview',
  },
  nb: {
    locale: 'nb-NO',
    subject: { week: 'Ukesrapport for {site}: {period}', month: 'Månedsrapport for {site}: {period}' },
    title: { week: 'Ukesrapport', month: 'Månedsrapport' },
    kpi: { visitors: 'Unike besøkende', visits: 'Besøk', pageviews: 'Sidevisninger', bounce_rate: 'Fluktfrekvens', visit_duration: 'Besøkslengde' },
    list: { sources: 'Kilder', engines: 'Søkemotorer', keywords: 'Søkeord', pages: 'Mest besøkte sider', countries: 'Land', devices: 'Enheter', goals: 'Mål' },
    chart: 'Besøkende per dag',
    chartAlt: 'Stolpediagram over besøkende per dag',
    previous: 'forrige periode: {value}',
    empty: 'Ingenting i denne perioden',
    noChange: 'uendret',
    signed: 'Sendt av {operator}',
    why: 'Du får denne rapporten om {site} fordi du står på listen over mottakere.',
    unsubscribe: 'Meld deg av',
    openDashboard: 'Åpne dashbordet',
    preview: 'Forhåndsvisning',
  },
};

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export function formatNumber(lang: ReportLang, n: number): string {
  return new Intl.NumberFormat(MAIL_STRINGS[lang].locale, { maximumFractionDigits: 1 }).format(n);
}

/** A KPI's value as the dashboard writes it: a percentage, a duration (`2m 05s`), or a count. */
export function formatKpi(lang: ReportLang, metric: KpiMetric, value: number): string {
  if (metric === 'bounce_rate') return `${formatNumber(lang, value)}\u00a0%`;
  if (metric === 'visit_duration') {
    const s = Math.round(value);
    if (s < 60) return `${s}s`;
    const m = Math.floor(s / 60);
    return m < 60 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
  }
  return formatNumber(lang, value);
}

/** A change: `+12 %` (bounce rate: `+3 pp`, percentage points), or the word for none; the unit never wraps from its number. */
export function formatChange(lang: ReportLang, metric: KpiMetric, change: number | null): string {
  if (change === null) return '';
  if (change === 0) return MAIL_STRINGS[lang].noChange;
  const sign = change > 0 ? '+' : '−';
  return `${sign}${formatNumber(lang, Math.abs(change))}\u00a0${metric === 'bounce_rate' ? 'pp' : '%'}`;
}

const dayFormat = (lang: ReportLang, options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(MAIL_STRINGS[lang].locale, { ...options, timeZone: 'UTC' });

const asDate = (day: string) => new Date(`${day}T00:00:00Z`);

/** `30 Nov – 6 Dec 2026` / `30. nov. – 6. des. 2026`; a month as `November 2026` / `november 2026`. */
export function formatPeriod(lang: ReportLang, kind: ReportKind, firstDay: string, lastDay: string): string {
  if (kind === 'month') return dayFormat(lang, { month: 'long', year: 'numeric' }).format(asDate(firstDay));
  const short = dayFormat(lang, { day: 'numeric', month: 'short' });
  const full = dayFormat(lang, { day: 'numeric', month: 'short', year: 'numeric' });
  return `${short.format(asDate(firstDay))} – ${full.format(asDate(lastDay))}`;
}

/** A day under the chart: `Mon 30` / `man. 30`. */
export function formatChartDay(lang: ReportLang, day: string, withWeekday: boolean): string {
  return dayFormat(lang, withWeekday ? { weekday: 'short', day: 'numeric' } : { day: 'numeric' }).format(asDate(day));
}

/** The values the engine names in English (devices, no source), in bokmål; the same words as the dashboard's. */
const BOKMAL_VALUES: Readonly<Record<string, string>> = {
  Desktop: 'Datamaskin',
  Laptop: 'Bærbar',
  Tablet: 'Nettbrett',
  Mobile: 'Mobil',
  'Direct / None': 'Direkte / ingen',
};

/** A device or "Direct / None" in the reader's language; anything else as it is. */
export function valueName(lang: ReportLang, value: string): string {
  return lang === 'nb' ? (BOKMAL_VALUES[value] ?? value) : value;
}

/** A country's name from its ISO code in the reader's language (`NO` → Norge / Norway); anything else as it is. */
export function countryName(lang: ReportLang, code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code;
  try {
    return new Intl.DisplayNames([MAIL_STRINGS[lang].locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
