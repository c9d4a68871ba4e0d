/**
 * Every index a stored event pays for serves a read, checked by the query plans SQLite
 * makes for today's raw data (the Stats API reads it from SQLite with or without the columnar
 * copy; D1 runs the same statements): the writer's open-visit lookup, today's totals, Top
 * Pages, and a page, event-name and country filter. An index dropped or rekeyed so that a read
 * no longer seeks with it (docs/benchmarks.md, "Ingest CPU per stored event") fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessedEvent } from '../../server/core/ingest/event.ts';
import type { Db, SqlValue } from '../../server/core/ports.ts';
import { recentVisits } from '../../server/core/dashboard-api/visits-log.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import type { Site } from '../../server/core/sites.ts';
import { recordEventStatements } from '../../server/core/store/record-event.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from '../core/query/store.ts';

const NOW = Date.parse('2024-05-02T12:00:00Z') / 1000;
const TODAY = '2024-05-02';

let store: TestStore;
let site: Site;

beforeAll(async () => {
  store = openTestStore();
  site = await addSite(store.db, 'example.com');
  for (let v = 0; v < 60; v++) {
    const t = NOW - 7_200 + v * 60;
    insertVisitWithEvents(store.db, site.id, { visitor: v, country: ['NO', 'SE', 'DE'][v % 3]! }, [
      { ts: t, path: `/p${v % 5}` },
      { ts: t + 30, path: '/signup', name: v % 4 === 0 ? 'Signup' : 'pageview' },
    ]);
  }
});
afterAll(() => store.close());

/** A Db that records the query plan of each statement it reads with, one string per statement. */
function explaining(plans: string[]): Db {
  const explain = (sql: string, params: readonly SqlValue[] = []) => {
    const rows = store.db.raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    plans.push(rows.map((r) => r.detail).join('\n'));
  };
  return {
    all: (sql, params) => (explain(sql, params), store.db.all(sql, params)),
    first: (sql, params) => (explain(sql, params), store.db.first(sql, params)),
    run: (sql, params) => store.db.run(sql, params),
    batch: (stmts) => store.db.batch(stmts),
  };
}

/** The query plan of each statement a read of `body` sends, one string per statement. */
async function plansOf(body: Record<string, unknown>): Promise<string[]> {
  const plans: string[] = [];
  await runQuery(explaining(plans), parseQuery({ site_id: site.domain, date_range: [TODAY, TODAY], ...body }, site, NOW, null));
  return plans.filter((p) => /\b(events|visits|e|v)\b/.test(p));
}

describe('the indexes a stored event writes, in the plans of today’s reads', () => {
  it('the writer finds the open visit through visits_visitor', () => {
    const event = { kind: 'pageview', siteId: site.id, visitor: 7, ts: NOW, path: '/', props: [], visit: {} } as unknown as ProcessedEvent;
    for (const s of recordEventStatements(event)) {
      const plan = (store.db.raw.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
      expect(plan).toContain('SEARCH visits USING INDEX visits_visitor (site_id=? AND visitor=?)');
    }
  });

  it('today’s totals read the day’s visits through visits_site_started', async () => {
    const plans = await plansOf({ metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate'] });
    expect(plans.join('\n')).toContain('SEARCH v USING INDEX visits_site_started (site_id=? AND started_at>? AND started_at<?)');
  });

  it('today’s Top Pages read the day’s events through events_site_ts', async () => {
    const plans = await plansOf({ metrics: ['visitors', 'pageviews'], dimensions: ['event:page'] });
    expect(plans.join('\n')).toContain('SEARCH e USING INDEX events_site_ts (site_id=? AND ts>? AND ts<?)');
  });

  it('a page filter finds its visits from events_site_path alone', async () => {
    const plans = await plansOf({ metrics: ['visitors', 'visits', 'pageviews'], filters: [['is', 'event:page', ['/p1']]] });
    expect(plans.join('\n')).toContain('SEARCH e USING COVERING INDEX events_site_path (site_id=? AND path=? AND ts>? AND ts<?)');
  });

  it('an event-name filter finds its visits from events_site_name alone', async () => {
    const plans = await plansOf({ metrics: ['visitors', 'events'], dimensions: ['visit:country'], filters: [['is', 'event:name', ['Signup']]] });
    expect(plans.join('\n')).toContain('SEARCH e USING COVERING INDEX events_site_name (site_id=? AND name=? AND ts>? AND ts<?)');
  });

  it('a country filter reads only that country’s visits through visits_site_country', async () => {
    const plans = await plansOf({ metrics: ['visitors', 'visits'], filters: [['is', 'visit:country', ['NO']]] });
    expect(plans.join('\n')).toContain('SEARCH v USING INDEX visits_site_country (site_id=? AND country=? AND started_at>? AND started_at<?)');
  });

  it('the visits log reads its visits’ trails through events_visit, not all the site’s events', async () => {
    const plans: string[] = [];
    const page = await recentVisits(explaining(plans), site, { dateRange: JSON.stringify([TODAY, TODAY]) }, NOW * 1000, null);
    expect(page.visits.length).toBeGreaterThan(0);
    const trails = plans.filter((p) => /\be\b/.test(p));
    expect(trails).toHaveLength(2);
    for (const plan of trails) {
      expect(plan).toMatch(/SEARCH e USING INDEX events_visit \(visit_id=\?\)/);
      expect(plan).not.toContain('events_site_ts');
    }
  });

  it('no read of today steps over every event or visit of the site', async () => {
    const bodies = [
      { metrics: ['visitors', 'pageviews'], dimensions: ['event:page'] },
      { metrics: ['visitors', 'visits', 'pageviews'], filters: [['is', 'event:page', ['/p1']]] },
      { metrics: ['visitors', 'events'], dimensions: ['visit:country'], filters: [['is', 'event:name', ['Signup']]] },
      { metrics: ['visitors', 'visits'], dimensions: ['visit:source'], filters: [['is', 'visit:country', ['NO']]] },
    ];
    for (const body of bodies) for (const plan of await plansOf(body)) expect(plan).not.toMatch(/^SCAN (e|v|events|visits)$/m);
  });
});
