/**
 * The scheduler's one entry point, run by Node's maintenance tick and Workers' cron: for
 * every site with reports on, the period due now (period.ts) goes to each subscribed
 * recipient once. Each send is claimed in `report_sent` BEFORE the mail goes out, so a
 * restart, an overlapping tick or a second isolate never sends it twice; a period that
 * came due while the server was down goes out on the first tick after. A failed send is
 * recorded, not retried (the mail server may have taken it): `teller report send` resends.
 * @module
 */
import type { Config, Logger, Mailer } from '../ports.ts';
import { listSites, type Site } from '../sites.ts';
import { type ReportDeps, readContent, renderFor, reportMessage, reportOrigin } from './compose.ts';
import { duePeriod, REPORT_KINDS, type ReportKind, type ReportPeriod } from './period.ts';
import { claimSend, listRecipients, readReportSettings, type Recipient, recordSent, siteUsers, sinceOf } from './store.ts';
import { unsubscribeKey, unsubscribeToken, unsubscribeUrl } from './unsubscribe.ts';

export interface ScheduleDeps extends ReportDeps {
  mailer?: Mailer;
  config: Pick<Config, 'publicOrigin'>;
  log: Logger;
}

export interface ScheduleResult {
  sent: number;
  failed: number;
}

/** The recipients who get `period`'s report: subscribed, with an address, allowed to see the site, listed before it was due. */
export async function activeRecipients(deps: ReportDeps, site: Site, period: ReportPeriod): Promise<Recipient[]> {
  const users = new Set((await siteUsers(deps.db, site.id)).map((u) => u.id));
  const all = await listRecipients(deps.db, site.id);
  return all.filter((r) => r.unsubscribedAt === null && r.email !== '' && (r.userId === null || users.has(r.userId)) && r.createdAt <= period.dueAt);
}

async function sendKind(deps: ScheduleDeps & { mailer: Mailer }, site: Site, kind: ReportKind, nowSec: number, result: ScheduleResult): Promise<void> {
  const settings = await readReportSettings(deps.db, site.id);
  const since = sinceOf(settings, kind);
  if (since === null) return;
  const period = duePeriod(kind, nowSec, site.timezone);
  // A report switched on after its period came due starts with the next period.
  if (period.dueAt < since) return;
  const claimed = new Set(
    (await deps.db.all<{ recipient: string }>('SELECT recipient FROM report_sent WHERE site_id = ? AND kind = ? AND period_start = ?', [site.id, kind, period.firstDay])).map((r) => r.recipient),
  );
  const recipients = (await activeRecipients(deps, site, period)).filter((r) => !claimed.has(r.email));
  if (recipients.length === 0) return;
  const origin = await reportOrigin(deps.db, deps.config.publicOrigin, site.id);
  if (!origin) {
    deps.log.warn(`reports: ${site.domain}: no address for unsubscribe links; set TELLER_PUBLIC_URL or save the report settings in the dashboard`);
    return;
  }
  const key = await unsubscribeKey(deps.db);
  // Read before anything is claimed: a query that fails leaves the period for the next tick.
  const content = await readContent(deps, site, period, nowSec);
  for (const recipient of recipients) {
    if (!(await claimSend(deps.db, site.id, kind, period.firstDay, recipient.email, nowSec))) continue;
    try {
      const link = unsubscribeUrl(origin, await unsubscribeToken(key, recipient.id));
      const rendered = await renderFor(deps.db, content, recipient.lang, origin, link);
      await deps.mailer.send(reportMessage(recipient.email, rendered, link));
      await recordSent(deps.db, site.id, kind, period.firstDay, recipient.email, { sentAt: nowSec });
      result.sent++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await recordSent(deps.db, site.id, kind, period.firstDay, recipient.email, { error: message });
      deps.log.error(`reports: ${site.domain} ${kind} ${period.firstDay} to a recipient failed: ${message}`);
      result.failed++;
    }
  }
}

/** Sends every report due at `nowMs` that has not been claimed yet. Without a mailer it does nothing. */
export async function sendDueReports(deps: ScheduleDeps, nowMs: number): Promise<ScheduleResult> {
  const result: ScheduleResult = { sent: 0, failed: 0 };
  const mailer = deps.mailer;
  if (!mailer) return result;
  const nowSec = Math.floor(nowMs / 1000);
  const ids = new Set(
    (await deps.db.all<{ site_id: number }>('SELECT site_id FROM report_settings WHERE weekly_since IS NOT NULL OR monthly_since IS NOT NULL')).map((r) => r.site_id),
  );
  if (ids.size === 0) return result;
  for (const site of (await listSites(deps.db)).filter((s) => ids.has(s.id))) {
    for (const kind of REPORT_KINDS) {
      try {
        await sendKind({ ...deps, mailer }, site, kind, nowSec, result);
      } catch (error) {
        deps.log.error(`reports: ${site.domain} ${kind}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  if (result.sent + result.failed > 0) deps.log.info(`reports: ${result.sent} sent, ${result.failed} failed`);
  return result;
}
