/**
 * The location lookup's CPU per event on the realistic mix, every event looked up (as before
 * issue 25's fifth session) against one lookup per visitor (core/ingest/visitor-location.ts),
 * alternated in rounds in this process. A visitor is numbered by its address and user agent,
 * as the visitor hash tells them apart within a day.
 * Usage: tsx bench/ingest-location.ts [events, default 240000]
 */
import { rememberedLocations } from '../server/core/ingest/visitor-location.ts';
import { geoipLocationLookup } from '../server/node/geo.ts';
import { median } from './ingest.ts';
import { realisticRequests } from './traffic.ts';

const ROUND = 20_000;

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

export function runIngestLocationBench(count = 240_000): string {
  const lookup = geoipLocationLookup();
  const visitors = new Map<string, number>();
  const events = realisticRequests(count).map((r) => {
    const key = `${r.ip}\n${r.userAgent}`;
    let visitor = visitors.get(key);
    if (visitor === undefined) visitors.set(key, (visitor = visitors.size));
    return { visitor, ip: r.ip };
  });
  let lookups = 0;
  const remembered = rememberedLocations((ip, belowCountry) => {
    lookups += 1;
    return lookup(ip, belowCountry);
  });
  const each: number[] = [];
  const once: number[] = [];
  for (let i = 0; i < events.length; i += ROUND) {
    const round = events.slice(i, i + ROUND);
    let t = cpuNow();
    for (const e of round) lookup(e.ip, true);
    each.push((cpuNow() - t) / round.length);
    t = cpuNow();
    for (const e of round) remembered(e.visitor, e.ip, true);
    once.push((cpuNow() - t) / round.length);
  }
  const us = (list: number[]) => list.map((v) => v.toFixed(2)).join(', ');
  // The first round warms the JIT and the page cache up.
  const text = [
    `| location lookup, µs of CPU per event | median | each round |`,
    `|---|---:|---|`,
    `| every event looked up | ${median(each.slice(1)).toFixed(2)} | ${us(each)} |`,
    `| once per visitor | ${median(once.slice(1)).toFixed(2)} | ${us(once)} |`,
    '',
    `${count.toLocaleString('en')} events of the realistic mix, ${visitors.size.toLocaleString('en')} visitors, ${(lookups / count).toFixed(3)} lookups per event once per visitor.`,
  ].join('\n');
  console.log(text);
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runIngestLocationBench(process.argv[2] ? Number(process.argv[2]) : undefined);
}
