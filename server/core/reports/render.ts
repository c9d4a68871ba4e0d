/**
 * The report as a mail: HTML built from nested tables with inline styles (what Gmail,
 * Outlook and Apple Mail all lay out alike: no <style> blocks they would drop, no flexbox,
 * no scripts), the chart as a PNG attached inline and shown by `cid:` (no remote image to
 * block, and a real picture rather than hundreds of table cells, which Outlook's Word
 * engine spaces unevenly), and a plain-text part with the same numbers.
 * @module
 */
import type { InlineImage } from '../ports.ts';
import type { ReportContent } from './content.ts';
import { drawBars, encodePng } from './png.ts';
import type { Logo, ReportLang } from './store.ts';
import { countryName, fill, valueName, formatChange, formatChartDay, formatKpi, formatNumber, formatPeriod, MAIL_STRINGS } from './strings.ts';

export interface RenderOptions {
  lang: ReportLang;
  /** Who runs the server ("the operator"), signing the mail; null: unsigned. */
  operator: string | null;
  logo: Logo | null;
  /** The recipient's one-click unsubscribe link, or null (a preview to the owner). */
  unsubscribeUrl: string | null;
  dashboardUrl: string | null;
}

export interface RenderedReport {
  subject: string;
  html: string;
  text: string;
  inline: InlineImage[];
}

export const CHART_CID = 'chart@teller';
export const LOGO_CID = 'logo@teller';
export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 140;
const KPI_WIDTH = 94;

const INK = '#18181b';
const MUTED = '#71717a';
const LINE = '#e4e4e7';
const ACCENT = '#4f46e5';
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

async function chartImage(content: ReportContent): Promise<InlineImage> {
  const image = drawBars({
    values: content.days.map((d) => d.visitors),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    background: [255, 255, 255],
    bar: [79, 70, 229],
    grid: [228, 228, 231],
  });
  return { cid: CHART_CID, filename: 'visitors.png', contentType: 'image/png', content: await encodePng(image) };
}

function logoImage(logo: Logo): InlineImage {
  const extension = logo.contentType.slice('image/'.length);
  return { cid: LOGO_CID, filename: `logo.${extension}`, contentType: logo.contentType, content: Uint8Array.from(atob(logo.base64), (ch) => ch.charCodeAt(0)) };
}

/** The day labels under the chart, in cells as wide as the bars: every day of a week (with its number), every fifth of a month. */
function chartLabels(content: ReportContent, lang: ReportLang): string {
  const week = content.period.kind === 'week';
  const cells = content.days.map((d, i) => {
    const label = week || i % 5 === 0 ? escapeHtml(formatChartDay(lang, d.day, week)) : '';
    // A week's bars are wide enough to carry their number; a month's are read in the text part.
    const count = week ? `<div style="font-size:12px;font-weight:700;color:${INK}">${escapeHtml(formatNumber(lang, d.visitors))}</div>` : '';
    return `<td style="${FONT};font-size:11px;color:${MUTED};text-align:${week ? 'center' : 'left'};padding:4px 0 0 0;white-space:nowrap">${count}${label}</td>`;
  });
  // Fixed layout shares the width equally, as the bars do; no pixel widths, so a phone can narrow it.
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:${CHART_WIDTH}px;table-layout:fixed"><tr>${cells.join('')}</tr></table>`;
}

/**
 * The KPIs as inline blocks: five across in a wide client, wrapping three and two on a
 * phone (a table row cannot wrap); Outlook's Word engine stacks them, still readable.
 */
function kpiBlocks(content: ReportContent, lang: ReportLang): string {
  const s = MAIL_STRINGS[lang];
  return content.kpis
    .map((k) => {
      const change = formatChange(lang, k.metric, k.change);
      // Fewer bounces and longer visits are the good direction; colour follows that.
      const good = k.change === null || k.change === 0 ? null : k.metric === 'bounce_rate' ? k.change < 0 : k.change > 0;
      const colour = good === null ? MUTED : good ? '#15803d' : '#b91c1c';
      return `<div style="display:inline-block;vertical-align:top;width:${KPI_WIDTH}px;${FONT};padding:8px 0 10px 0;margin:0 6px;border-top:3px solid ${ACCENT}" data-kpi="${k.metric}">
<div style="font-size:12px;color:${MUTED}">${escapeHtml(s.kpi[k.metric])}</div>
<div style="font-size:20px;font-weight:700;color:${INK};padding:2px 0" data-value="${k.value}">${escapeHtml(formatKpi(lang, k.metric, k.value))}</div>
<div style="font-size:12px;color:${colour}" data-change="${k.change ?? ''}">${escapeHtml(change)}</div>
<div style="font-size:11px;color:${MUTED}">${escapeHtml(fill(s.previous, { value: formatKpi(lang, k.metric, k.previous) }))}</div>
</div>`;
    })
    .join('');
}

/** A row's label in the reader's language: countries are codes, named here; devices and "Direct / None" are words. */
function rowLabel(lang: ReportLang, list: string, label: string): string {
  if (list === 'countries') return countryName(lang, label);
  return list === 'devices' || list === 'sources' ? valueName(lang, label) : label;
}

function listTables(content: ReportContent, lang: ReportLang): string {
  const s = MAIL_STRINGS[lang];
  return content.lists
    .map((list) => {
      const rows = list.rows.length
        ? list.rows
            .map(
              (r) =>
                `<tr><td style="${FONT};font-size:14px;color:${INK};padding:5px 0;border-bottom:1px solid ${LINE};word-break:break-word">${escapeHtml(rowLabel(lang, list.id, r.label))}</td><td align="right" style="${FONT};font-size:14px;color:${INK};padding:5px 0 5px 12px;border-bottom:1px solid ${LINE};white-space:nowrap" data-value="${r.value}">${escapeHtml(formatNumber(lang, r.value))}</td></tr>`,
            )
            .join('')
        : `<tr><td colspan="2" style="${FONT};font-size:14px;color:${MUTED};padding:5px 0">${escapeHtml(s.empty)}</td></tr>`;
      return `<tr><td style="padding:20px 24px 0 24px"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" data-list="${list.id}">
<tr><td colspan="2" style="${FONT};font-size:15px;font-weight:700;color:${INK};padding:0 0 6px 0">${escapeHtml(s.list[list.id])}</td></tr>${rows}</table></td></tr>`;
    })
    .join('\n');
}

function footer(options: RenderOptions, site: string): string {
  const s = MAIL_STRINGS[options.lang];
  const parts = [
    options.operator ? `<div style="font-weight:700;color:${INK}">${escapeHtml(fill(s.signed, { operator: options.operator }))}</div>` : '',
    options.unsubscribeUrl ? `<div style="padding-top:6px">${escapeHtml(fill(s.why, { site }))}</div>` : '',
    `<div style="padding-top:6px">${[
      options.dashboardUrl ? `<a href="${escapeHtml(options.dashboardUrl)}" style="color:${ACCENT}">${escapeHtml(s.openDashboard)}</a>` : '',
      options.unsubscribeUrl ? `<a href="${escapeHtml(options.unsubscribeUrl)}" style="color:${ACCENT}">${escapeHtml(s.unsubscribe)}</a>` : '',
    ]
      .filter(Boolean)
      .join(' &middot; ')}</div>`,
  ];
  return `<tr><td style="${FONT};font-size:12px;color:${MUTED};padding:24px;border-top:1px solid ${LINE}">${parts.join('')}</td></tr>`;
}

function textPart(content: ReportContent, options: RenderOptions, heading: string, period: string): string {
  const s = MAIL_STRINGS[options.lang];
  const lang = options.lang;
  const lines = [heading, period, ''];
  for (const k of content.kpis) {
    const change = formatChange(lang, k.metric, k.change);
    lines.push(`${s.kpi[k.metric]}: ${formatKpi(lang, k.metric, k.value)}${change ? ` (${change})` : ''}, ${fill(s.previous, { value: formatKpi(lang, k.metric, k.previous) })}`);
  }
  lines.push('', `${s.chart}:`);
  for (const d of content.days) lines.push(`  ${d.day}  ${formatNumber(lang, d.visitors)}`);
  for (const list of content.lists) {
    lines.push('', `${s.list[list.id]}:`);
    if (list.rows.length === 0) lines.push(`  ${s.empty}`);
    for (const r of list.rows) lines.push(`  ${rowLabel(lang, list.id, r.label)}  ${formatNumber(lang, r.value)}`);
  }
  lines.push('', '--');
  if (options.operator) lines.push(fill(s.signed, { operator: options.operator }));
  if (options.dashboardUrl) lines.push(`${s.openDashboard}: ${options.dashboardUrl}`);
  if (options.unsubscribeUrl) lines.push(fill(s.why, { site: content.site.domain }), `${s.unsubscribe}: ${options.unsubscribeUrl}`);
  return `${lines.join('\n')}\n`;
}

export async function renderReport(content: ReportContent, options: RenderOptions): Promise<RenderedReport> {
  const s = MAIL_STRINGS[options.lang];
  const { kind, firstDay, lastDay } = content.period;
  const period = formatPeriod(options.lang, kind, firstDay, lastDay);
  const site = content.site.domain;
  const subject = fill(s.subject[kind], { site, period });
  const heading = `${s.title[kind]}: ${site}`;
  const inline = [await chartImage(content), ...(options.logo ? [logoImage(options.logo)] : [])];
  const logo = options.logo
    ? `<img src="cid:${LOGO_CID}" alt="${escapeHtml(options.operator ?? '')}" height="40" style="display:block;height:40px;width:auto;border:0;margin-bottom:12px">`
    : '';
  const html = `<!DOCTYPE html>
<html lang="${options.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="608" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:608px;background:#ffffff;border:1px solid ${LINE}">
<tr><td style="${FONT};padding:24px 24px 8px 24px">${logo}<div style="font-size:20px;font-weight:700;color:${INK}">${escapeHtml(heading)}</div><div style="font-size:14px;color:${MUTED};padding-top:4px">${escapeHtml(period)}</div></td></tr>
<tr><td style="padding:8px 18px 0 18px;font-size:0">${kpiBlocks(content, options.lang)}</td></tr>
<tr><td style="${FONT};font-size:15px;font-weight:700;color:${INK};padding:20px 24px 8px 24px">${escapeHtml(s.chart)}</td></tr>
<tr><td style="padding:0 24px"><img src="cid:${CHART_CID}" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" alt="${escapeHtml(s.chartAlt)}" style="display:block;width:100%;max-width:${CHART_WIDTH}px;height:auto;border:0">${chartLabels(content, options.lang)}</td></tr>
${listTables(content, options.lang)}
<tr><td style="height:16px"></td></tr>
${footer(options, site)}
</table>
</td></tr></table>
</body></html>
`;
  return { subject, html, text: textPart(content, options, heading, period), inline };
}

/** The HTML with its inline images as data: URLs, for a browser (the preview page, screenshots). */
export function withDataUrls(rendered: RenderedReport): string {
  return rendered.inline.reduce((html, image) => {
    const base64 = btoa(Array.from(image.content, (b) => String.fromCharCode(b)).join(''));
    return html.replaceAll(`cid:${image.cid}`, `data:${image.contentType};base64,${base64}`);
  }, rendered.html);
}
