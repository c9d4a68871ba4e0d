/**
 * IP addresses: parsing, truncation, ranges. The only code that handles a full address;
 * what leaves it for storage is `truncateIp`'s output.
 * @module
 */

export type IpVersion = 4 | 6;

/** An address as 4 bytes (IPv4, including IPv4-mapped IPv6) or 16 bytes (IPv6). */
export interface ParsedIp {
  version: IpVersion;
  bytes: Uint8Array;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    // Leading zeros are rejected: some stacks read them as octal, so they are ambiguous.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  let s = text;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  let tail: Uint8Array | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    tail = parseIpv4(s.slice(lastColon + 1));
    if (!tail) return null;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const toGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const groups = h.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = toGroups(halves[0]!);
  const rest = halves.length === 2 ? toGroups(halves[1]!) : [];
  if (!head || !rest) return null;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  if (tail) bytes.set(tail, 12);
  return bytes;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes IPv4. Null for garbage. */
export function parseIp(text: string): ParsedIp | null {
  const s = text.trim();
  if (s.length === 0 || s.length > 64) return null;
  if (!s.includes(':')) {
    const v4 = parseIpv4(s);
    return v4 ? { version: 4, bytes: v4 } : null;
  }
  const v6 = parseIpv6(s);
  if (!v6) return null;
  return isV4Mapped(v6) ? { version: 4, bytes: v6.slice(12) } : { version: 6, bytes: v6 };
}

export function formatIp(ip: ParsedIp): string {
  const b = ip.bytes;
  if (ip.version === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  // RFC 5952: compress the longest run (of two or more) of zero groups.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = bytes.slice();
  for (let bit = prefix; bit < out.length * 8; bit++) out[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return out;
}

/** The address with IPv4 cut to its /24 and IPv6 to its /48: what may be stored. */
export function truncateIp(ip: ParsedIp): string {
  return formatIp({ version: ip.version, bytes: maskBytes(ip.bytes, ip.version === 4 ? 24 : 48) });
}

export interface Cidr {
  version: IpVersion;
  bytes: Uint8Array;
  prefix: number;
}

/** Parses `a.b.c.d/n`, `x::/n` or a single address (a full-length prefix); null if invalid. */
export function parseCidr(text: string): Cidr | null {
  const [addr, len, extra] = text.trim().split('/');
  if (extra !== undefined || addr === undefined) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const max = ip.version === 4 ? 32 : 128;
  let prefix = max;
  if (len !== undefined) {
    if (!/^\d{1,3}$/.test(len)) return null;
    prefix = Number(len);
    // A mapped-IPv4 range like ::ffff:10.0.0.0/104 is an IPv4 range /8.
    if (ip.version === 4 && addr.includes(':')) prefix -= 96;
    if (prefix < 0 || prefix > max) return null;
  }
  return { version: ip.version, bytes: maskBytes(ip.bytes, prefix), prefix };
}

/** Compares the prefix in place: it runs for every range of every event, so it allocates nothing. */
export function ipInCidr(ip: ParsedIp, cidr: Cidr): boolean {
  if (ip.version !== cidr.version) return false;
  const whole = cidr.prefix >> 3;
  for (let i = 0; i < whole; i++) if (ip.bytes[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip.bytes[whole]! & mask) === cidr.bytes[whole];
}

const NON_PUBLIC = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24',
  '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1/128', '64:ff9b:1::/48', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'ff00::/8',
].map((c) => parseCidr(c)!);

/** Private, loopback, link-local, documentation and multicast ranges have no country. */
export function isPublicIp(ip: ParsedIp): boolean {
  return !NON_PUBLIC.some((c) => ipInCidr(ip, c));
}

export function isLoopbackIp(ip: ParsedIp): boolean {
  return ip.version === 4 ? ip.bytes[0] === 127 : ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

/** Strips a port and IPv6 brackets from a forwarded address (`[::1]:443`, `1.2.3.4:80`). */
function stripPort(text: string): string {
  const s = text.trim();
  if (s.startsWith('[')) return s.slice(1, s.indexOf(']') === -1 ? undefined : s.indexOf(']'));
  return /^\d+\.\d+\.\d+\.\d+:\d+$/.test(s) ? s.slice(0, s.lastIndexOf(':')) : s;
}

/**
 * The client's address: the socket peer, or with `trustProxy` hops, the entry that many
 * places from the right of X-Forwarded-For (the proxies' own additions are the rightmost).
 */
export function clientAddress(remote: string | null, forwardedFor: string | null, trustProxy: number): string | null {
  if (trustProxy <= 0 || !forwardedFor) return remote;
  const hops = forwardedFor.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (hops.length === 0) return remote;
  const index = Math.max(0, hops.length - trustProxy);
  return stripPort(hops[index]!);
}
