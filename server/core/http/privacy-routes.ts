/**
 * Privacy and data rights over HTTP, for the admin token (so Workers deployments, which
 * have no CLI, have them too): the generated privacy text, the operator and the confirmed
 * property names it names, purge, and the streamed export. A site token with the `privacy`
 * scope may read its own site's privacy text (site-scopes.ts).
 * @module
 */
import { Hono, type Context } from 'hono';
import { requestOrigin } from '../auth/request-origin.ts';
import type { AppDeps } from './app-deps.ts';
import { FORMATS, type Format } from '../privacy/document.ts';
import { readPrivacyFacts } from '../privacy/facts.ts';
import { LANGS, type Lang } from '../privacy/phrases.ts';
import { exportEntries, resolveExportRange } from '../privacy/export.ts';
import { purgeDayProblem, purgeSite } from '../privacy/purge.ts';
import { zipStream } from '../zip.ts';
import { operatorProblem, parsePrivacyProps, privacyPropsJson, setOperator, setPrivacyProps } from '../privacy/site-privacy.ts';
import { privacyText } from '../privacy/policy-text.ts';
import { findSite, unknownSiteMessage, type Site } from '../sites.ts';
import { badRequest, unauthorized } from './api-auth.ts';
import { mayCallSiteRoute } from './site-scopes.ts';
import { readBody } from './body.ts';

export type PrivacyDeps = Pick<AppDeps, 'db' | 'readDb' | 'config' | 'clock' | 'log'>;

const CONTENT_TYPES: Record<Format, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

/**
 * Statements one purge request runs at most: Workers allows an invocation only so many D1
 * queries (50 on the free plan), so a large purge is finished over several requests.
 */
export const PURGE_STATEMENTS_PER_REQUEST = 40;

/** A JSON object of a few short fields fits in far less. */
const MAX_BODY_BYTES = 4 * 1024;
/** The longest list of confirmed property names (50 names of 300 characters, escaped) fits. */
const MAX_PROPS_BODY_BYTES = 64 * 1024;

function notFound(c: Context, domain: string): Response {
  return c.json({ error: unknownSiteMessage(domain) }, 404);
}

/** The JSON object body, or an error message naming what is wrong with it. */
async function jsonObject(c: Context, maxBytes = MAX_BODY_BYTES): Promise<Record<string, unknown> | string> {
  const read = await readBody(c, maxBytes);
  if ('tooLarge' in read) return `the body must be at most ${maxBytes} bytes`;
  try {
    const value: unknown = JSON.parse(read.text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Answered below, the same as a JSON value that is not an object.
  }
  return 'the body must be a JSON object';
}

/** The site the route's `:domain` names, found once by the middleware. */
type PrivacyEnv = { Variables: { site: Site } };

export function privacyRoutes(deps: PrivacyDeps): Hono<PrivacyEnv> {
  const app = new Hono<PrivacyEnv>();

  app.use('/api/v1/sites/:domain/*', async (c, next) => {
    if (!(await mayCallSiteRoute(deps, c))) return unauthorized(c);
    const domain = c.req.param('domain');
    const site = await findSite(deps.db, domain);
    if (!site) return notFound(c, domain);
    c.set('site', site);
    return next();
  });

  app.get('/api/v1/sites/:domain/privacy-text', async (c) => {
    const lang = c.req.query('lang') ?? 'en';
    const format = c.req.query('format') ?? 'md';
    if (!LANGS.includes(lang as Lang)) return badRequest(c, `lang: must be one of ${LANGS.join(', ')}, got "${lang}"`);
    if (!FORMATS.includes(format as Format)) return badRequest(c, `format: must be one of ${FORMATS.join(', ')}, got "${format}"`);
    // As the visitor's browser must load the widget: behind a TLS proxy that is https.
    const facts = await readPrivacyFacts(deps.db, c.get('site'), deps.config.ipStorage, requestOrigin(deps, c));
    return c.body(privacyText(facts, lang as Lang, format as Format), 200, {
      'content-type': CONTENT_TYPES[format as Format],
      // The HTML is for pasting into a page, not for running here.
      'content-security-policy': "default-src 'none'; sandbox",
      'x-content-type-options': 'nosniff',
    });
  });

  app.put('/api/v1/sites/:domain/operator', async (c) => {
    const body = await jsonObject(c);
    if (typeof body === 'string') return badRequest(c, body);
    if (typeof body.operator !== 'string') return badRequest(c, 'operator: must be a string (empty to clear it)');
    const problem = operatorProblem(body.operator);
    if (problem) return badRequest(c, problem);
    return c.json({ operator: await setOperator(deps.db, c.get('site').id, body.operator) });
  });

  // The names the text may list, and those received but not (yet) confirmed, for the owner to choose from.
  app.get('/api/v1/sites/:domain/privacy-props', async (c) => c.json(await privacyPropsJson(deps.db, c.get('site').id)));

  app.put('/api/v1/sites/:domain/privacy-props', async (c) => {
    const body = await jsonObject(c, MAX_PROPS_BODY_BYTES);
    if (typeof body === 'string') return badRequest(c, body);
    const names = parsePrivacyProps(body.confirmed);
    if ('problem' in names) return badRequest(c, `confirmed: ${names.problem}`);
    const site = c.get('site');
    await setPrivacyProps(deps.db, site.id, names);
    return c.json(await privacyPropsJson(deps.db, site.id));
  });

  app.post('/api/v1/sites/:domain/purge', async (c) => {
    const body = await jsonObject(c);
    if (typeof body === 'string') return badRequest(c, body);
    if (typeof body.before !== 'string') return badRequest(c, 'before: required, a date written YYYY-MM-DD');
    const site = c.get('site');
    const problem = purgeDayProblem(body.before, site, Math.floor(deps.clock() / 1000));
    if (problem) return badRequest(c, problem);
    const result = await purgeSite(deps.db, site, body.before, { maxStatements: PURGE_STATEMENTS_PER_REQUEST });
    deps.log.info(`purge of ${site.domain} before ${body.before}: ${result.rawRowsDeleted} raw rows deleted${result.done ? '' : ', more to do'}`);
    return c.json({ purged_before: result.purgedBefore, raw_rows_deleted: result.rawRowsDeleted, done: result.done });
  });

  app.get('/api/v1/sites/:domain/export', async (c) => {
    const site = c.get('site');
    // Every day of the site is read: on the reader thread where there is one (Node).
    const readDb = deps.readDb ?? deps.db;
    const range = await resolveExportRange(readDb, site, { from: c.req.query('from'), to: c.req.query('to') }, Math.floor(deps.clock() / 1000));
    if ('error' in range) return badRequest(c, range.error);
    const body = zipStream(exportEntries(readDb, site, range), new Date(deps.clock()));
    return new Response(body, {
      headers: {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="teller-${site.domain}-${range.from}-${range.to}.zip"`,
        'cache-control': 'no-store',
      },
    });
  });

  return app;
}
