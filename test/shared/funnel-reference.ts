/**
 * Funnels by brute force, for the property tests: visits and events as plain objects,
 * written straight into a store, and each step counted by walking every visit's events in
 * order, as docs/goals.md#funnels says in words.
 */
import fc from 'fast-check';
import { goalMatchesEvent, type GoalDefinition, parseGoal } from '../../server/core/goals/goals.ts';
import type { Db, Stmt } from '../../server/core/ports.ts';
import { localDayAt } from '../../server/core/time.ts';

export interface RefEvent {
  id: number;
  ts: number;
  name: string;
  path: string;
  props: Array<[string, string]>;
}

export interface RefVisit {
  id: number;
  visitor: number;
  startedAt: number;
  country: string;
  /** In recording order (ascending ids). */
  events: RefEvent[];
}

/** A filter the reference understands: on the visit's country, or on one of its events in the period. */
export type RefFilter =
  | null
  | { op: 'is' | 'is_not'; dimension: 'visit:country'; value: string }
  | { op: 'is'; dimension: 'event:page' | 'event:name'; value: string };

export function apiFilters(filter: RefFilter): unknown[] {
  return filter === null ? [] : [[filter.op, filter.dimension, [filter.value]]];
}

function passes(visit: RefVisit, filter: RefFilter, start: number, end: number): boolean {
  if (filter === null) return true;
  if (filter.dimension === 'visit:country') return (visit.country === filter.value) === (filter.op === 'is');
  const inPeriod = visit.events.filter((e) => e.ts >= start && e.ts < end);
  return inPeriod.some((e) => (filter.dimension === 'event:page' ? e.path : e.name) === filter.value);
}

/** How many steps of `steps` the visit reaches: each the first matching event after the previous step's. */
export function stepsReached(visit: RefVisit, steps: readonly GoalDefinition[], end: number): number {
  let reached = 0;
  for (const event of visit.events) {
    if (reached === steps.length) break;
    if (event.ts >= end) continue;
    if (goalMatchesEvent(steps[reached]!, event)) reached += 1;
  }
  return reached;
}

export interface RefCounts {
  steps: Array<{ visitors: number; visits: number }>;
}

/** The funnel's counts over visits started in [start, end), by brute force. */
export function referenceCounts(visits: readonly RefVisit[], steps: readonly GoalDefinition[], filter: RefFilter, start: number, end: number, timeZone: string): RefCounts {
  const read = visits.filter((v) => v.startedAt >= start && v.startedAt < end && passes(v, filter, start, end));
  const visitorKey = (v: RefVisit) => `${localDayAt(timeZone, v.startedAt)}|${v.visitor}`;
  const reached = read.map((v) => stepsReached(v, steps, end));
  return {
    steps: steps.map((_, i) => {
      const at = read.filter((_, j) => reached[j]! > i);
      return { visitors: new Set(at.map(visitorKey)).size, visits: at.length };
    }),
  };
}

/** The statements storing `visits` as the site's only raw rows. */
export function rawRowStatements(siteId: number, visits: readonly RefVisit[]): Stmt[] {
  const stmts: Stmt[] = ['event_props', 'events', 'visits'].map((t) => ({ sql: `DELETE FROM ${t} WHERE site_id = ?`, params: [siteId] }));
  for (const v of visits) {
    const last = v.events.at(-1)?.ts ?? v.startedAt;
    const pageviews = v.events.filter((e) => e.name === 'pageview').length;
    stmts.push({
      sql: `INSERT INTO visits (id, site_id, visitor, started_at, ended_at, pageviews, events, entry_page, channel, country)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Direct', ?)`,
      params: [v.id, siteId, v.visitor, v.startedAt, last, pageviews, v.events.length - pageviews, v.events[0]?.path ?? '/', v.country],
    });
    for (const e of v.events) {
      stmts.push({
        sql: "INSERT INTO events (id, site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, ?, ?, ?, ?, ?, 'funnel.example', ?)",
        params: [e.id, siteId, v.id, v.visitor, e.ts, e.name, e.path],
      });
      for (const [key, value] of e.props) stmts.push({ sql: 'INSERT INTO event_props (event_id, site_id, key, value) VALUES (?, ?, ?, ?)', params: [e.id, siteId, key, value] });
    }
  }
  return stmts;
}

export async function storeVisits(db: Db, siteId: number, visits: readonly RefVisit[]): Promise<void> {
  await db.batch(rawRowStatements(siteId, visits));
}

/** The goals the funnels of the property tests are made of. */
export const GOALS: Record<string, GoalDefinition> = {
  home: parseGoal({ kind: 'page', pagePath: '/' }),
  pricing: parseGoal({ kind: 'page', pagePath: '/pricing' }),
  blog: parseGoal({ kind: 'page', pagePath: '/blog/**' }),
  thanks: parseGoal({ kind: 'page', pagePath: '/*/thanks' }),
  signup: parseGoal({ kind: 'event', eventName: 'Signup' }),
  // The same event name as `pro`: one event can complete both, and a funnel reads its name once.
  purchase: parseGoal({ kind: 'event', eventName: 'Purchase' }),
  pro: parseGoal({ kind: 'event', eventName: 'Purchase', prop: { plan: 'pro' }, displayName: 'Pro purchase' }),
};

const DAY = 86_400;

export interface DrawnVisit {
  visitor: number;
  /** Seconds from the period's start. */
  offset: number;
  country: string;
  events: Array<{ event: Omit<RefEvent, 'id' | 'ts'>; gap: number }>;
}

// /blog/thanks completes two page goals at once: drawn more often, so one event taken for two steps would show.
const PATHS = ['/', '/pricing', '/blog', '/blog/', '/blog/x/y', '/blog/thanks', '/blog/thanks', '/en/thanks', '/en/shop/thanks', '/about'];
const eventArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PATHS).map((path) => ({ name: 'pageview', path, props: [] as Array<[string, string]> })) },
  { weight: 1, arbitrary: fc.constantFrom(...PATHS).map((path) => ({ name: 'Signup', path, props: [] as Array<[string, string]> })) },
  {
    weight: 1,
    arbitrary: fc.record({ path: fc.constantFrom(...PATHS), plan: fc.constantFrom('pro', 'free', null) }).map(({ path, plan }) => ({
      name: 'Purchase',
      path,
      props: plan === null ? [] : ([['plan', plan]] as Array<[string, string]>),
    })),
  },
);
export const visitArb = fc.record({
  visitor: fc.integer({ min: 1, max: 4 }),
  // From half a day before a period of three days to half a day after it, so its edges are crossed.
  offset: fc.integer({ min: -DAY / 2, max: 3 * DAY + DAY / 2 }),
  country: fc.constantFrom('NO', 'SE'),
  events: fc.array(fc.record({ event: eventArb, gap: fc.integer({ min: 0, max: 900 }) }), { minLength: 1, maxLength: 7 }),
});
export const filterArb: fc.Arbitrary<RefFilter> = fc.constantFrom<RefFilter>(
  null,
  { op: 'is', dimension: 'visit:country', value: 'NO' },
  { op: 'is_not', dimension: 'visit:country', value: 'NO' },
  { op: 'is', dimension: 'event:page', value: '/about' },
  { op: 'is', dimension: 'event:name', value: 'Signup' },
);

/** Drawn visits with ids from `firstId` in recording order, each event `gap` seconds after the one before. */
export function toVisits(drawn: DrawnVisit[], start: number, firstId = 1): RefVisit[] {
  let id = firstId;
  return drawn.map((d) => {
    const startedAt = start + d.offset;
    let ts = startedAt;
    const visitId = id++;
    const events = d.events.map(({ event, gap }, i) => {
      ts += i === 0 ? 0 : gap;
      return { ...event, id: id++, ts };
    });
    return { id: visitId, visitor: d.visitor, startedAt, country: d.country, events };
  });
}

