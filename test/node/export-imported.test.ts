/**
 * An export after an import carries the imported days: a site's export imported into a
 * fresh site, and that site exported again, gives the same aggregate files line for line
 * (its raw events file is empty: imported history is daily aggregates, not events). Own
 * days after the import follow the imported ones in the same files.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMaintenance } from '../../server/core/maintenance.ts';
import type { Site } from '../../server/core/sites.ts';
import { parseCsv, unzip } from '../helpers/privacy-zip.ts';
import { addSite, insertVisitWithEvents } from '../core/query/store.ts';
import { startStatsServer, type StatsServer } from './stats-server.ts';

const ADMIN = 'export-imported-admin-token-0123456789abcdef';
const RANGE = ['2024-02-01', '2024-02-29'] as const;
let server: StatsServer;
let original: Site;
let copy: Site;

const at = (iso: string) => Date.parse(iso) / 1000;

function seed(site: Site, days: string[], first: number): void {
  const kinds = [
    { source: 'Google', referrer: 'google.com', channel: 'Organic Search', browser: 'Firefox', browser_version: '133.0', os: 'Windows', os_version: '10', device: 'Desktop', country: 'NO', region: 'NO-03' },
    { source: 'Newsletter', utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'spring', channel: 'Email', browser: 'Safari', browser_version: '17.5', os: 'iOS', os_version: '17.5', device: 'Mobile', country: 'SE' },
    { channel: 'Direct', browser: 'Chrome', browser_version: '131.0', os: 'Mac', os_version: '10.15', device: 'Laptop', country: null },
  ];
  let visitor = first;
  days.forEach((day, d) =>
    kinds.forEach((kind, k) => {
      for (let n = 0; n <= (d + k) % 3; n++) {
        const start = at(`${day}T${String(8 + n).padStart(2, '0')}:1${k}:00Z`);
        const events: Array<Record<string, unknown>> = [{ ts: start, path: '/', hostname: 'shop.example' }];
        if ((d + n) % 2 === 0) events.push({ ts: start + 40 + 10 * k, path: `/item/${k}`, hostname: 'shop.example' });
        if (k === 1) events.push({ ts: start + 70, name: 'Outbound Link: Click', path: '/', hostname: 'shop.example', props: { url: `https://out.example/${n}` } });
        insertVisitWithEvents(server.db, site.id, { visitor: visitor++, ...kind }, events as never);
      }
    }),
  );
}

async function exportOf(domain: string, from: string, to: string): Promise<Map<string, string>> {
  const res = await fetch(`${server.url}/api/v1/sites/${domain}/export?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return unzip(new Uint8Array(await res.arrayBuffer()));
}

const aggregates = (files: Map<string, string>) => new Map([...files].filter(([name]) => !name.startsWith('events_')));

beforeAll(async () => {
  server = await startStatsServer(ADMIN, Date.parse('2024-03-05T15:00:00Z'));
  original = await addSite(server.db, 'shop.example', 'Europe/Oslo');
  copy = await addSite(server.db, 'copy.example', 'Europe/Oslo');
  // In one transaction: the server's maintenance pass never sees a closed day half written.
  server.db.raw.transaction(() => seed(original, ['2024-02-03', '2024-02-10', '2024-02-20', '2024-02-28'], 1))();
  for (let i = 0; i < 10 && (await runMaintenance(server.db, server.now.ms, { maxDaysPerSite: 100 })).daysRolledUp > 0; i++);
  const exported = await fetch(`${server.url}/api/v1/sites/${original.domain}/export?from=${RANGE[0]}&to=${RANGE[1]}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(exported.status).toBe(200);
  const zip = new Uint8Array(await exported.arrayBuffer());
  expect(unzip(zip).size).toBeGreaterThan(5);
  const res = await fetch(`${server.url}/api/v1/sites/${copy.domain}/imports/plausible?file_name=shop.zip`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/zip' },
    body: zip,
  });
  expect(res.status, await res.clone().text()).toBe(201);
});

afterAll(async () => {
  await server.close();
});

it("exports the imported days: the copy's aggregate files equal the original's, line for line", async () => {
  const before = aggregates(await exportOf(original.domain, ...RANGE));
  const after = await exportOf(copy.domain, ...RANGE);
  expect([...aggregates(after).keys()]).toEqual([...before.keys()]);
  for (const [name, text] of before) expect(aggregates(after).get(name), name).toBe(text);
  expect(parseCsv(after.get('events_20240201_20240229.csv')!).rows).toEqual([]);
});

it('starts an export without dates at the first imported day, and puts own days after the imported ones', async () => {
  server.db.raw.transaction(() => seed(copy, ['2024-03-02'], 1000))();
  for (let i = 0; i < 10 && (await runMaintenance(server.db, server.now.ms, { maxDaysPerSite: 100 })).daysRolledUp > 0; i++);
  const res = await fetch(`${server.url}/api/v1/sites/${copy.domain}/export`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  const files = unzip(new Uint8Array(await res.arrayBuffer()));
  const visitors = [...files].find(([name]) => name.startsWith('imported_visitors_'))!;
  expect(visitors[0]).toBe('imported_visitors_20240203_20240305.csv');
  expect(parseCsv(visitors[1]).rows.map((r) => r.date)).toEqual(['2024-02-03', '2024-02-10', '2024-02-20', '2024-02-28', '2024-03-02']);
});
