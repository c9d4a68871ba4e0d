/**
 * Goals in the Stats API (Plausible v2), the same on every runtime: goals defined through
 * the Sites API, events sent through the Events API, and `event:goal` read back as a
 * dimension and as a filter on other breakdowns, with `conversion_rate`,
 * `group_conversion_rate` and revenue, and Plausible's errors for what it refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTarget, CHROME_MAC, FIREFOX_WINDOWS, GERMANY, NORWAY, NOWHERE, SAFARI_IPHONE, SWEDEN, type StartTarget, type Visitor, sendEvent } from './target.ts';

const ADMIN = 'goal-queries-admin-token-0123456789abcdef';
const SITE = 'conversions.example';
const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Answer {
  results: Array<{ dimensions: string[]; metrics: unknown[] }>;
  meta: Record<string, unknown>;
  error?: string;
}

export function describeGoalQueries(runtime: string, start: StartTarget): void {
  describe(`Goal queries in the Stats API on ${runtime}`, () => {
    let target: ApiTarget;
    let range: [string, string];

    const api = async (method: string, path: string, json: unknown) => {
      const res = await target.request(path, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(json) });
      return { status: res.status, body: (await res.json()) as Answer };
    };
    const query = (body: object) => api('POST', '/api/v2/query', { site_id: SITE, date_range: range, ...body });
    const results = async (body: object) => {
      const { status, body: answer } = await query(body);
      expect(status, JSON.stringify(answer)).toBe(200);
      return answer.results;
    };
    const refusal = async (body: object) => {
      const { status, body: answer } = await query(body);
      expect(status, JSON.stringify(answer)).toBe(400);
      return answer.error;
    };

    beforeAll(async () => {
      target = await start({ adminToken: ADMIN });
      expect((await api('POST', '/api/v1/sites', { domain: SITE, timezone: 'Etc/UTC' })).status).toBe(200);
      const goals = [
        { goal_type: 'event', event_name: 'Signup' },
        { goal_type: 'page', page_path: '/blog**' },
        { goal_type: 'event', event_name: 'Purchase', currency: 'EUR' },
        { goal_type: 'event', event_name: 'Signup', custom_props: { plan: 'pro' }, display_name: 'Pro signup' },
      ];
      for (const goal of goals) expect((await api('PUT', '/api/v1/sites/goals', { site_id: SITE, ...goal })).status).toBe(200);
      const first = Date.now();
      const send = async (visitor: Visitor, userAgent: string, body: Record<string, unknown>) => {
        const res = await sendEvent(target, { d: SITE, ...body }, visitor, { 'user-agent': userAgent });
        expect(res.status, JSON.stringify(body)).toBe(202);
      };
      // Norway: reads the blog, signs up on /pricing.
      await send(NORWAY, FIREFOX_WINDOWS, { n: 'pageview', u: `https://${SITE}/`, r: 'https://www.google.com/' });
      await send(NORWAY, FIREFOX_WINDOWS, { n: 'pageview', u: `https://${SITE}/blog/post` });
      await send(NORWAY, FIREFOX_WINDOWS, { n: 'Signup', u: `https://${SITE}/pricing`, p: { plan: 'pro' } });
      // Sweden: the blog's index, then a purchase in euros.
      await send(SWEDEN, CHROME_MAC, { n: 'pageview', u: `https://${SITE}/blog`, r: 'https://www.bing.com/' });
      await send(SWEDEN, CHROME_MAC, { n: 'Purchase', u: `https://${SITE}/checkout`, $: { amount: '10.50', currency: 'EUR' } });
      // Germany: two purchases, one in euros and one in dollars (no exchange rate: counted apart).
      await send(GERMANY, SAFARI_IPHONE, { n: 'pageview', u: `https://${SITE}/` });
      await send(GERMANY, SAFARI_IPHONE, { n: 'Purchase', u: `https://${SITE}/checkout`, $: { amount: '4', currency: 'EUR' } });
      await send(GERMANY, SAFARI_IPHONE, { n: 'Purchase', u: `https://${SITE}/checkout`, $: { amount: '7', currency: 'USD' } });
      // Nowhere: looks at the prices and leaves.
      await send(NOWHERE, FIREFOX_WINDOWS, { n: 'pageview', u: `https://${SITE}/pricing` });
      range = [utcDay(first - DAY_MS), utcDay(Date.now())];
    });
    afterAll(() => target?.close());

    it('breaks down by event:goal: visitors, events, pageviews and conversion rate per goal', async () => {
      expect(await results({ metrics: ['visitors', 'events', 'pageviews', 'conversion_rate'], dimensions: ['event:goal'] })).toEqual([
        { dimensions: ['Purchase'], metrics: [2, 3, 0, 50] },
        { dimensions: ['Visit /blog**'], metrics: [2, 2, 2, 50] },
        { dimensions: ['Pro signup'], metrics: [1, 1, 0, 25] },
        { dimensions: ['Signup'], metrics: [1, 1, 0, 25] },
      ]);
      expect(await results({ metrics: ['conversion_rate'], dimensions: ['event:goal'], filters: [['is', 'event:goal', ['Signup']]] })).toEqual([
        { dimensions: ['Signup'], metrics: [25] },
      ]);
    });

    it('filters every other query to the visitors who completed a goal', async () => {
      expect(await results({ metrics: ['visitors', 'visits', 'events', 'conversion_rate'], filters: [['is', 'event:goal', ['Purchase']]] })).toEqual([
        { dimensions: [], metrics: [2, 2, 3, 50] },
      ]);
      // A visit dimension: the visits that converted, and their share of the group's visitors.
      expect(
        await results({ metrics: ['visitors', 'conversion_rate', 'group_conversion_rate'], dimensions: ['visit:country'], filters: [['is', 'event:goal', ['Purchase', 'Signup']]] }),
      ).toEqual([
        { dimensions: ['DE'], metrics: [1, 25, 100] },
        { dimensions: ['NO'], metrics: [1, 25, 100] },
        { dimensions: ['SE'], metrics: [1, 25, 100] },
      ]);
      // An event dimension: the goal's own events, on the pages they were sent from.
      expect(await results({ metrics: ['visitors', 'events', 'group_conversion_rate'], dimensions: ['event:page'], filters: [['is', 'event:goal', ['Signup']]] })).toEqual([
        { dimensions: ['/pricing'], metrics: [1, 1, 50] },
      ]);
      expect(await results({ metrics: ['visitors'], filters: [['contains', 'event:goal', ['visit ', 'PRO'], { case_sensitive: false }]] })).toEqual([
        { dimensions: [], metrics: [2] },
      ]);
      // is_not, as for any event dimension: visits with an event that is not the goal's.
      expect(await results({ metrics: ['visitors'], filters: [['is_not', 'event:goal', ['Visit /blog**']]] })).toEqual([{ dimensions: [], metrics: [4] }]);
      // With another event filter, one and the same event passes both.
      expect(await results({ metrics: ['visitors'], filters: [['is', 'event:goal', ['Purchase']], ['is', 'event:page', ['/']]] })).toEqual([
        { dimensions: [], metrics: [0] },
      ]);
    });

    it('sums revenue in the goal\'s currency, as Plausible\'s money objects, and says what another currency left out', async () => {
      const eur = (value: number, short: string, long: string) => ({ value, currency: 'EUR', short, long });
      const left = { code: 'revenue_in_other_currencies', warning: "Revenue in another currency than its goal's is not included: Teller converts no currencies.", other_currencies: [{ currency: 'USD', events: 1, amount: 7 }] };
      const { body } = await query({ metrics: ['visitors', 'total_revenue', 'average_revenue'], filters: [['is', 'event:goal', ['Purchase']]] });
      expect(body.results).toEqual([{ dimensions: [], metrics: [2, eur(14.5, '€14.5', '€14.50'), eur(7.25, '€7.3', '€7.25')] }]);
      expect(body.meta.metric_warnings).toEqual({ total_revenue: left, average_revenue: left });
      // By goal: each revenue goal in its own currency, the others null.
      expect(await results({ metrics: ['events', 'total_revenue'], dimensions: ['event:goal'] })).toEqual([
        { dimensions: ['Purchase'], metrics: [3, eur(14.5, '€14.5', '€14.50')] },
        { dimensions: ['Visit /blog**'], metrics: [2, null] },
        { dimensions: ['Pro signup'], metrics: [1, null] },
        { dimensions: ['Signup'], metrics: [1, null] },
      ]);
      // By country: the one currency of the site's revenue goals; a group without revenue reads 0.
      expect(await results({ metrics: ['total_revenue'], dimensions: ['visit:country'], order_by: [['visit:country', 'asc']] })).toEqual([
        { dimensions: ['(not set)'], metrics: [eur(0, '€0.0', '€0.00')] },
        { dimensions: ['DE'], metrics: [eur(4, '€4.0', '€4.00')] },
        { dimensions: ['NO'], metrics: [eur(0, '€0.0', '€0.00')] },
        { dimensions: ['SE'], metrics: [eur(10.5, '€10.5', '€10.50')] },
      ]);
      const none = await query({ metrics: ['visitors', 'total_revenue'], filters: [['is', 'event:goal', ['Signup']]] });
      expect(none.body.results).toEqual([{ dimensions: [], metrics: [1, null] }]);
      expect(none.body.meta.metric_warnings).toEqual({
        total_revenue: { code: 'no_revenue_goals_matching', warning: 'Revenue metrics are null as there are no matching revenue goals.' },
      });
    });

    it('compares conversion rates in percentage points, and revenue in percent', async () => {
      const [row] = await results({ metrics: ['conversion_rate', 'total_revenue'], filters: [['is', 'event:goal', ['Purchase']]], include: { compare: 'previous_period' } });
      expect(row).toEqual({
        dimensions: [],
        metrics: [50, { value: 14.5, currency: 'EUR', short: '€14.5', long: '€14.50' }],
        comparison: { dimensions: [], metrics: [0, { value: 0, currency: 'EUR', short: '€0.0', long: '€0.00' }], change: [50, 100] },
      });
    });

    it('answers a breakdown of more goals than D1 binds parameters (goals are written into the SQL)', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 110; i++) {
        const made = await api('PUT', '/api/v1/sites/goals', { site_id: SITE, goal_type: 'page', page_path: `/landing-${i}` });
        ids.push((made.body as unknown as { id: number }).id);
      }
      const rows = await results({ metrics: ['visitors'], dimensions: ['event:goal'], filters: [['contains', 'event:goal', ['Visit /']]] });
      expect(rows).toEqual([{ dimensions: ['Visit /blog**'], metrics: [2] }]);
      for (const id of ids) expect((await api('DELETE', `/api/v1/sites/goals/${id}`, { site_id: SITE })).status).toBe(200);
    });

    it('refuses what Plausible refuses, with its messages', async () => {
      expect(await refusal({ metrics: ['conversion_rate'] })).toBe('Metric `conversion_rate` can only be queried with event:goal filters or dimensions.');
      expect(await refusal({ metrics: ['group_conversion_rate'], dimensions: ['visit:source'] })).toBe(
        'Metric `group_conversion_rate` can only be queried with event:goal filters or dimensions.',
      );
      expect(await refusal({ metrics: ['visitors'], filters: [['is', 'event:goal', ['Newsletter']]] })).toBe(
        'Invalid filters. The goal `Newsletter` is not configured for this site. Find out how to configure goals here: https://plausible.io/docs/stats-api#filtering-by-goals',
      );
      expect(await refusal({ metrics: ['visitors'], filters: [['or', [['is', 'event:goal', ['Signup']], ['is', 'visit:country', ['NO']]]]] })).toBe(
        'Invalid filters. Dimension `event:goal` can only be filtered at the top level.',
      );
      expect(await refusal({ metrics: ['bounce_rate'], dimensions: ['event:goal'] })).toBe(
        'Session metric(s) `bounce_rate` cannot be queried along with event dimension(s) `event:goal`.',
      );
      expect(
        await refusal({ metrics: ['conversion_rate'], filters: [['is', 'event:goal', ['Signup']], ['not', ['is', 'event:props:plan', ['pro']]]] }),
      ).toBe('Invalid filters. When `conversion_rate` or `group_conversion_rate` metrics are used, custom property filters can only be used on top level.');
    });
  });
}
