/**
 * One report mail for one recipient: the period's content rendered in their language, with
 * their one-click unsubscribe link in the body and in the List-Unsubscribe headers
 * (RFC 2369, RFC 8058). No mailto: address is given: Teller receives no mail.
 * @module
 */
import type { ColumnarReader, Db, MailMessage } from '../ports.ts';
import { readSitePrivacy } from '../privacy/site-privacy.ts';
import type { Site } from '../sites.ts';
import { readReportContent, type ReportContent } from './content.ts';
import type { ReportPeriod } from './period.ts';
import { renderReport, type RenderedReport } from './render.ts';
import { readReportSettings, type ReportLang } from './store.ts';

export interface ReportDeps {
  /** Where the settings and the sent-log are read and written. */
  db: Db;
  /** Where the queries run (Node: the reader thread); `db` when absent. */
  readDb?: Db;
  columnar?: ColumnarReader | null;
}

/** The origin links point at: TELLER_PUBLIC_URL, else where the owner last saved the settings from. */
export async function reportOrigin(db: Db, publicOrigin: string | null | undefined, siteId: number): Promise<string | null> {
  return publicOrigin ?? (await readReportSettings(db, siteId)).origin;
}

export function dashboardUrl(origin: string, site: Site): string {
  return `${origin}/sites/${encodeURIComponent(site.domain)}`;
}

export function readContent(deps: ReportDeps, site: Site, period: ReportPeriod, nowSec: number): Promise<ReportContent> {
  return readReportContent({ db: deps.readDb ?? deps.db, columnar: deps.columnar }, site, period, nowSec);
}

/** Renders `content` for one reader; `unsubscribeUrl` null for a preview (no list to leave). */
export async function renderFor(db: Db, content: ReportContent, lang: ReportLang, origin: string | null, unsubscribeUrl: string | null): Promise<RenderedReport> {
  const [{ operator }, settings] = await Promise.all([readSitePrivacy(db, content.site.id), readReportSettings(db, content.site.id)]);
  return renderReport(content, { lang, operator, logo: settings.logo, unsubscribeUrl, dashboardUrl: origin ? dashboardUrl(origin, content.site) : null });
}

export function reportMessage(to: string, rendered: RenderedReport, unsubscribeUrl: string | null): MailMessage {
  return {
    to,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    inline: rendered.inline,
    ...(unsubscribeUrl ? { headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } } : {}),
  };
}
