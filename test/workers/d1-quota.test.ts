/**
 * What one event costs in D1's metered units (rows written and rows read), measured by
 * workerd's local D1 on the very statements the Worker sends (recordEventStatements, one
 * batch per event), on a table that already holds a few thousand visits. The deploy
 * guide's traffic figures (docs/deploy-workers.md) come from these numbers; the budgets
 * below fail when a schema or SQL change makes ingest dearer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessedEvent } from '../../server/core/ingest/event.ts';
import { recordEventStatements } from '../../server/core/store/record-event.ts';
import { type TellerWorker, startWorker } from './harness.ts';
import { visitAttributes } from '../helpers/visit-attributes.ts';

let worker: TellerWorker;
let bytesPerVisit = 0;
const T0 = 1_710_000_000;
const SEEDED = 3000;

function event(visitor: number, ts: number, kind: ProcessedEvent['kind'], props: Array<[string, string]> = []): ProcessedEvent {
  return {
    siteId: 1, ts, kind, name: kind === 'custom' ? 'Signup' : kind, visitor, hostname: 'example.com', path: '/pricing', siteSearch: null, props, revenue: null,
    visit: visitAttributes({
      referrer: 'google.com', source: 'Google', channel: 'Organic Search', searchEngine: 'Google', country: 'NO',
      browser: 'Firefox', browserVersion: '133', os: 'Windows', osVersion: '10', device: 'Desktop', ip: '84.208.20.0',
    }),
  };
}

/** Runs one event's batch as the Worker does and returns what D1 metered for it. */
async function cost(e: ProcessedEvent): Promise<{ written: number; read: number }> {
  const results = await worker.db.batch(recordEventStatements(e).map((s) => worker.db.prepare(s.sql).bind(...s.params)));
  return results.reduce((sum, r) => ({ written: sum.written + (r.meta.rows_written ?? 0), read: sum.read + (r.meta.rows_read ?? 0) }), { written: 0, read: 0 });
}

beforeAll(async () => {
  worker = await startWorker();
  await worker.db.prepare("INSERT INTO sites (id, domain, created_at) VALUES (1, 'example.com', 0)").run();
  // Earlier traffic: 3,000 one-page visits like the ones measured below, so reads that
  // scanned instead of using an index would show, and the bytes they take can be measured.
  const before = await worker.db.prepare('SELECT 1').run();
  const seeded = await worker.db.batch([
    worker.db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SEEDED})
      INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, entry_page, exit_page, hostname, referrer, source, channel,
        search_engine, country, browser, browser_version, os, os_version, device, ip)
      SELECT 1, 1000000 + i * 7919, ? - 7200 + i, ? - 7200 + i, 1, '/pricing', '/pricing', 'example.com', 'google.com', 'Google', 'Organic Search',
        'Google', 'NO', 'Firefox', '133', 'Windows', '10', 'Desktop', '84.208.' || (i % 256) || '.0' FROM n`).bind(T0, T0),
    worker.db.prepare(`INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path)
      SELECT site_id, id, visitor, started_at, 'pageview', 'example.com', '/pricing' FROM visits`),
  ]);
  bytesPerVisit = ((seeded.at(-1)!.meta.size_after ?? 0) - (before.meta.size_after ?? 0)) / SEEDED;
});
afterAll(() => worker?.close());

describe('D1 rows metered per event', () => {
  it('stays within budget for a new visit, a further pageview, a custom event with props and an engagement', async () => {
    const first = await cost(event(7, T0, 'pageview'));
    const second = await cost(event(7, T0 + 30, 'pageview'));
    const custom = await cost(event(7, T0 + 40, 'custom', [['plan', 'pro'], ['seats', '3']]));
    const engagement = await cost(event(7, T0 + 50, 'engagement'));
    console.log(`D1 storage: ${Math.round(bytesPerVisit)} bytes per one-page visit (visit, event and their index entries)`);
    console.log(`D1 rows per event (written/read): first pageview ${first.written}/${first.read}, further pageview ${second.written}/${second.read}, custom event with 2 props ${custom.written}/${custom.read}, engagement ${engagement.written}/${engagement.read}`);
    const visit = await worker.db.prepare('SELECT pageviews, events FROM visits WHERE visitor = 7').all();
    expect(visit.results).toEqual([{ pageviews: 2, events: 1 }]);
    // Table rows plus index entries; see docs/deploy-workers.md for the arithmetic.
    expect(first.written).toBeLessThanOrEqual(9);
    expect(second.written).toBeLessThanOrEqual(7);
    expect(custom.written).toBeLessThanOrEqual(11);
    expect(engagement.written).toBeLessThanOrEqual(2);
    // Two lookups of the open visit through its index (the upsert and the event), whatever the table holds.
    for (const c of [first, second, custom, engagement]) expect(c.read).toBeLessThanOrEqual(3);
    expect(bytesPerVisit).toBeGreaterThan(0);
    expect(bytesPerVisit).toBeLessThan(1024);
  });
});
