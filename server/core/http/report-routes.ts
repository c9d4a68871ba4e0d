/**
 * Scheduled reports over HTTP: the owner's settings (which reports, recipients, the
 * operator's logo), a preview in the browser and one sent to the owner now, and the
 * recipients' one-click unsubscribe: a GET page that asks (link scanners and prefetchers
 * only GET) and a POST that unsubscribes, which is also RFC 8058's one-click request.
 * @module
 */
import { Hono, type Context } from 'hono';
import { requestOrigin } from '../auth/request-origin.ts';
import { readContent, renderFor, reportMessage } from '../reports/compose.ts';
import { type ReportKind, lastWholePeriod } from '../reports/period.ts';
import { withDataUrls, escapeHtml } from '../reports/render.ts';
import {
  findRecipient,
  listRecipients,
  parseLogo,
  parseRecipients,
  readReportSettings,
  ReportError,
  type ReportLang,
  saveReportSettings,
  setRecipients,
  siteUsers,
  unsubscribe,
} from '../reports/store.ts';
import { unsubscribeKey, verifyUnsubscribeToken } from '../reports/unsubscribe.ts';
import { listSites } from '../sites.ts';
import type { AppDeps } from './app-deps.ts';
import { fail, jsonBody, ownedSite, ownerAccess, type Outcome, readableSite } from './dashboard-access.ts';

type ReportRouteDeps = Pick<AppDeps, 'db' | 'readDb' | 'columnar' | 'config' | 'clock' | 'mailer' | 'log'>;

export const NO_MAILER = 'no mail is configured on this server: set TELLER_SMTP_URL (Node) or TELLER_MAIL_WEBHOOK (Workers), see docs/operations.md';

/** What the settings section reads. */
export interface ReportSettingsJson {
  weekly: boolean;
  monthly: boolean;
  mailConfigured: boolean;
  logo: string | null;
  operator: string | null;
  users: Array<{ id: number; email: string; role: 'owner' | 'viewer' }>;
  recipients: Array<{ id: number; userId: number | null; email: string; lang: ReportLang; unsubscribed: boolean }>;
}

async function settingsJson(deps: ReportRouteDeps, siteId: number): Promise<ReportSettingsJson> {
  const [settings, users, recipients, operator] = await Promise.all([
    readReportSettings(deps.db, siteId),
    siteUsers(deps.db, siteId),
    listRecipients(deps.db, siteId),
    deps.db.first<{ operator: string | null }>('SELECT operator FROM sites WHERE id = ?', [siteId]),
  ]);
  return {
    weekly: settings.weeklySince !== null,
    monthly: settings.monthlySince !== null,
    mailConfigured: deps.mailer !== undefined,
    logo: settings.logo ? `data:${settings.logo.contentType};base64,${settings.logo.base64}` : null,
    operator: operator?.operator ?? null,
    users,
    recipients: recipients.map((r) => ({ id: r.id, userId: r.userId, email: r.email, lang: r.lang, unsubscribed: r.unsubscribedAt !== null })),
  };
}

function previewOptions(c: Context, input: { period?: unknown; lang?: unknown }): Outcome<{ kind: ReportKind; lang: ReportLang }> {
  const kind = input.period ?? 'week';
  if (kind !== 'week' && kind !== 'month') return fail(c, 400, 'period: "week" or "month" is expected');
  const lang = input.lang ?? 'en';
  if (lang !== 'en' && lang !== 'nb') return fail(c, 400, 'lang: "nb" or "en" is expected');
  return { ok: { kind, lang } };
}

/** The unsubscribe pages: small, static, no script; a form may post only back here. */
function page(title: string, body: string, status = 200): Response {
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#18181b">${body}</body></html>`;
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'referrer-policy': 'no-referrer',
    },
  });
}

const UNSUBSCRIBE_TEXT = {
  en: { ask: 'Stop receiving the reports on {site} at {email}?', button: 'Unsubscribe', done: '{email} no longer receives the reports on {site}.', bad: 'This unsubscribe link is not valid.' },
  nb: { ask: 'Slutte å få rapportene om {site} til {email}?', button: 'Meld av', done: '{email} får ikke lenger rapportene om {site}.', bad: 'Denne avmeldingslenken er ikke gyldig.' },
} as const;

const say = (text: string, values: Record<string, string>) => escapeHtml(text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? ''));

export function reportRoutes(deps: ReportRouteDeps): Hono {
  const app = new Hono();

  app.get('/api/dashboard/sites/:domain/reports', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    return c.json(await settingsJson(deps, site.ok.id));
  });

  app.put('/api/dashboard/sites/:domain/reports', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const { weekly, monthly, recipients, logo } = body.ok;
    if (typeof weekly !== 'boolean') return fail(c, 400, 'weekly: true or false is expected').response;
    if (typeof monthly !== 'boolean') return fail(c, 400, 'monthly: true or false is expected').response;
    if (logo !== undefined && logo !== null && typeof logo !== 'string') return fail(c, 400, 'logo: a data: URL or null is expected').response;
    try {
      const userIds = new Set((await siteUsers(deps.db, site.ok.id)).map((u) => u.id));
      const list = parseRecipients(recipients, userIds);
      const parsedLogo = typeof logo === 'string' ? parseLogo(logo) : logo;
      const nowSec = Math.floor(deps.clock() / 1000);
      await saveReportSettings(deps.db, site.ok.id, { weekly, monthly, ...(parsedLogo === undefined ? {} : { logo: parsedLogo }), origin: requestOrigin(deps, c) }, nowSec);
      await setRecipients(deps.db, site.ok.id, list, nowSec);
    } catch (e) {
      if (e instanceof ReportError) return fail(c, 400, e.message).response;
      throw e;
    }
    return c.json(await settingsJson(deps, site.ok.id));
  });

  app.get('/api/dashboard/sites/:domain/reports/preview', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const options = previewOptions(c, { period: c.req.query('period'), lang: c.req.query('lang') });
    if ('response' in options) return options.response;
    const nowSec = Math.floor(deps.clock() / 1000);
    const content = await readContent(deps, site.ok, lastWholePeriod(options.ok.kind, nowSec, site.ok.timezone), nowSec);
    const rendered = await renderFor(deps.db, content, options.ok.lang, requestOrigin(deps, c), null);
    return c.body(withDataUrls(rendered), 200, {
      'content-type': 'text/html; charset=utf-8',
      // The mail's HTML as a page: inline styles and data: images, nothing that runs.
      'content-security-policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
    });
  });

  app.post('/api/dashboard/sites/:domain/reports/preview', async (c) => {
    const owner = await ownerAccess(deps, c);
    if ('response' in owner) return owner.response;
    const site = await readableSite(deps, c, owner.ok);
    if ('response' in site) return site.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const options = previewOptions(c, body.ok);
    if ('response' in options) return options.response;
    if (!deps.mailer) return fail(c, 409, NO_MAILER).response;
    const nowSec = Math.floor(deps.clock() / 1000);
    const content = await readContent(deps, site.ok, lastWholePeriod(options.ok.kind, nowSec, site.ok.timezone), nowSec);
    const rendered = await renderFor(deps.db, content, options.ok.lang, requestOrigin(deps, c), null);
    const to = owner.ok.user.email;
    try {
      await deps.mailer.send(reportMessage(to, rendered, null));
    } catch (e) {
      deps.log.error(`reports: preview to the owner failed: ${e instanceof Error ? e.message : String(e)}`);
      return c.json({ error: `the mail server refused the preview: ${e instanceof Error ? e.message : String(e)}` }, 502);
    }
    return c.json({ sentTo: to });
  });

  const recipientOf = async (token: string) => {
    const id = await verifyUnsubscribeToken(await unsubscribeKey(deps.db), token);
    const recipient = id === null ? null : await findRecipient(deps.db, id);
    const site = recipient ? (await listSites(deps.db)).find((s) => s.id === recipient.siteId) : undefined;
    return recipient && site ? { recipient, site } : null;
  };

  app.get('/reports/unsubscribe/:token', async (c) => {
    const found = await recipientOf(c.req.param('token'));
    if (!found) return page(UNSUBSCRIBE_TEXT.en.bad, `<p>${escapeHtml(UNSUBSCRIBE_TEXT.en.bad)}</p><p lang="nb">${escapeHtml(UNSUBSCRIBE_TEXT.nb.bad)}</p>`, 404);
    const t = UNSUBSCRIBE_TEXT[found.recipient.lang];
    const values = { site: found.site.domain, email: found.recipient.email };
    if (found.recipient.unsubscribedAt !== null) return page(t.button, `<p lang="${found.recipient.lang}">${say(t.done, values)}</p>`);
    return page(
      t.button,
      `<form method="post" lang="${found.recipient.lang}"><p>${say(t.ask, values)}</p><button type="submit" style="font:inherit;padding:.5rem 1rem">${escapeHtml(t.button)}</button></form>`,
    );
  });

  app.post('/reports/unsubscribe/:token', async (c) => {
    const found = await recipientOf(c.req.param('token'));
    if (!found) return page(UNSUBSCRIBE_TEXT.en.bad, `<p>${escapeHtml(UNSUBSCRIBE_TEXT.en.bad)}</p>`, 404);
    await unsubscribe(deps.db, found.recipient.id, Math.floor(deps.clock() / 1000));
    const t = UNSUBSCRIBE_TEXT[found.recipient.lang];
    return page(t.button, `<p lang="${found.recipient.lang}">${say(t.done, { site: found.site.domain, email: found.recipient.email })}</p>`);
  });

  return app;
}
