/**
 * `teller site proxy-secret <domain> [--rotate | --revoke]`: makes, replaces or removes the
 * secret with which the site's own origin (the WordPress plugin) forwards events to Teller
 * and names each visitor's address (core/proxy-secret.ts). The secret is printed once.
 * @module
 */
import { parseArgs } from 'node:util';
import { createProxySecret, proxySecretCreatedAt, revokeProxySecret } from '../core/proxy-secret.ts';
import { findSite, parseDomain, unknownSiteMessage } from '../core/sites.ts';
import type { SqliteDb } from './sqlite-db.ts';

export const PROXY_SECRET_USAGE = 'usage: site proxy-secret <domain> [--rotate | --revoke]';

export interface ProxySecretCliDeps {
  openDb: () => SqliteDb;
  usageError: (message: string) => Error;
  commandError: (message: string) => Error;
  stdout: (line: string) => void;
}

const day = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);

export async function proxySecretCommand(args: string[], deps: ProxySecretCliDeps): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { rotate: { type: 'boolean' }, revoke: { type: 'boolean' } } });
  if (positionals.length !== 1 || (values.rotate && values.revoke)) throw deps.usageError(PROXY_SECRET_USAGE);
  const domain = parseDomain(positionals[0]!);
  if (domain === null) throw deps.usageError(`"${positionals[0]}" is not a valid domain`);
  const db = deps.openDb();
  try {
    const site = await findSite(db, domain);
    if (!site) throw deps.commandError(unknownSiteMessage(domain));
    if (values.revoke) {
      if (!(await revokeProxySecret(db, site.id))) throw deps.commandError(`${site.domain} has no proxy secret`);
      deps.stdout(`Proxy secret of ${site.domain} revoked: events forwarded with it now count the proxy's own address.`);
      return;
    }
    const since = await proxySecretCreatedAt(db, site.id);
    if (since !== null && !values.rotate) {
      throw deps.commandError(`${site.domain} already has a proxy secret (made ${day(since)}): --rotate replaces it, --revoke removes it`);
    }
    const secret = await createProxySecret(db, site.id, Date.now());
    deps.stdout(`${since === null ? 'Proxy secret' : 'New proxy secret (the old one no longer works)'} for ${site.domain} (shown once, paste it into the site's Teller plugin):`);
    deps.stdout(secret);
  } finally {
    db.close();
  }
}
