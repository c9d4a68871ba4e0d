import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientAddress, formatIp, ipInCidr, isLoopbackIp, isPublicIp, parseCidr, parseIp, truncateIp } from '../../server/core/ingest/ip.ts';

const ip = (s: string) => {
  const p = parseIp(s);
  if (!p) throw new Error(`unparsable ${s}`);
  return p;
};

describe('parseIp', () => {
  it('parses IPv4 and IPv6 and canonicalises', () => {
    expect(formatIp(ip('81.167.1.25'))).toBe('81.167.1.25');
    expect(formatIp(ip('2001:0DB8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
    expect(formatIp(ip('::'))).toBe('::');
    expect(formatIp(ip('fe80::1%eth0'))).toBe('fe80::1');
    expect(formatIp(ip('1:0:0:2:0:0:0:3'))).toBe('1:0:0:2::3');
  });
  it('treats IPv4-mapped IPv6 as IPv4', () => {
    const p = ip('::ffff:81.167.1.25');
    expect(p.version).toBe(4);
    expect(formatIp(p)).toBe('81.167.1.25');
    expect(formatIp(ip('::ffff:5152:0119'))).toBe('81.82.1.25');
  });
  it('rejects garbage', () => {
    for (const bad of ['', 'abc', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', '1::2::3', '1:2:3:4:5:6:7:8:9', 'gggg::', '::1.2.3', ' ', '1.2.3.4/24', 'x'.repeat(100)]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
  it('never throws and round-trips what it accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (s) => {
        const p = parseIp(s);
        if (p) {
          accepted++;
          expect(parseIp(formatIp(p))).toEqual(p);
        }
      }),
      { numRuns: 5000 },
    );
    // Most generated addresses are valid: the round trip was really exercised.
    expect(accepted).toBeGreaterThan(1000);
  });
});

describe('truncateIp', () => {
  it('cuts IPv4 to /24 and IPv6 to /48', () => {
    expect(truncateIp(ip('81.167.1.25'))).toBe('81.167.1.0');
    expect(truncateIp(ip('2a02:2121:348:ab12:1:2:3:4'))).toBe('2a02:2121:348::');
    expect(truncateIp(ip('::ffff:10.20.30.40'))).toBe('10.20.30.0');
  });
  it('keeps no bits beyond the prefix, for any address', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (s) => {
        const p = ip(s);
        const t = ip(truncateIp(p));
        const keep = p.version === 4 ? 3 : 6;
        expect(Array.from(t.bytes.slice(0, keep))).toEqual(Array.from(p.bytes.slice(0, keep)));
        expect(t.bytes.slice(keep).every((b) => b === 0)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ranges', () => {
  it('matches CIDR ranges', () => {
    const net = parseCidr('192.168.0.0/16')!;
    expect(ipInCidr(ip('192.168.44.1'), net)).toBe(true);
    expect(ipInCidr(ip('192.169.0.1'), net)).toBe(false);
    expect(ipInCidr(ip('2001:db8::1'), parseCidr('2001:db8::/32')!)).toBe(true);
    expect(ipInCidr(ip('2001:db9::1'), parseCidr('2001:db8::/32')!)).toBe(false);
    expect(ipInCidr(ip('8.8.8.8'), parseCidr('8.8.8.8')!)).toBe(true);
    expect(ipInCidr(ip('10.1.2.3'), parseCidr('::ffff:10.0.0.0/104')!)).toBe(true);
    for (const bad of ['10.0.0.0/33', '10.0.0.0/x', 'nope/8', '1.2.3.4/8/9']) expect(parseCidr(bad), bad).toBeNull();
  });
  it('agrees with a bit-by-bit comparison for any address and prefix', () => {
    const bits = (b: Uint8Array) => Array.from(b, (x) => x.toString(2).padStart(8, '0')).join('');
    fc.assert(
      fc.property(fc.oneof(fc.tuple(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 })), fc.tuple(fc.ipV6(), fc.ipV6(), fc.integer({ min: 0, max: 128 }))), ([net, other, prefix]) => {
        // An IPv4-mapped IPv6 network with a prefix under 96 names no IPv4 range.
        const cidr = parseCidr(`${net}/${prefix}`);
        fc.pre(cidr !== null && cidr.version === ip(net).version);
        expect(ipInCidr(ip(net), cidr)).toBe(true);
        const o = ip(other);
        const expected = o.version === cidr.version && bits(o.bytes).slice(0, cidr.prefix) === bits(ip(net).bytes).slice(0, cidr.prefix);
        expect(ipInCidr(o, cidr)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('knows private and loopback ranges', () => {
    for (const s of ['10.0.0.1', '127.0.0.1', '192.168.1.1', '172.16.5.4', '::1', 'fd00::1', 'fe80::1', '100.64.1.1']) expect(isPublicIp(ip(s)), s).toBe(false);
    for (const s of ['81.167.1.25', '8.8.8.8', '2a02:2121::1']) expect(isPublicIp(ip(s)), s).toBe(true);
    expect(isLoopbackIp(ip('127.0.0.1'))).toBe(true);
    expect(isLoopbackIp(ip('::1'))).toBe(true);
    expect(isLoopbackIp(ip('::ffff:127.0.0.1'))).toBe(true);
    expect(isLoopbackIp(ip('10.0.0.1'))).toBe(false);
  });
});

describe('clientAddress', () => {
  it('uses the socket address unless proxies are trusted', () => {
    expect(clientAddress('127.0.0.1', '81.167.1.25', 0)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', null, 1)).toBe('127.0.0.1');
  });
  it('counts trusted hops from the right of X-Forwarded-For', () => {
    expect(clientAddress('127.0.0.1', '81.167.1.25', 1)).toBe('81.167.1.25');
    expect(clientAddress('127.0.0.1', '6.6.6.6, 81.167.1.25', 1)).toBe('81.167.1.25');
    expect(clientAddress('127.0.0.1', '6.6.6.6, 81.167.1.25, 10.0.0.2', 2)).toBe('81.167.1.25');
    expect(clientAddress('127.0.0.1', '81.167.1.25', 3)).toBe('81.167.1.25');
    expect(clientAddress('127.0.0.1', '[2001:db8::1]:443', 1)).toBe('2001:db8::1');
    expect(clientAddress('127.0.0.1', '81.167.1.25:5555', 1)).toBe('81.167.1.25');
  });
});
