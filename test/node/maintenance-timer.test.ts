import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessedEvent } from '../../server/core/ingest/event.ts';
import { createSite } from '../../server/core/sites.ts';
import { recordEventStatements } from '../../server/core/store/record-event.ts';
import { tempDb } from '../helpers/db.ts';
import { MemoryLog } from '../helpers/server.ts';
import { startServer } from '../../server/node/server.ts';
import { visitAttributes } from '../helpers/visit-attributes.ts';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const DAY = 86_400;

function pageview(siteId: number, ts: number, visitor: number): ProcessedEvent {
  return {
    siteId, ts, kind: 'pageview', name: 'pageview', visitor, hostname: 'example.com', path: '/', siteSearch: null, props: [], revenue: null,
    visit: visitAttributes({
      channel: 'Direct', country: 'NO', browser: 'Firefox', browserVersion: '133.0', os: 'Windows', osVersion: '10',
      device: 'Desktop', ip: '84.208.20.0',
    }),
  };
}

describe('maintenance on the Node server', () => {
  let cleanup = async () => {};
  afterEach(() => cleanup());

  it('works off a backlog of closed days at start, a day at a time, while serving', async () => {
    const t = tempDb();
    const siteId = (await createSite(t.db, { domain: 'example.com' }, NOW)).id;
    for (let d = 1; d <= 6; d++) await t.db.batch(recordEventStatements(pageview(siteId, NOW / 1000 - d * DAY, d)));
    t.db.close();
    const log = new MemoryLog();
    const server = await startServer({ dbPath: t.path, port: 0, clock: () => NOW, log });
    cleanup = async () => {
      await server.close();
      t.cleanup();
    };

    let through: string | null = null;
    for (let i = 0; i < 100 && through !== '2026-11-23'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      through = (await server.db.first<{ days_through: string }>('SELECT days_through FROM rollup_state WHERE site_id = ?', [siteId]))?.days_through ?? null;
    }
    expect(through).toBe('2026-11-23');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const rolled = await server.db.first<{ visitors: number }>("SELECT sum(visitors) AS visitors FROM rollup_visits WHERE site_id = ? AND dimension = ''", [siteId]);
    expect(rolled?.visitors).toBe(6);
    await expect.poll(() => log.lines.some((l) => /maintenance: \d+ salts deleted, \d+ days rolled up/.test(l))).toBe(true);
  });

  it('runs again every maintenanceIntervalMs on the ingest thread, at the server’s clock', async () => {
    const t = tempDb();
    const siteId = (await createSite(t.db, { domain: 'example.com' }, NOW)).id;
    t.db.close();
    const now = { ms: NOW };
    const server = await startServer({ dbPath: t.path, port: 0, clock: () => now.ms, log: new MemoryLog(), maintenanceIntervalMs: 50 });
    cleanup = async () => {
      await server.close();
      t.cleanup();
    };
    const daysThrough = async () => (await server.db.first<{ days_through: string }>('SELECT days_through FROM rollup_state WHERE site_id = ?', [siteId]))?.days_through ?? null;

    // Today, as the server's clock has it, is not closed: nothing to roll up yet.
    await server.db.batch(recordEventStatements(pageview(siteId, NOW / 1000, 1)));
    await server.db.batch(recordEventStatements(pageview(siteId, NOW / 1000 + DAY, 2)));
    await server.db.batch(recordEventStatements(pageview(siteId, NOW / 1000 + DAY, 3)));
    // Two days later by that clock, the timer's next passes roll both days up.
    now.ms = NOW + 2 * DAY * 1000;
    await expect.poll(daysThrough, { timeout: 10_000 }).toBe('2026-11-25');
    const rolled = await server.db.all<{ day: string; visitors: number }>("SELECT day, visitors FROM rollup_visits WHERE site_id = ? AND dimension = '' ORDER BY day", [siteId]);
    expect(rolled).toEqual([
      { day: '2026-11-24', visitors: 1 },
      { day: '2026-11-25', visitors: 2 },
    ]);
  });
});
