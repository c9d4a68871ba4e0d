/**
 * `npm run teller -- <command>`: manage sites, owners and tokens in the database at
 * TELLER_DB (./data/teller.db). Safe to run while the server is serving (WAL).
 * @module
 */
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { createSite, listSites, normalizeHostname, parseDomain, removeSite, SiteError, findSite, unknownSiteMessage, updateSite, type Site } from '../core/sites.ts';
import { parseSiteSettings, SettingsError, type SettingNames, type SiteSettings } from '../core/site-settings.ts';
import { resetSite } from '../core/site-reset.ts';
import { listTokens, revokeToken } from '../core/token-registry.ts';
import { createToken, DEFAULT_SCOPES, parseScopes } from '../core/tokens.ts';
import { endSessionsOf } from '../core/auth/sessions.ts';
import { resetTwoFactor, twoFactorRequired, usersWithTwoFactor } from '../core/auth/two-factor.ts';
import { createUser, findUserByEmail, grantedSiteIds, listUsers, setPassword, UserError } from '../core/users.ts';
import { hostnamePattern } from '../core/ingest/exclusions.ts';
import { migrate } from './migrate.ts';
import { DatabaseFileError, openSqlite, type SqliteDb } from './sqlite-db.ts';
import { ConfigError, parseConfig, parsePublicUrl } from '../core/config.ts';
import { FORMATS, type Format } from '../core/privacy/document.ts';
import { readPrivacyFacts } from '../core/privacy/facts.ts';
import { LANGS, type Lang } from '../core/privacy/phrases.ts';
import { operatorProblem, parsePrivacyProps, privacyPropsJson, readPrivacyProps, readSitePrivacy, setOperator, setPrivacyProps } from '../core/privacy/site-privacy.ts';
import { privacyText } from '../core/privacy/policy-text.ts';
import { purgeDayProblem, purgeSite } from '../core/privacy/purge.ts';
import { exportEntries, resolveExportRange } from '../core/privacy/export.ts';
import { zipStream } from '../core/zip.ts';
import { importPlausibleCommand } from './import-plausible-cli.ts';
import { importWpStatisticsCommand, WP_STATISTICS_USAGE } from './import-wp-statistics-cli.ts';
import { proxySecretCommand } from './proxy-secret-cli.ts';
import { sitesWithProxySecret } from '../core/proxy-secret.ts';
import { deleteImport, listImports } from '../core/imports/store.ts';
import { GOAL_USAGE, goalCommand } from './goal-cli.ts';
import { FUNNEL_USAGE, funnelCommand } from './funnel-cli.ts';
import { REPORT_USAGE, reportCommand } from './report-cli.ts';

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Reads one line from the user (a confirmation or a password); null when there is none. */
  prompt: (question: string) => Promise<string | null>;
  env: Record<string, string | undefined>;
  /** True when a person is at a terminal to answer a confirmation. */
  interactive?: boolean;
}

class UsageError extends Error {}
/** A command that cannot do what was asked; said in one line, exit 1. */
class CommandError extends Error {}

const USAGE = `Usage: npm run teller -- <command>

  site add <domain> [--timezone <IANA zone>]     add a site (timezone defaults to Etc/UTC)
  site list                                      list sites
  site set <domain> [options]                    change a site's settings:
      --timezone <zone>  --ip-storage truncated|none|default  --retention-days <n>|forever
      --exclude-ip <cidr> (repeatable)  --exclude-path </pattern> (repeatable)
      --allow-host <host> (repeatable)  --search-params <a,b,c>  --clear-exclusions
      --location country|region|city  how precisely visitors' location is stored (default region)
      Each list option replaces that list: name every entry in one command. --allow-host
      counts only the hosts listed (the site's own domain too only if you list it); hosts
      are stored without "www." as pages are (www.example.com counts as example.com), and
      --allow-host "" clears the list (every host counts again).
      --operator "<who runs this server>" (named in the privacy text; "" clears it)
      --privacy-prop <name> (repeatable) the custom property names the privacy text lists;
      names received but not given here are left out of it (--privacy-prop "" lists none)
  site remove <domain> [--yes]                   delete a site and ALL of its data
  site proxy-secret <domain> [--rotate | --revoke]
                                                 make (print once), replace or remove the secret of the site's
                                                 first-party proxy (WordPress plugin), which may name visitors' addresses
  site reset <domain> [--yes]                    delete ALL statistics of a site, today's included; keeps the
                                                 site, its settings, tokens, viewers, shared links and annotations
  user add <email>                               add a dashboard owner (password from TELLER_PASSWORD or stdin)
  user password <email>                          set a user's password (TELLER_PASSWORD or stdin) and end their sessions
  user list                                      list users, their role, the sites a viewer may read and two-factor login
  user reset-2fa <email>                         turn off a user's two-factor login (phone and recovery codes lost) and end
                                                 their sessions; they log in with the password and set it up again
  token create --site <domain> [--scope <list>] | --admin
                                                 print a new token (shown once, last line): a site token
                                                 with scopes from stats,privacy,share,proxy,import
                                                 (default stats), or an admin token for everything
  token list                                     list tokens by id and prefix, with their site and last use
  token revoke <id | prefix>                     delete a token (a leaked one stops working at once)
  backup <file> [--force]                        copy the database to <file> while it runs (--force replaces an existing file)
  privacy-text --site <domain> --lang nb|en [--format md|html|txt] [--url <https://teller-host>]
                                                 print the analytics paragraph of the site's privacy policy
  purge --site <domain> --before <YYYY-MM-DD> [--yes]
                                                 delete ALL of the site's data before that site-local day (asks to confirm)
  export --site <domain> [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] <file.zip>
                                                 write the site's data as CSV files (Plausible's layout) in a ZIP
  import plausible --site <domain> [--refuse-overlap] <export.zip | folder>
                                                 import a Plausible CSV export (or Teller's own); days Teller
                                                 counted itself are left out (--refuse-overlap: refused)
  import list --site <domain>                    list the site's imports of past statistics (id, kind, file, days, rows)
  import delete --site <domain> <id> [--yes]     delete one import and exactly its rows (asks to confirm)
${WP_STATISTICS_USAGE}
${GOAL_USAGE}
${FUNNEL_USAGE}
${REPORT_USAGE}

Database: TELLER_DB (default ./data/teller.db)`;

function openDb(env: CliIo['env']): SqliteDb {
  const db = openSqlite(env.TELLER_DB ?? './data/teller.db');
  migrate(db.raw);
  return db;
}

function requireDomain(value: string | undefined, what = 'domain'): string {
  if (!value) throw new UsageError(`missing ${what}`);
  const domain = parseDomain(value);
  if (!domain) throw new UsageError(`"${value}" is not a valid domain`);
  return domain;
}

/** The options of `site set` as the validator's messages name them. */
const OPTION_NAMES: SettingNames = {
  timezone: '--timezone',
  ipStorage: '--ip-storage',
  retentionDays: '--retention-days',
  excludedIps: '--exclude-ip',
  excludedPaths: '--exclude-path',
  allowedHostnames: '--allow-host',
  searchParams: '--search-params',
  locationPrecision: '--location',
};

/** A number typed as text, so the validator judges it; any other text is left for it to refuse. */
const wholeNumber = (text: string): number | string => (/^-?\d+$/.test(text) ? Number(text) : text);

/** The settings `site set` was given, in the API's form, checked by the validator the dashboard uses. */
function siteSettings(values: Record<string, string | boolean | string[] | undefined>): SiteSettings {
  const given: Record<string, unknown> = {};
  if (typeof values.timezone === 'string') given.timezone = values.timezone;
  const ipStorage = values['ip-storage'];
  if (typeof ipStorage === 'string') given.ipStorage = ipStorage === 'default' ? null : ipStorage;
  const retention = values['retention-days'];
  if (typeof retention === 'string') given.retentionDays = retention === 'forever' ? null : wholeNumber(retention);
  const lists = { excludedIps: 'exclude-ip', excludedPaths: 'exclude-path', allowedHostnames: 'allow-host' } as const;
  for (const [field, option] of Object.entries(lists)) if (Array.isArray(values[option])) given[field] = values[option];
  if (typeof values['search-params'] === 'string') given.searchParams = values['search-params'].split(',');
  if (typeof values.location === 'string') given.locationPrecision = values.location;
  try {
    return parseSiteSettings(given, OPTION_NAMES);
  } catch (e) {
    if (e instanceof SettingsError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * `--retention-days -3` would make parseArgs take `-3` for an option and answer with a
 * puzzle; joined as `--retention-days=-3`, the value reaches the check that explains it.
 */
function joinNegativeValues(args: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if (args[i]!.startsWith('--') && !args[i]!.includes('=') && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${args[i]}=${next}`);
      i++;
    } else joined.push(args[i]!);
  }
  return joined;
}

async function siteCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(args),
    allowPositionals: true,
    options: {
      timezone: { type: 'string' },
      yes: { type: 'boolean' },
      'ip-storage': { type: 'string' },
      'retention-days': { type: 'string' },
      'exclude-ip': { type: 'string', multiple: true },
      'exclude-path': { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
      'search-params': { type: 'string' },
      location: { type: 'string' },
      'clear-exclusions': { type: 'boolean' },
      operator: { type: 'string' },
      'privacy-prop': { type: 'string', multiple: true },
    },
  });
  const [action, domainArg, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (action === 'list') {
    const db = openDb(io.env);
    try {
      const sites = await listSites(db);
      const proxied = await sitesWithProxySecret(db);
      if (sites.length === 0) io.stdout('No sites yet. Add one with: npm run teller -- site add example.com');
      for (const s of sites) io.stdout(`${s.domain}\t${s.timezone}\tlocation: ${s.locationPrecision}\tproxy secret: ${proxied.has(s.id) ? 'yes' : 'no'}`);
    } finally {
      db.close();
    }
    return;
  }
  if (action !== 'add' && action !== 'remove' && action !== 'reset' && action !== 'set') throw new UsageError(`unknown site command "${action ?? ''}"`);
  const domain = requireDomain(domainArg);
  const db = openDb(io.env);
  try {
    if (action === 'add') {
      const site = await createSite(db, { domain, timezone: values.timezone }, Date.now());
      io.stdout(`Added ${site.domain} (timezone ${site.timezone}). Embed:`);
      io.stdout(`<script defer data-domain="${site.domain}" src="https://YOUR-TELLER-HOST/script.js"></script>`);
    } else if (action === 'set') {
      const settings = siteSettings(values);
      if (values['clear-exclusions']) {
        settings.excludedIps ??= [];
        settings.excludedPaths ??= [];
        settings.allowedHostnames ??= [];
      }
      if (values.operator !== undefined) {
        const problem = operatorProblem(values.operator);
        if (problem) throw new UsageError(`--${problem}`);
      }
      const privacyProps = values['privacy-prop'] === undefined ? undefined : parsePrivacyProps(values['privacy-prop']);
      if (privacyProps !== undefined && 'problem' in privacyProps) throw new UsageError(`--privacy-prop: ${privacyProps.problem}`);
      const site = await updateSite(db, domain, settings);
      if (settings.allowedHostnames && site.allowedHostnames.length > 0 && !site.allowedHostnames.some((h) => hostnamePattern(h)(site.domain))) {
        io.stderr(`Note: ${site.domain} itself is not in --allow-host, so its own pages are no longer counted. Add "--allow-host ${site.domain}" to count them.`);
      }
      const www = (values['allow-host'] ?? []).filter((h) => /^(\*\.)?www\./i.test(h.trim()));
      if (www.length > 0) io.stderr(`Note: pages are counted under their hostname without "www." (www.example.com counts as example.com), so ${www.join(', ')} is stored as ${www.map(normalizeHostname).join(', ')}.`);
      if (values.operator !== undefined) await setOperator(db, site.id, values.operator);
      if (privacyProps !== undefined) {
        await setPrivacyProps(db, site.id, privacyProps);
        // The owner's terminal, not the text: what else arrived, so a name the site sends is not missed.
        const { unconfirmed } = await privacyPropsJson(db, site.id);
        if (unconfirmed.length > 0) io.stderr(`Note: received with events but not in the privacy text: ${unconfirmed.join(', ')}`);
      }
      // Every stored setting, the ones this command left alone too, so nothing reads as cleared.
      const shown = { ...site, operator: (await readSitePrivacy(db, site.id)).operator, privacyProps: await readPrivacyProps(db, site.id) };
      io.stdout(JSON.stringify(shown, null, 2));
    } else if (action === 'reset') {
      const site = await findSite(db, domain);
      if (!site) throw unknownSite(domain);
      if (!values.yes) await confirmDomain(io, domain, `Delete ALL statistics of ${domain}, today's included (the site and its settings stay)?`);
      const result = await resetSite(db, site, Math.floor(Date.now() / 1000));
      io.stdout(`Reset ${domain}: ${plural(result.events, 'event')} and ${plural(result.visits, 'visit')} deleted, with their rollups. It counts anew from now.`);
    } else {
      if (!(await findSite(db, domain))) throw unknownSite(domain);
      if (!values.yes) await confirmDomain(io, domain, `Delete ${domain} and ALL of its data?`);
      await removeSite(db, domain);
      io.stdout(`Removed ${domain} and all of its data.`);
    }
  } finally {
    db.close();
  }
}

/** Asks the person at the terminal to type the domain; exits 1 unless they do. */
async function confirmDomain(io: CliIo, domain: string, question: string): Promise<void> {
  const answer = await io.prompt(`${question} Type the domain to confirm: `);
  if (answer?.trim().toLowerCase() === domain) return;
  io.stderr(answer === null ? 'Not confirmed (no terminal to ask at); nothing deleted. Pass --yes to confirm.' : 'Not confirmed; nothing deleted.');
  throw new CliExit(1);
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function unknownSite(domain: string): SiteError {
  return new SiteError(unknownSiteMessage(domain));
}

async function userCommand(args: string[], io: CliIo): Promise<void> {
  const [action, email, ...extra] = args;
  if (action === 'list' && email === undefined) return userList(io);
  if (action === 'reset-2fa') return userResetTwoFactor(email, extra, io);
  if (action !== 'add' && action !== 'password') throw new UsageError(`unknown user command "${action ?? ''}"`);
  if (!email) throw new UsageError('missing e-mail address');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const password = io.env.TELLER_PASSWORD ?? (await io.prompt(action === 'add' ? 'Password: ' : 'New password: '));
  if (!password) throw new UsageError('no password: set TELLER_PASSWORD or type it on stdin');
  const db = openDb(io.env);
  try {
    if (action === 'add') {
      await createUser(db, email, password, Date.now());
      io.stdout(`Added user ${email.trim().toLowerCase()}.`);
      return;
    }
    // The way back in for an owner who forgot the password: whoever runs this has the database already.
    const user = await findUserByEmail(db, email);
    if (!user) throw new CommandError(`no user ${email.trim().toLowerCase()}; see: npm run teller -- user list`);
    await setPassword(db, user.id, password);
    const ended = await endSessionsOf(db, user.id, null);
    io.stdout(`Changed the password of ${user.email}; ${ended} session${ended === 1 ? '' : 's'} ended.`);
  } finally {
    db.close();
  }
}

/**
 * The way back in for someone who lost both phone and recovery codes, the only owner
 * included: whoever runs this has the database already.
 */
async function userResetTwoFactor(email: string | undefined, extra: string[], io: CliIo): Promise<void> {
  if (!email) throw new UsageError('missing e-mail address');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const db = openDb(io.env);
  try {
    const user = await findUserByEmail(db, email);
    if (!user) throw new CommandError(`no user ${email.trim().toLowerCase()}; see: npm run teller -- user list`);
    const had = await resetTwoFactor(db, user.id);
    const next = (await twoFactorRequired(db)) ? 'they set it up again right after their password (it is required)' : 'they log in with the password alone until they set it up again';
    io.stdout(had ? `Turned off two-factor login of ${user.email} and ended their sessions: ${next}.` : `${user.email} had no two-factor login; nothing changed.`);
  } finally {
    db.close();
  }
}

async function userList(io: CliIo): Promise<void> {
  const db = openDb(io.env);
  try {
    const users = await listUsers(db);
    const domains = new Map((await listSites(db)).map((s) => [s.id, s.domain]));
    if (users.length === 0) io.stdout('No users yet. Open the dashboard to create the owner, or: npm run teller -- user add you@example.com');
    const twoFactor = await usersWithTwoFactor(db);
    for (const u of users) {
      const sites = u.role === 'owner' ? 'all sites' : (await grantedSiteIds(db, u.id)).map((id) => domains.get(id) ?? `#${id}`).join(', ') || 'no sites';
      io.stdout(`${u.email}\t${u.role}\t${sites}${twoFactor.has(u.id) ? '\t2fa' : ''}`);
    }
  } finally {
    db.close();
  }
}

async function tokenCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { site: { type: 'string' }, admin: { type: 'boolean' }, scope: { type: 'string', multiple: true } } });
  if (positionals[0] === 'list' && positionals.length === 1) return tokenList(io);
  if (positionals[0] === 'revoke') {
    if (positionals.length !== 2) throw new UsageError('usage: token revoke <id | prefix>');
    return tokenRevoke(positionals[1]!, io);
  }
  if (positionals[0] !== 'create' || positionals.length > 1) throw new UsageError('usage: token create --site <domain> [--scope stats,privacy,share,proxy,import] | --admin, token list, token revoke <id | prefix>');
  if (Boolean(values.site) === Boolean(values.admin)) throw new UsageError('token create needs exactly one of --site <domain> or --admin');
  if (values.admin && values.scope) throw new UsageError('an admin token may do everything: --scope is for --site tokens');
  // `--scope stats,privacy` and `--scope stats --scope privacy` alike.
  const scopes = values.scope ? parseScopes(values.scope.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) : { scopes: [...DEFAULT_SCOPES] };
  if ('problem' in scopes) throw new UsageError(`--scope: ${scopes.problem}`);
  const db = openDb(io.env);
  try {
    let site: Site | null = null;
    if (values.site) {
      site = await findSite(db, requireDomain(values.site));
      if (!site) throw unknownSite(values.site);
    }
    const token = await createToken(db, { siteId: site?.id ?? null, scopes: scopes.scopes }, Date.now());
    io.stdout(site === null ? 'Admin token (all sites; shown once, store it safely):' : `Site token for ${site.domain}, scopes ${scopes.scopes.join(',')} (shown once):`);
    io.stdout(token);
  } finally {
    db.close();
  }
}

const day = (unixSeconds: number | null) => (unixSeconds === null ? 'never' : new Date(unixSeconds * 1000).toISOString().slice(0, 10));

async function tokenList(io: CliIo): Promise<void> {
  const db = openDb(io.env);
  try {
    const tokens = await listTokens(db);
    if (tokens.length === 0) io.stdout('No tokens. Make one with: npm run teller -- token create --site example.com');
    else io.stdout('id\tprefix\treads\tcreated\tlast used\tscopes');
    for (const t of tokens) io.stdout(`${t.id}\t${t.prefix ?? '(older token)'}\t${t.site ?? 'all sites (admin)'}\t${day(t.createdAt)}\t${day(t.lastUsedAt)}\t${t.scopes.join(',')}`);
  } finally {
    db.close();
  }
}

async function tokenRevoke(key: string, io: CliIo): Promise<void> {
  const db = openDb(io.env);
  try {
    const result = await revokeToken(db, key);
    if ('problem' in result) throw new CommandError(result.problem);
    const t = result.revoked;
    io.stdout(`Revoked token ${t.id} (${t.prefix ?? 'older token'}, ${t.site ?? 'all sites'}); it no longer works.`);
  } finally {
    db.close();
  }
}

async function backupCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { force: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('usage: backup <file> [--force]');
  const folder = dirname(resolve(file));
  if (!existsSync(folder)) throw new CommandError(`the folder ${folder} does not exist; create it first`);
  if (existsSync(file) && !values.force) throw new CommandError(`${file} already exists; choose a new name, or pass --force to replace it`);
  const db = openDb(io.env);
  try {
    // Written beside the target and renamed over it at the end: an interrupted backup
    // never leaves a half copy under the name, nor destroys the file --force replaces.
    const partial = `${file}.partial`;
    rmSync(partial, { force: true });
    await db.raw.backup(partial);
    renameSync(partial, file);
    io.stdout(`Backed up to ${file}.`);
  } finally {
    db.close();
  }
}

/** Where the opt-out widget is served in the text when `--url` is not given. */
const PLACEHOLDER_URL = 'https://YOUR-TELLER-HOST';

async function privacyTextCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { site: { type: 'string' }, lang: { type: 'string' }, format: { type: 'string' }, url: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const domain = requireDomain(values.site, '--site <domain>');
  const lang = values.lang;
  const format = values.format ?? 'md';
  if (!LANGS.includes(lang as Lang)) throw new UsageError(`--lang must be one of ${LANGS.join(', ')}`);
  if (!FORMATS.includes(format as Format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const publicOrigin = parsePublicUrl(io.env.TELLER_PUBLIC_URL);
  let origin = publicOrigin ?? PLACEHOLDER_URL;
  if (values.url !== undefined) {
    const url = URL.canParse(values.url) ? new URL(values.url) : null;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new UsageError('--url must be an http(s) address, such as https://stats.example.com');
    origin = url.origin;
  }
  const ipStorage = parseConfig({ TELLER_IP_STORAGE: io.env.TELLER_IP_STORAGE }).ipStorage;
  const db = openDb(io.env);
  try {
    const site = await findSite(db, domain);
    if (!site) throw unknownSite(domain);
    const facts = await readPrivacyFacts(db, site, ipStorage, origin);
    io.stdout(privacyText(facts, lang as Lang, format as Format).trimEnd());
    if (values.url === undefined && publicOrigin === null) io.stderr(`teller: pass --url <your Teller address> to replace ${PLACEHOLDER_URL} in the opt-out widget.`);
  } finally {
    db.close();
  }
}

async function purgeCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { site: { type: 'string' }, before: { type: 'string' }, yes: { type: 'boolean' } },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const domain = requireDomain(values.site, '--site <domain>');
  if (values.before === undefined) throw new UsageError('missing --before <YYYY-MM-DD>');
  const db = openDb(io.env);
  try {
    const site = await findSite(db, domain);
    if (!site) throw unknownSite(domain);
    const problem = purgeDayProblem(values.before, site, Math.floor(Date.now() / 1000));
    if (problem) throw new UsageError(`--${problem}`);
    if (!values.yes) await confirmDomain(io, domain, `Delete ALL data of ${domain} before ${values.before} (${site.timezone})?`);
    const result = await purgeSite(db, site, values.before);
    io.stdout(`Purged ${domain} before ${result.purgedBefore}: ${result.rawRowsDeleted} raw events and visits deleted, with their rollups.`);
  } finally {
    db.close();
  }
}

async function exportCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { site: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('usage: export --site <domain> [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] <file.zip>');
  const domain = requireDomain(values.site, '--site <domain>');
  const db = openDb(io.env);
  try {
    const site = await findSite(db, domain);
    if (!site) throw unknownSite(domain);
    const range = await resolveExportRange(db, site, { from: values.from, to: values.to }, Math.floor(Date.now() / 1000));
    if ('error' in range) throw new UsageError(`--${range.error}`);
    const zip = zipStream(exportEntries(db, site, range), new Date());
    try {
      await pipeline(Readable.fromWeb(zip as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(file));
    } catch (error) {
      rmSync(file, { force: true });
      throw error;
    }
    io.stdout(`Exported ${domain} from ${range.from} to ${range.to} to ${file}.`);
  } finally {
    db.close();
  }
}

async function importCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { site: { type: 'string' }, yes: { type: 'boolean' } } });
  const [action, ...rest] = positionals;
  if (action !== 'list' && action !== 'delete') throw new UsageError(`unknown import command "${action ?? ''}"`);
  const domain = requireDomain(values.site, '--site <domain>');
  if (action === 'list' && rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (action === 'delete' && (rest.length !== 1 || !/^[1-9]\d{0,15}$/.test(rest[0]!))) throw new UsageError('usage: import delete --site <domain> <id> (the id import list shows)');
  const db = openDb(io.env);
  try {
    const site = await findSite(db, domain);
    if (!site) throw unknownSite(domain);
    const imports = await listImports(db, site.id);
    if (action === 'list') {
      if (imports.length === 0) io.stdout(`${domain} has no imports.`);
      for (const i of imports) {
        const span = i.firstDay === null ? 'no days yet' : `${i.firstDay} to ${i.lastDay}`;
        io.stdout(`${i.id}\t${i.kind}\t${i.fileName}\t${span}\t${plural(i.days, 'day')}, ${plural(i.rows, 'row')}\t${i.status}\t${new Date(i.createdAt * 1000).toISOString()} by ${i.createdBy}`);
        if (i.note) io.stdout(`\t${i.note}`);
      }
      return;
    }
    const id = Number(rest[0]);
    const found = imports.find((i) => i.id === id);
    if (!found) throw new CommandError(`${domain} has no import ${id}; "import list --site ${domain}" shows its imports`);
    if (!values.yes) await confirmDomain(io, domain, `Delete import ${id} of ${domain} (${found.fileName}, ${plural(found.rows, 'row')})?`);
    await deleteImport(db, site.id, id, Math.floor(Date.now() / 1000));
    io.stdout(`Deleted import ${id} of ${domain} and its ${plural(found.rows, 'row')}.`);
  } finally {
    db.close();
  }
}

class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Runs one command; returns the process exit code (0 ok, 1 failed, 2 bad usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [group, ...rest] = argv;
  try {
    if (group === 'site' && rest[0] === 'proxy-secret') await proxySecretCommand(rest.slice(1), { openDb: () => openDb(io.env), usageError: (m) => new UsageError(m), commandError: (m) => new CommandError(m), stdout: io.stdout });
    else if (group === 'site') await siteCommand(rest, io);
    else if (group === 'user') await userCommand(rest, io);
    else if (group === 'token') await tokenCommand(rest, io);
    else if (group === 'backup') await backupCommand(rest, io);
    else if (group === 'privacy-text') await privacyTextCommand(rest, io);
    else if (group === 'purge') await purgeCommand(rest, io);
    else if (group === 'export') await exportCommand(rest, io);
    else if (group === 'import' && rest[0] === 'plausible') return await importPlausibleCommand(rest.slice(1), io, () => openDb(io.env));
    else if (group === 'import' && rest[0] === 'wp-statistics') await importWpStatisticsCommand(rest.slice(1), { openDb: () => openDb(io.env), usageError: (m) => new UsageError(m), commandError: (m) => new CommandError(m), stdout: io.stdout });
    else if (group === 'import') await importCommand(rest, io);
    else if (group === 'goal') await goalCommand(rest, { openDb: () => openDb(io.env), usageError: (m) => new UsageError(m), commandError: (m) => new CommandError(m), stdout: io.stdout });
    else if (group === 'report') await reportCommand(rest, { openDb: () => openDb(io.env), usageError: (m) => new UsageError(m), commandError: (m) => new CommandError(m), stdout: io.stdout, env: io.env, now: Date.now });
    else if (group === 'funnel') await funnelCommand(rest, { openDb: () => openDb(io.env), usageError: (m) => new UsageError(m), commandError: (m) => new CommandError(m), stdout: io.stdout });
    else if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
      io.stdout(USAGE);
      return group === undefined ? 2 : 0;
    } else throw new UsageError(`unknown command "${group}"`);
    return 0;
  } catch (error) {
    if (error instanceof CliExit) return error.code;
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`teller: ${error.message}`);
      io.stderr('Run "npm run teller -- help" for usage.');
      return 2;
    }
    if (error instanceof SiteError || error instanceof UserError || error instanceof ConfigError || error instanceof CommandError || error instanceof DatabaseFileError) {
      io.stderr(`teller: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function promptLine(question: string): Promise<string | null> {
  const rl = createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stderr : undefined, terminal: false });
  try {
    if (process.stdin.isTTY) process.stderr.write(question);
    const line = await Promise.race([rl.question(''), new Promise<null>((resolve) => rl.once('close', () => resolve(null)))]);
    return line;
  } finally {
    rl.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // A database or backup this command creates is private to its user, as the server's are.
  process.umask(0o077);
  runCli(process.argv.slice(2), {
    stdout: (l) => console.log(l),
    stderr: (l) => console.error(l),
    prompt: promptLine,
    env: process.env,
    interactive: Boolean(process.stdin.isTTY),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
