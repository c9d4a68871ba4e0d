/**
 * What a report says, read through the Stats API's own query engine (parseQuery +
 * runQuery) with Plausible v2 query bodies, so every number equals what the Stats API
 * answers for the same body: the KPIs against the previous period, visitors per day, and
 * the dashboard's top lists (sources, search engines, search words, pages, countries,
 * devices, and goals when the site has any).
 * @module
 */
import { listGoals, type Goal } from '../goals/goals.ts';
import type { ColumnarReader, Db } from '../ports.ts';
import { runQuery } from '../query/execute.ts';
import { parseQuery } from '../query/parse.ts';
import type { Site } from '../sites.ts';
import { addDays } from '../time.ts';
import { previousPeriod, type ReportPeriod } from './period.ts';

export const KPI_METRICS = ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'] as const;
export type KpiMetric = (typeof KPI_METRICS)[number];

/** Rows in each top list: a mail is read at a glance. */
export const TOP_ROWS = 5;

export type ListId = 'sources' | 'engines' | 'keywords' | 'pages' | 'countries' | 'devices' | 'goals';

/** Each list's dimension and the metric shown beside it (the dashboard's panels' first tabs). */
export const LISTS: ReadonlyArray<{ id: ListId; dimension: string; metric: 'visitors' | 'events'; hideNotSet: boolean }> = [
  { id: 'sources', dimension: 'visit:source', metric: 'visitors', hideNotSet: false },
  { id: 'engines', dimension: 'visit:search_engine', metric: 'visitors', hideNotSet: true },
  { id: 'keywords', dimension: 'visit:search_keyword', metric: 'visitors', hideNotSet: true },
  { id: 'pages', dimension: 'event:page', metric: 'visitors', hideNotSet: false },
  { id: 'countries', dimension: 'visit:country', metric: 'visitors', hideNotSet: false },
  { id: 'devices', dimension: 'visit:device', metric: 'visitors', hideNotSet: false },
  { id: 'goals', dimension: 'event:goal', metric: 'events', hideNotSet: false },
];

export interface Kpi {
  metric: KpiMetric;
  value: number;
  previous: number;
  /** Percent change as the Stats API gives it (for bounce rate: points), null without a base. */
  change: number | null;
}

export interface ListRow {
  label: string;
  value: number;
}

export interface ReportContent {
  site: Site;
  period: ReportPeriod;
  kpis: Kpi[];
  /** Visitors per local day of the period, first day first. */
  days: Array<{ day: string; visitors: number }>;
  lists: Array<{ id: ListId; rows: ListRow[] }>;
}

/** The Stats API bodies a report is made of (the e2e test posts the same ones). */
export function reportQueries(site: Site, period: ReportPeriod, hasGoals: boolean): { kpis: Record<string, unknown>; days: Record<string, unknown>; lists: Array<{ id: ListId; body: Record<string, unknown> }> } {
  const range = [period.firstDay, period.lastDay];
  const previous = previousPeriod(period, site.timezone);
  const lists = LISTS.filter((l) => l.id !== 'goals' || hasGoals).map((l) => ({
    id: l.id,
    body: {
      site_id: site.domain,
      metrics: [l.metric],
      date_range: range,
      dimensions: [l.dimension],
      ...(l.hideNotSet ? { filters: [['is_not', l.dimension, ['(not set)']]] } : {}),
      ...(l.id === 'pages' ? { filters: [['is', 'event:name', ['pageview']]] } : {}),
      order_by: [[l.metric, 'desc']],
      pagination: { limit: TOP_ROWS },
    },
  }));
  return {
    kpis: { site_id: site.domain, metrics: [...KPI_METRICS], date_range: range, include: { compare: [previous.firstDay, previous.lastDay] } },
    days: { site_id: site.domain, metrics: ['visitors'], date_range: range, dimensions: ['time:day'] },
    lists,
  };
}

export interface ContentDeps {
  /** Where queries run (Node: the reader thread). */
  db: Db;
  columnar?: ColumnarReader | null;
}

async function run(deps: ContentDeps, site: Site, body: Record<string, unknown>, goals: readonly Goal[], nowSec: number) {
  const query = parseQuery(body, site, nowSec, null, goals);
  return runQuery(deps.db, query, { useRollups: true, columnar: deps.columnar ?? null });
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Reads the report of `period` for `site` at `nowSec`. */
export async function readReportContent(deps: ContentDeps, site: Site, period: ReportPeriod, nowSec: number): Promise<ReportContent> {
  const goals = await listGoals(deps.db, site.id);
  const queries = reportQueries(site, period, goals.length > 0);
  const kpiAnswer = await run(deps, site, queries.kpis, goals, nowSec);
  const row = kpiAnswer.results[0];
  const kpis = KPI_METRICS.map((metric, i) => ({
    metric,
    value: num(row?.metrics[i]),
    previous: num(row?.comparison?.metrics[i]),
    change: row?.comparison?.change[i] ?? null,
  }));
  const dayAnswer = await run(deps, site, queries.days, goals, nowSec);
  const byDay = new Map(dayAnswer.results.map((r) => [r.dimensions[0]!.slice(0, 10), num(r.metrics[0])]));
  const days: ReportContent['days'] = [];
  for (let d = period.firstDay; d <= period.lastDay; d = addDays(d, 1)) days.push({ day: d, visitors: byDay.get(d) ?? 0 });
  const lists: ReportContent['lists'] = [];
  for (const list of queries.lists) {
    const answer = await run(deps, site, list.body, goals, nowSec);
    lists.push({ id: list.id, rows: answer.results.map((r) => ({ label: r.dimensions[0] ?? '', value: num(r.metrics[0]) })) });
  }
  return { site, period, kpis, days, lists };
}

