/**
 * `teller report send|list --site <domain>`: send the last whole period's report now (for
 * scripts and for checking the mail set-up), and show a site's schedule and recipients.
 * Sends through TELLER_SMTP_URL, as the server does, with the same core (reports/).
 * @module
 */
import { parseArgs } from 'node:util';
import { parsePublicUrl } from '../core/config.ts';
import { readSitePrivacy } from '../core/privacy/site-privacy.ts';
import { readContent, renderFor, reportMessage, reportOrigin } from '../core/reports/compose.ts';
import { lastWholePeriod, type ReportKind } from '../core/reports/period.ts';
import { listRecipients, readReportSettings, type ReportLang } from '../core/reports/store.ts';
import { unsubscribeKey, unsubscribeToken, unsubscribeUrl } from '../core/reports/unsubscribe.ts';
import { normalizeEmail } from '../core/users.ts';
import { type GoalCliDeps, siteOf } from './goal-cli.ts';
import { smtpMailerFromEnv } from './smtp-mailer.ts';

export const REPORT_USAGE = `  report send --site <domain> --period week|month --to <address> [--lang nb|en]
                                                 send the last whole week's or month's report now (through TELLER_SMTP_URL)
  report list --site <domain>                    show the site's report schedule and recipients`;

export interface ReportCliDeps extends GoalCliDeps {
  env: Readonly<Record<string, string | undefined>>;
  now(): number;
}

const day = (sec: number) => new Date(sec * 1000).toISOString().slice(0, 10);

export async function reportCommand(args: string[], deps: ReportCliDeps): Promise<void> {
  const [action, ...rest] = args;
  if (action !== 'send' && action !== 'list') throw deps.usageError(`report: send or list${action ? ` (not "${action}")` : ''}`);
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { site: { type: 'string' }, period: { type: 'string' }, to: { type: 'string' }, lang: { type: 'string' } } });
  if (positionals.length > 0) throw deps.usageError(`report ${action}: unexpected "${positionals[0]}"`);
  let kind: ReportKind = 'week';
  let lang: ReportLang = 'en';
  let to = '';
  if (action === 'send') {
    if (values.period !== 'week' && values.period !== 'month') throw deps.usageError('report send: --period week or --period month');
    kind = values.period;
    if (values.lang !== undefined && values.lang !== 'nb' && values.lang !== 'en') throw deps.usageError(`--lang: nb or en (not "${values.lang}")`);
    lang = (values.lang as ReportLang | undefined) ?? 'en';
    const address = normalizeEmail(values.to ?? '');
    if (!address) throw deps.usageError(values.to === undefined ? 'report send: --to <address>' : `--to: "${values.to}" is not an e-mail address`);
    to = address;
  }
  const mailer = smtpMailerFromEnv(deps.env);
  const db = deps.openDb();
  try {
    const site = await siteOf(db, values.site, deps);
    const recipients = await listRecipients(db, site.id);
    if (action === 'list') {
      const settings = await readReportSettings(db, site.id);
      const since = (s: number | null) => (s === null ? 'off' : `on since ${day(s)}`);
      deps.stdout(`weekly\t${since(settings.weeklySince)}`);
      deps.stdout(`monthly\t${since(settings.monthlySince)}`);
      deps.stdout(`signed by\t${(await readSitePrivacy(db, site.id)).operator ?? '(no operator name set)'}${settings.logo ? ', with a logo' : ''}`);
      deps.stdout(`mail\t${mailer ? `through ${new URL(deps.env.TELLER_SMTP_URL!).host}` : 'not configured (TELLER_SMTP_URL is unset)'}`);
      if (recipients.length === 0) deps.stdout(`${site.domain} has no recipients; the owner adds them in the dashboard's site settings.`);
      for (const r of recipients) {
        const who = r.userId === null ? 'outside address' : r.email === '' ? `user ${r.userId} (removed)` : 'user';
        deps.stdout(`${r.email || '-'}\t${r.lang}\t${who}\t${r.unsubscribedAt === null ? 'subscribed' : `unsubscribed ${day(r.unsubscribedAt)}`}`);
      }
      return;
    }
    if (!mailer) throw deps.commandError('no mail is configured: set TELLER_SMTP_URL (smtp://user:password@host:587) and TELLER_MAIL_FROM');
    const nowSec = Math.floor(deps.now() / 1000);
    const period = lastWholePeriod(kind, nowSec, site.timezone);
    const origin = await reportOrigin(db, parsePublicUrl(deps.env.TELLER_PUBLIC_URL), site.id);
    // A listed recipient gets their own unsubscribe link, as from the scheduler; anyone else none.
    const listed = recipients.find((r) => r.email === to);
    const link = listed && origin ? unsubscribeUrl(origin, await unsubscribeToken(await unsubscribeKey(db), listed.id)) : null;
    const content = await readContent({ db }, site, period, nowSec);
    await mailer.send(reportMessage(to, await renderFor(db, content, lang, origin, link), link));
    deps.stdout(`Sent the ${kind === 'week' ? 'weekly' : 'monthly'} report of ${site.domain} for ${period.firstDay} to ${period.lastDay} to ${to}.`);
  } finally {
    db.close();
  }
}
