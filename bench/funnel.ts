/**
 * Funnel benchmark: a 4-step funnel (home → pricing → signup page → Signup event) counted
 * over 30 days and 12 months of the query benchmark's 1 M synthetic events, without and
 * with a country filter, in-process as the funnel route runs it (parse + one SQLite
 * statement over raw visits and events). Run alone with `npm run bench -- funnel`.
 */
import { saveFunnel } from '../server/core/funnels/funnels.ts';
import { parseFunnelQuery, runFunnel } from '../server/core/funnels/run.ts';
import { addGoal, parseGoal } from '../server/core/goals/goals.ts';
import { datasetSections, NOW, openDataset, type Timings, timeRuns } from './query.ts';

const STEPS = [
  parseGoal({ kind: 'page', pagePath: '/' }),
  parseGoal({ kind: 'page', pagePath: '/pricing' }),
  parseGoal({ kind: 'page', pagePath: '/signup' }),
  parseGoal({ kind: 'event', eventName: 'Signup' }),
];
const FILTER = ['is', 'visit:country', ['US']];

const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function benchDataset(events: number): Promise<string> {
  const data = await openDataset(events);
  const goals = [];
  for (const step of STEPS) goals.push((await addGoal(data.db, data.site.id, step, NOW)).goal);
  const { funnel } = await saveFunnel(data.db, data.site.id, { name: 'Bench', steps: goals.map((g) => g.id) }, NOW);
  const now = Math.floor(NOW / 1000);
  const configs: Array<[string, Record<string, unknown>]> = [
    ['30 days', { date_range: '30d' }],
    ['12 months', { date_range: '12mo' }],
    ['30 days, 1 filter', { date_range: '30d', filters: [FILTER] }],
    ['12 months, 1 filter', { date_range: '12mo', filters: [FILTER] }],
  ];
  const rows: string[] = [];
  let answer12mo = '';
  for (const [label, body] of configs) {
    console.log(`   ${events.toLocaleString('en')} events, funnel, ${label}`);
    const run = async (b: Record<string, unknown>) => runFunnel(data.db, data.site, funnel, parseFunnelQuery(b, data.site, now, null));
    for (let i = 0; i < 2; i++) await run(body);
    const timings: Timings = { perQuery: new Map([['funnel', []]]), view: [] };
    await timeRuns([['funnel', body]], run, timings);
    const v = timings.view;
    rows.push(`| ${label} | ${ms(percentile(v, 50))} / ${ms(percentile(v, 95))} | ${v.length} |`);
    if (label === '12 months') answer12mo = (await run(body)).steps.map((s) => `${s.name} ${s.visitors.toLocaleString('en')}`).join(' → ');
  }
  data.columns.close();
  data.db.close();
  return [
    `### ${events.toLocaleString('en')} events`,
    '',
    ...data.notes.map((n) => `- ${n}`),
    `- the funnel over 12 months: ${answer12mo} visitors`,
    `- 1 filter: \`${JSON.stringify(FILTER)}\``,
    '',
    '| funnel query | p50 / p95 (ms) | runs |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Markdown for docs/benchmarks.md. */
export async function runFunnelBench(): Promise<string> {
  const description =
    'A 4-step funnel (`Visit /` → `Visit /pricing` → `Visit /signup` → `Signup`) counted in-process as `POST /api/v1/sites/:domain/funnels/:id/query` counts it: ' +
    'one SQLite statement over the raw visits and events of the period (funnels need the order of events, which rollups do not keep), on the query benchmark\'s database.';
  return datasetSections(description, [1_000_000], benchDataset);
}
