/**
 * A site's exclusions: IP ranges, path patterns, and the hostnames it accepts events from.
 * Compiled once per settings value, since they are checked for every event.
 * @module
 */
import { normalizeHostname, type Site } from '../sites.ts';
import { type Cidr, type ParsedIp, ipInCidr, parseCidr } from './ip.ts';

export interface Exclusions {
  ipExcluded(ip: ParsedIp): boolean;
  pathExcluded(path: string): boolean;
  hostnameAllowed(hostname: string): boolean;
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** Plausible-style path pattern: `*` matches within one segment, `**` across segments. */
export function pathPattern(glob: string): RegExp {
  const source = glob
    .trim()
    .split('**')
    .map((part) => part.split('*').map(escapeRegex).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

/** `example.com` matches itself; `*.example.com` matches its subdomains. */
export function hostnamePattern(pattern: string): (hostname: string) => boolean {
  const p = normalizeHostname(pattern);
  if (p.startsWith('*.')) {
    const suffix = p.slice(1);
    return (h) => h.endsWith(suffix) || h === p.slice(2);
  }
  return (h) => h === p;
}

export function compileExclusions(site: Pick<Site, 'excludedIps' | 'excludedPaths' | 'allowedHostnames'>): Exclusions {
  const cidrs = site.excludedIps.map(parseCidr).filter((c): c is Cidr => c !== null);
  const paths = site.excludedPaths.filter((p) => p.trim() !== '').map(pathPattern);
  const hosts = site.allowedHostnames.filter((h) => h.trim() !== '').map(hostnamePattern);
  return {
    ipExcluded: (ip) => cidrs.some((c) => ipInCidr(ip, c)),
    pathExcluded: (path) => paths.some((re) => re.test(path)),
    hostnameAllowed: (hostname) => hosts.length === 0 || hosts.some((m) => m(hostname)),
  };
}
