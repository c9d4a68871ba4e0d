import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventKind, ProcessedEvent } from '../../server/core/ingest/event.ts';
import { Salts, visitorHash, webCryptoHmacSha256 } from '../../server/core/ingest/visitor.ts';
import { createSite } from '../../server/core/sites.ts';
import { recordEventStatements } from '../../server/core/store/record-event.ts';
import { GroupCommitWriter } from '../../server/core/writer/group-commit.ts';
import { nodeHmacSha256 } from '../../server/node/hmac.ts';
import { tempDb } from '../helpers/db.ts';
import { visitAttributes } from '../helpers/visit-attributes.ts';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0) / 1000;

function event(siteId: number, visitor: number, ts: number, kind: EventKind, path = '/', name?: string): ProcessedEvent {
  return {
    siteId, ts, kind, visitor, name: name ?? (kind === 'pageview' ? 'pageview' : kind === 'engagement' ? 'engagement' : 'Signup'),
    hostname: 'shop.no', path, siteSearch: null, props: kind === 'custom' ? [['plan', 'pro']] : [], revenue: null,
    visit: visitAttributes({
      referrer: 'bing.com/search', source: 'Bing', channel: 'Organic Search', searchEngine: 'Bing', searchKeyword: 'ull',
      country: 'NO', browser: 'Firefox', browserVersion: '133.0', os: 'Windows', osVersion: '10', device: 'Desktop',
      ip: '81.167.1.0',
    }),
  };
}

describe('visits', () => {
  let t: ReturnType<typeof tempDb>;
  let siteId: number;
  beforeEach(async () => {
    t = tempDb();
    siteId = (await createSite(t.db, { domain: 'shop.no' }, T0 * 1000)).id;
  });
  afterEach(() => t.cleanup());

  const record = (e: ProcessedEvent) => t.db.batch(recordEventStatements(e));
  const visits = () => t.db.all<Record<string, number | string | null>>('SELECT * FROM visits ORDER BY id');

  it('groups events into one visit and tracks entry, exit, pageviews and duration', async () => {
    await record(event(siteId, 1, T0, 'pageview', '/a'));
    await record(event(siteId, 1, T0 + 60, 'pageview', '/b'));
    await record(event(siteId, 1, T0 + 90, 'custom', '/b'));
    await record(event(siteId, 1, T0 + 200, 'engagement', '/b'));
    const [v, ...rest] = await visits();
    expect(rest).toHaveLength(0);
    expect(v).toMatchObject({ entry_page: '/a', exit_page: '/b', pageviews: 2, events: 1, started_at: T0, ended_at: T0 + 200, country: 'NO', ip: '81.167.1.0' });
    const events = await t.db.all<{ name: string; visit_id: number }>('SELECT name, visit_id FROM events ORDER BY id');
    expect(events.map((e) => e.name)).toEqual(['pageview', 'pageview', 'Signup']);
    expect(new Set(events.map((e) => e.visit_id))).toEqual(new Set([v!.id]));
    expect(await t.db.all('SELECT key, value FROM event_props')).toEqual([{ key: 'plan', value: 'pro' }]);
  });

  it('starts a new visit after 30 minutes of inactivity, and per visitor', async () => {
    await record(event(siteId, 1, T0, 'pageview', '/a'));
    await record(event(siteId, 1, T0 + 1800, 'pageview', '/b'));
    await record(event(siteId, 1, T0 + 1800 + 1801, 'pageview', '/c'));
    await record(event(siteId, 2, T0 + 10, 'pageview', '/z'));
    const v = await visits();
    expect(v.map((x) => [x.visitor, x.entry_page, x.exit_page, x.pageviews])).toEqual([
      [1, '/a', '/b', 2],
      [1, '/c', '/c', 1],
      [2, '/z', '/z', 1],
    ]);
  });

  it('never lets engagement open a visit or count as a pageview or event', async () => {
    await record(event(siteId, 1, T0, 'engagement'));
    expect(await visits()).toHaveLength(0);
    await record(event(siteId, 1, T0, 'pageview', '/a'));
    await record(event(siteId, 1, T0 + 30, 'engagement'));
    expect(await visits()).toMatchObject([{ pageviews: 1, events: 0, ended_at: T0 + 30 }]);
    expect(await t.db.all('SELECT * FROM events')).toHaveLength(1);
  });

  it('fills the entry page from the first pageview when a custom event opened the visit', async () => {
    await record(event(siteId, 1, T0, 'custom', '/x'));
    await record(event(siteId, 1, T0 + 5, 'pageview', '/landing'));
    expect(await visits()).toMatchObject([{ entry_page: '/landing', exit_page: '/landing', pageviews: 1, events: 1 }]);
  });

  it('files each event of one transaction under its own visitor\'s open visit, a new one past the timeout', async () => {
    // One batch, as a group commit writes it: visitors interleaved, visitor 1 timing out and starting again within it.
    const list = [
      event(siteId, 1, T0, 'pageview', '/a'),
      event(siteId, 2, T0 + 5, 'custom', '/x'),
      event(siteId, 1, T0 + 60, 'pageview', '/b'),
      event(siteId, 2, T0 + 70, 'pageview', '/y'),
      event(siteId, 1, T0 + 60 + 1801, 'pageview', '/c'),
      event(siteId, 2, T0 + 80, 'engagement', '/y'),
      event(siteId, 1, T0 + 60 + 1801 + 10, 'custom', '/c'),
    ];
    await t.db.batch(list.flatMap(recordEventStatements));
    const v = await visits();
    expect(v.map((x) => [x.visitor, x.started_at, x.ended_at, x.entry_page, x.exit_page, x.pageviews, x.events])).toEqual([
      [1, T0, T0 + 60, '/a', '/b', 2, 0],
      [2, T0 + 5, T0 + 80, '/y', '/y', 1, 1],
      [1, T0 + 1861, T0 + 1871, '/c', '/c', 1, 1],
    ]);
    const filed = await t.db.all<{ visitor: number; path: string; visit_id: number }>('SELECT visitor, path, visit_id FROM events ORDER BY id');
    const visitIndex = new Map(v.map((x, i) => [x.id, i]));
    expect(filed.map((e) => [e.visitor, e.path, visitIndex.get(e.visit_id)])).toEqual([
      [1, '/a', 0], [2, '/x', 1], [1, '/b', 0], [2, '/y', 1], [1, '/c', 2], [1, '/c', 2],
    ]);
    const props = await t.db.all<{ event_id: number; value: string }>('SELECT event_id, value FROM event_props ORDER BY event_id');
    const customIds = (await t.db.all<{ id: number }>("SELECT id FROM events WHERE name = 'Signup' ORDER BY id")).map((e) => e.id);
    expect(props.map((p) => p.event_id)).toEqual(customIds);
  });

  it('group-commits concurrent writes, each acknowledged after commit', async () => {
    const writer = new GroupCommitWriter(t.db);
    const writes = Array.from({ length: 500 }, (_, i) => writer.write(event(siteId, i % 50, T0 + i, 'pageview', `/p${i}`)));
    await Promise.all(writes);
    expect((await t.db.first<{ n: number }>('SELECT count(*) AS n FROM events'))!.n).toBe(500);
    expect((await t.db.first<{ n: number }>('SELECT count(*) AS n FROM visits'))!.n).toBe(50);
    await writer.close();
    await expect(writer.write(event(siteId, 1, T0, 'pageview'))).rejects.toThrow(/closed/);
  });

  it('writes the group size it is given per flush and leaves the rest to the next one', async () => {
    const flushes: (() => void)[] = [];
    const writer = new GroupCommitWriter(t.db, { groupSize: (queued) => Math.min(queued, 2), schedule: (run) => flushes.push(run) });
    const settled: number[] = [];
    const writes = Array.from({ length: 5 }, (_, i) => writer.write(event(siteId, i, T0, 'pageview')).then(() => settled.push(i)));
    const count = async () => (await t.db.first<{ n: number }>('SELECT count(*) AS n FROM events'))!.n;
    const flushOnce = async () => {
      flushes.shift()!();
      await new Promise((resolve) => setTimeout(resolve, 0));
    };
    expect(flushes).toHaveLength(1);
    await flushOnce();
    expect([await count(), settled]).toEqual([2, [0, 1]]);
    await flushOnce();
    expect([await count(), settled]).toEqual([4, [0, 1, 2, 3]]);
    await flushOnce();
    await Promise.all(writes);
    expect([await count(), flushes.length]).toEqual([5, 0]);
  });

  it('fails only the bad event of a group', async () => {
    const writer = new GroupCommitWriter(t.db);
    const bad = { ...event(siteId, 1, T0, 'pageview'), hostname: null as unknown as string };
    const results = await Promise.allSettled([
      writer.write(event(siteId, 1, T0, 'pageview', '/ok1')),
      writer.write(bad),
      writer.write(event(siteId, 2, T0, 'pageview', '/ok2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await t.db.all<{ path: string }>('SELECT path FROM events ORDER BY path')).map((r) => r.path)).toEqual(['/ok1', '/ok2']);
  });
});

describe('visitor hash', () => {
  let t: ReturnType<typeof tempDb>;
  beforeEach(() => {
    t = tempDb();
  });
  afterEach(() => t.cleanup());

  const hmac = webCryptoHmacSha256();

  it('is stable within a day, differs across days, sites, IPs and user agents', async () => {
    const salts = new Salts(t.db);
    const day1 = await salts.get(1, '2026-11-24');
    const again = await new Salts(t.db).get(1, '2026-11-24');
    const day2 = await salts.get(1, '2026-11-25');
    const h = await visitorHash(hmac, day1, 1, '81.167.1.25', 'UA');
    expect(await visitorHash(hmac, again, 1, '81.167.1.25', 'UA')).toBe(h);
    expect(await visitorHash(hmac, day2, 1, '81.167.1.25', 'UA')).not.toBe(h);
    expect(await visitorHash(hmac, day1, 2, '81.167.1.25', 'UA')).not.toBe(h);
    expect(await visitorHash(hmac, day1, 1, '81.167.1.26', 'UA')).not.toBe(h);
    expect(await visitorHash(hmac, day1, 1, '81.167.1.25', 'UA2')).not.toBe(h);
    expect(Number.isSafeInteger(h)).toBe(true);
    const rows = await t.db.all<{ day: string; salt: string }>('SELECT day, salt FROM salts ORDER BY day');
    expect(rows.map((r) => r.day)).toEqual(['2026-11-24', '2026-11-25']);
    expect(rows[0]!.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.salt).not.toBe(rows[1]!.salt);
  });

  it('is the same with Node\'s HMAC as with Web Crypto, so both runtimes agree', async () => {
    for (const [ip, ua] of [['81.167.1.25', 'UA'], ['2a01:798::1', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0'], ['10.0.0.1', 'ø']]) {
      expect(await visitorHash(nodeHmacSha256, 'salt-1', 7, ip!, ua!)).toBe(await visitorHash(hmac, 'salt-1', 7, ip!, ua!));
    }
  });

  it('forgets salts of days before yesterday', async () => {
    const salts = new Salts(t.db);
    const first = await salts.get(1, '2026-11-20');
    await salts.get(1, '2026-11-24');
    await t.db.run('DELETE FROM salts');
    // Reloaded from the (now empty) table, so a new random salt: the old one was not kept in memory.
    expect(await salts.get(1, '2026-11-20')).not.toBe(first);
  });
});
