/**
 * The Cloudflare Workers runtime: the shared Hono app over D1, the visitor's location from
 * `request.cf` (country, region, city), the address from `CF-Connecting-IP`, one D1 batch per event, and
 * maintenance (salt deletion, rollups, retention) in the cron trigger rather than on writes.
 * Static files (the tracker, the opt-out widget) are served by Workers static assets
 * before this code runs; see wrangler.toml.
 * @module
 */
import type { Hono } from 'hono';
import { canonicalScriptPath } from '../../tracker/variants.mjs';
import { ConfigError, parseConfig, SHORT_ADMIN_TOKEN } from '../core/config.ts';
import { checkAlerts } from '../core/alerts/check.ts';
import { createApp } from '../core/http/app.ts';
import { type MaintenanceOptions, runMaintenance } from '../core/maintenance.ts';
import { createFairShare } from '../core/query/fair-share.ts';
import type { Logger } from '../core/ports.ts';
import type { AppDeps } from '../core/http/app-deps.ts';
import { asDashboardPreload, type DashboardPreload, PRELOAD_FILE } from '../core/dashboard-api/preload.ts';
import { createIngest } from '../core/ingest/ingest.ts';
import { DirectWriter } from '../core/writer/direct.ts';
import { sendDueReports } from '../core/reports/schedule.ts';
import { d1Db } from './d1-db.ts';
import { sendEmailMailer } from './email-mailer.ts';
import { cfConnectingIp, cfLocation } from './request.ts';

/** Bindings from wrangler.toml, plus `[vars]` and secrets (`wrangler secret put`). */
export interface Env {
  DB: D1Database;
  /** Static assets binding, present when wrangler.toml has `[assets] binding = "ASSETS"`. */
  ASSETS?: Fetcher;
  TELLER_ADMIN_TOKEN?: string;
  TELLER_IP_STORAGE?: string;
  TELLER_MAX_BODY_BYTES?: string;
  TELLER_EVENT_RATE_LIMIT?: string;
  TELLER_QUERY_RATE_LIMIT?: string;
  TELLER_QUERY_QUEUE_LIMIT?: string;
  /** The origin browsers use (a custom domain in front of the worker); default: the request's own. */
  TELLER_PUBLIC_URL?: string;
  /** The first-run setup code (a secret); default: derived from TELLER_ADMIN_TOKEN, told by GET /api/v1/setup-code. */
  TELLER_SETUP_CODE?: string;
  /** Outgoing mail for reports and alerts: a `send_email` binding (Cloudflare Email Service), see docs/deploy-workers.md. */
  EMAIL?: SendEmail;
  /** The sender of that mail, an address on a domain set up for sending: `Name <reports@example.com>`. */
  TELLER_MAIL_FROM?: string;
  /** `off` stops building pair rollups (about 7 rows written per event): see docs/deploy-workers.md#pair-rollups. */
  TELLER_PAIR_ROLLUPS?: string;
}

/**
 * One cron run stays well inside the Free plan's 50 D1 queries per invocation for a few
 * sites (a goal-day, or a day of Top Pages' rows, is one batch); a backlog of days is worked off over the following runs.
 */
export const CRON_MAINTENANCE: MaintenanceOptions = { maxDaysPerSite: 3, maxGoalDaysPerSite: 8, maxPageviewDaysPerSite: 8, maxPurgePerSite: 20_000, pairRollups: true };

/**
 * The alerts' own cron (wrangler.toml): every 15 minutes, so "tracking is back" and a
 * retried webhook come soon, and with D1 queries of their own apart from maintenance's.
 */
const ALERTS_CRON = '*/15 * * * *';

/**
 * The cron's maintenance options. Pair rollups are on unless `TELLER_PAIR_ROLLUPS=off`: they
 * double a day's rows written, which a Free-plan deployment near its daily write quota may
 * rather spend on events. Days already built keep answering; new days read raw rows.
 */
export function cronMaintenance(env: Pick<Env, 'TELLER_PAIR_ROLLUPS'>): MaintenanceOptions {
  const setting = env.TELLER_PAIR_ROLLUPS?.trim().toLowerCase() || 'on';
  if (setting !== 'on' && setting !== 'off') log.error(`teller: TELLER_PAIR_ROLLUPS must be "on" or "off", got "${env.TELLER_PAIR_ROLLUPS}": pair rollups stay on`);
  return { ...CRON_MAINTENANCE, pairRollups: setting !== 'off' };
}

const log: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

type Built = { app: Hono; deps: AppDeps } | { error: string };

/**
 * The dashboard's preload list (dashboard/build.mjs) from the static assets, read once per
 * isolate when its first page is answered; without the binding or the file, pages name none.
 */
export function assetsPreload(assets: Fetcher | undefined): () => Promise<DashboardPreload | undefined> {
  let list: Promise<DashboardPreload | undefined> | undefined;
  const read = async (): Promise<DashboardPreload | undefined> => {
    if (!assets) return undefined;
    try {
      const res = await assets.fetch(`https://assets.invalid/${PRELOAD_FILE}`);
      return res.ok ? asDashboardPreload(await res.json()) : undefined;
    } catch {
      return undefined;
    }
  };
  return () => (list ??= read());
}

/** The mailer of the `EMAIL` binding; none without it, or without a sender to send as (said once per isolate). */
function mailerOf(env: Env): AppDeps['mailer'] {
  if (!env.EMAIL) return undefined;
  const from = env.TELLER_MAIL_FROM?.trim();
  if (!from) {
    log.error('teller: the EMAIL binding is set but TELLER_MAIL_FROM is not: no mail is sent until it names the sender');
    return undefined;
  }
  return sendEmailMailer(env.EMAIL, from);
}

/**
 * The app is built once per isolate and binding set. What it keeps between requests
 * (sites for a few seconds, salts already read) is only a cache of rows in D1, so any
 * isolate answers the same; each event is committed in its own D1 batch before the 202.
 */
const apps = new WeakMap<Env, Built>();

function build(env: Env): Built {
  try {
    // CF-Connecting-IP is set by Cloudflare's edge; X-Forwarded-For is the client's to forge.
    const config = { ...parseConfig(env as unknown as Record<string, unknown>, { shortAdminToken: 'refuse' }), trustProxy: 0 };
    // Built once per isolate, so this is said once per isolate; events are still collected.
    if (config.refusedAdminToken) log.error(`teller: ${SHORT_ADMIN_TOKEN}; it is refused, events are still collected`);
    const db = d1Db(env.DB);
    const mailer = mailerOf(env);
    const deps: AppDeps = {
      db,
      ingest: createIngest({ db, writer: new DirectWriter(db), config }),
      remoteAddress: cfConnectingIp,
      edgeLocation: cfLocation,
      // D1 takes each request as it comes, so no turns: only the bound, and per isolate, as the rate limit is.
      queryShare: createFairShare({ turns: false, perCredential: config.queryQueueLimit }),
      ...(mailer ? { mailer } : {}),
      dashboardPreload: assetsPreload(env.ASSETS),
      clock: Date.now,
      config,
      log,
    };
    return { app: createApp(deps), deps };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.error(`teller: ${error.message}`);
    return { error: error.message };
  }
}

function appFor(env: Env): Built {
  let built = apps.get(env);
  if (!built) {
    built = build(env);
    apps.set(env, built);
  }
  return built;
}

/**
 * A Plausible script name with its extensions in another order (`script.hash.outbound-links.js`)
 * has no file of its own: serve the file it stands for, as the Node server does.
 */
async function scriptAlias(request: Request, env: Env): Promise<Response | null> {
  if (!env.ASSETS || (request.method !== 'GET' && request.method !== 'HEAD')) return null;
  const url = new URL(request.url);
  const canonical = canonicalScriptPath(url.pathname);
  if (canonical === null || canonical === url.pathname) return null;
  url.pathname = canonical;
  return env.ASSETS.fetch(new Request(url, request));
}

export default {
  async fetch(request, env, ctx) {
    const built = appFor(env);
    if ('error' in built) return Response.json({ error: `Teller is misconfigured: ${built.error}` }, { status: 500 });
    return (await scriptAlias(request, env)) ?? built.app.fetch(request, env, ctx);
  },

  async scheduled(controller, env) {
    if (controller.cron === ALERTS_CRON) {
      // The app's deps carry the mailer (the send_email binding); a misconfigured app still gets webhook alerts.
      const built = appFor(env);
      const deps = 'deps' in built ? built.deps : { db: d1Db(env.DB), log, config: { publicOrigin: env.TELLER_PUBLIC_URL ?? null } };
      const alerts = await checkAlerts(deps, controller.scheduledTime);
      log.info(`alerts (${controller.cron}): ${alerts.raised} raised, ${alerts.sent} sent, ${alerts.failed} failed`);
      return;
    }
    const result = await runMaintenance(d1Db(env.DB), controller.scheduledTime, cronMaintenance(env));
    log.info(
      `maintenance (${controller.cron}): ${result.saltsDeleted} salts deleted, ${result.daysRolledUp} days rolled up, ${result.pageviewDaysBuilt} days of Top Pages rows built, ${result.rawRowsPurged} raw rows purged`,
    );
    const built = appFor(env);
    if ('deps' in built) await sendDueReports(built.deps, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
