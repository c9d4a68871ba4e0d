/**
 * `include.imports` on a real SQLite store: what is merged, what is skipped and why
 * (Plausible's reason codes), and that without it nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGoal, listGoals, parseGoal } from '../../../server/core/goals/goals.ts';
import { runQuery } from '../../../server/core/query/execute.ts';
import { parseQuery } from '../../../server/core/query/parse.ts';
import type { Site } from '../../../server/core/sites.ts';
import { importedVisit, importStatements, type ImportedVisit } from '../../shared/imported-rows.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './store.ts';

const at = (iso: string) => Date.parse(iso) / 1000;
const NOW = at('2024-04-25T12:00:00Z');

const visit = (day: string, page: string, extra: Partial<ImportedVisit> = {}) => importedVisit(day, page, 'example.com', extra);

/** Imported: 2024-03-01 two visits (one bounce on /, one of 3 pageviews on /blog, 60 s, with Signup); 2024-03-02 one on /. */
const IMPORTED = [visit('2024-03-01', '/'), visit('2024-03-01', '/blog', { pageviews: 3, duration: 60, custom: 'Signup', source: '', country: 'SE' }), visit('2024-03-02', '/')];

let store: TestStore;
let site: Site;
let empty: Site;
beforeAll(async () => {
  store = openTestStore();
  site = await addSite(store.db, 'imports.example');
  empty = await addSite(store.db, 'no-imports.example');
  for (const s of importStatements(site.id, 1, IMPORTED)) await store.db.run(s.sql, s.params);
  // Own data from 2024-04-01: one visit of two pageviews on /, 30 s, from Google in Norway.
  insertVisitWithEvents(store.db, site.id, { visitor: 1, source: 'Google', country: 'NO', browser: 'Firefox', device: 'Desktop', ended_at: at('2024-04-01T10:00:30Z') }, [
    { ts: at('2024-04-01T10:00:00Z'), path: '/' },
    { ts: at('2024-04-01T10:00:10Z'), path: '/' },
  ]);
});
afterAll(() => store.close());

async function ask(body: Record<string, unknown>, on: Site = site) {
  return runQuery(store.db, parseQuery({ site_id: on.domain, date_range: ['2024-03-01', '2024-04-10'], ...body }, on, NOW, null));
}

describe('include.imports', () => {
  it('adds imported days to totals, and says so', async () => {
    const r = await ask({ metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration', 'views_per_visit', 'events'], include: { imports: true } });
    // 3 imported visits + 1 own; pageviews 1+3+1+2; bounces 2 of 4; duration 60+30 over 4; events: pageviews + Signup.
    expect(r.results).toEqual([{ dimensions: [], metrics: [4, 4, 7, 50, 23, 1.75, 8] }]);
    expect(r.meta).toMatchObject({ imports_included: true });
    expect(r.meta).not.toHaveProperty('imports_skip_reason');
    expect(r.query.include).toEqual({ imports: true });
  });

  it('answers as before without it, and says nothing about imports', async () => {
    const r = await ask({ metrics: ['visitors', 'pageviews'] });
    expect(r.results).toEqual([{ dimensions: [], metrics: [1, 2] }]);
    expect(r.meta).toEqual({});
    const off = await ask({ metrics: ['visitors', 'pageviews'], include: { imports: false } });
    expect(off.results).toEqual(r.results);
    expect(off.meta).toEqual({});
  });

  it('merges breakdowns by a dimension an imported table holds, labels as Teller shows them', async () => {
    const sources = await ask({ metrics: ['visitors', 'percentage'], dimensions: ['visit:source'], include: { imports: true } });
    expect(sources.results).toEqual([
      { dimensions: ['Google'], metrics: [3, 75] },
      { dimensions: ['Direct / None'], metrics: [1, 25] },
    ]);
    const countries = await ask({ metrics: ['visitors'], dimensions: ['visit:country_name'], include: { imports: true } });
    expect(countries.results).toEqual([
      { dimensions: ['Norway'], metrics: [3] },
      { dimensions: ['Sweden'], metrics: [1] },
    ]);
  });

  it('merges top pages under the pageview filter, with bounce rate of the visits entering on them', async () => {
    const r = await ask({
      metrics: ['visitors', 'pageviews', 'bounce_rate'],
      dimensions: ['event:page'],
      filters: [['is', 'event:name', ['pageview']]],
      include: { imports: true },
    });
    expect(r.meta.imports_included).toBe(true);
    expect(r.results).toEqual([
      { dimensions: ['/'], metrics: [3, 4, 67] },
      { dimensions: ['/blog'], metrics: [1, 3, 0] },
    ]);
  });

  it('merges custom events with the imported pageviews as the event named pageview', async () => {
    const r = await ask({ metrics: ['visitors', 'events'], dimensions: ['event:name'], include: { imports: true } });
    expect(r.results).toEqual([
      { dimensions: ['pageview'], metrics: [4, 7] },
      { dimensions: ['Signup'], metrics: [1, 1] },
    ]);
  });

  it('merges time series by day, week and month, and the comparison period', async () => {
    const days = await ask({ metrics: ['visitors'], dimensions: ['time:day'], date_range: ['2024-03-01', '2024-03-03'], include: { imports: true } });
    expect(days.results).toEqual([
      { dimensions: ['2024-03-01'], metrics: [2] },
      { dimensions: ['2024-03-02'], metrics: [1] },
    ]);
    const months = await ask({ metrics: ['visitors'], dimensions: ['time:month'], include: { imports: true } });
    expect(months.results).toEqual([
      { dimensions: ['2024-03-01'], metrics: [3] },
      { dimensions: ['2024-04-01'], metrics: [1] },
    ]);
    // 2024-03-01 is a Friday: the first week bucket starts on the period's first day.
    const weeks = await ask({ metrics: ['visitors'], dimensions: ['time:week'], date_range: ['2024-03-01', '2024-03-10'], include: { imports: true } });
    expect(weeks.results).toEqual([{ dimensions: ['2024-03-01'], metrics: [3] }]);
    // Own data in April, compared with the imported March.
    const compared = await ask({ metrics: ['visitors'], date_range: ['2024-04-01', '2024-04-02'], include: { imports: true, compare: ['2024-03-01', '2024-03-02'] } });
    expect(compared.meta.imports_included).toBe(true);
    expect(compared.results[0]!.comparison!.metrics).toEqual([3]);
  });

  it('applies a filter on the dimension the table holds', async () => {
    const r = await ask({ metrics: ['visitors'], filters: [['is', 'visit:country', ['SE']]], include: { imports: true } });
    expect(r.results).toEqual([{ dimensions: [], metrics: [1] }]);
    expect(r.meta.imports_included).toBe(true);
  });

  it.each([
    ['an hourly interval', { dimensions: ['time:hour'], date_range: ['2024-03-01', '2024-03-02'] }, 'unsupported_interval'],
    ['a filter on a dimension the breakdown table lacks', { dimensions: ['visit:source'], filters: [['is', 'visit:country', ['NO']]] }, 'unsupported_query'],
    ['two tables’ dimensions', { dimensions: ['visit:source', 'visit:device'] }, 'unsupported_query'],
    ['a dimension no import holds', { dimensions: ['visit:region_name'] }, 'unsupported_query'],
    ['custom events by page', { dimensions: ['event:page'], filters: [['is', 'event:name', ['Signup']]] }, 'unsupported_query'],
    ['a metric the table lacks', { metrics: ['visitors', 'events'], dimensions: ['visit:source'] }, 'unsupported_query'],
    ['a period without imported days', { date_range: ['2024-04-01', '2024-04-10'] }, 'out_of_range'],
  ])('answers from own data alone for %s, and names the reason', async (_name, query, reason) => {
    const body = { metrics: ['visitors'], ...query };
    const r = await ask({ ...body, include: { imports: true } });
    expect(r.meta.imports_included).toBe(false);
    expect(r.meta.imports_skip_reason).toBe(reason);
    expect(r.results).toEqual((await ask(body)).results);
  });

  it('says there is no imported data on a site without imports', async () => {
    const r = await ask({ metrics: ['visitors'], include: { imports: true } }, empty);
    expect(r.meta).toEqual({ imports_included: false, imports_skip_reason: 'no_imported_data' });
  });

  it('merges outbound links by URL, which Plausible keeps for those events alone', async () => {
    const links = await addSite(store.db, 'links.example');
    const outbound = 'Outbound Link: Click';
    const imported = [visit('2024-03-01', '/', { custom: outbound, link: 'https://a.example/' }), visit('2024-03-01', '/', { custom: outbound, link: 'https://b.example/' })];
    for (const s of importStatements(links.id, 3, imported)) await store.db.run(s.sql, s.params);
    insertVisitWithEvents(store.db, links.id, { visitor: 1 }, [
      { ts: at('2024-04-01T10:00:00Z'), path: '/' },
      { ts: at('2024-04-01T10:00:05Z'), name: outbound, props: { url: 'https://a.example/' } },
    ]);
    const byUrl = { metrics: ['visitors', 'events'], dimensions: ['event:props:url'], include: { imports: true } };
    const r = await ask({ ...byUrl, filters: [['is', 'event:name', [outbound]]] }, links);
    expect(r.meta.imports_included).toBe(true);
    expect(r.results).toEqual([
      { dimensions: ['https://a.example/'], metrics: [2, 2] },
      { dimensions: ['https://b.example/'], metrics: [1, 1] },
    ]);
    // Without the event, a URL of other events is unknown to the import.
    expect((await ask(byUrl, links)).meta.imports_skip_reason).toBe('unsupported_query');
  });

  it('counts only complete imports, and only their days', async () => {
    const other = await addSite(store.db, 'loading.example');
    for (const s of importStatements(other.id, 2, [visit('2024-03-01', '/'), visit('2024-03-05', '/')])) await store.db.run(s.sql, s.params);
    const visitors = async () => (await ask({ metrics: ['visitors'], include: { imports: true } }, other)).results[0]!.metrics[0];
    expect(await visitors()).toBe(2);
    // A purge in progress has moved the import's first day on: the rows before it no longer count.
    await store.db.run("UPDATE imports SET first_day = '2024-03-02' WHERE id = 2");
    expect(await visitors()).toBe(1);
    await store.db.run("UPDATE imports SET status = 'loading' WHERE id = 2");
    expect((await ask({ metrics: ['visitors'], include: { imports: true } }, other)).meta.imports_skip_reason).toBe('no_imported_data');
  });
});

describe('include.imports with goals', () => {
  const goals = async () => {
    if ((await listGoals(store.db, site.id)).length === 0) {
      await addGoal(store.db, site.id, parseGoal({ kind: 'event', eventName: 'Signup', displayName: 'Signed up' }), NOW * 1000);
      await addGoal(store.db, site.id, parseGoal({ kind: 'page', pagePath: '/blog' }), NOW * 1000);
    }
    return listGoals(store.db, site.id);
  };
  const askGoals = async (body: Record<string, unknown>) =>
    runQuery(store.db, parseQuery({ site_id: site.domain, date_range: ['2024-03-01', '2024-04-10'], include: { imports: true }, ...body }, site, NOW, null, await goals()));

  it('counts an event goal over imported custom events, with the imported visitors in its conversion rate', async () => {
    const r = await askGoals({ metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:goal'], filters: [['is', 'event:goal', ['Signed up']]] });
    // The imported Signup: 1 visitor of 4 (3 imported, 1 own).
    expect(r.results).toEqual([{ dimensions: ['Signed up'], metrics: [1, 1, 25] }]);
    expect(r.meta).toEqual({ imports_included: true });
  });

  it('leaves imports out of page goals, saying why', async () => {
    const r = await askGoals({ metrics: ['visitors'], dimensions: ['event:goal'] });
    expect(r.results).toEqual([]);
    expect(r.meta).toMatchObject({ imports_included: false, imports_skip_reason: 'unsupported_query' });
  });
});
