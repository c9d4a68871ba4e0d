/**
 * Funnel benchmark: a 4-step funnel (home → pricing → signup page → Signup event) counted
 * over 30 days and 12 months of the query benchmark's 1 M synthetic events, without and
 * with a country filter, in-process as the funnel route runs it (parse + one statement over
 * raw visits and events), reading SQLite alone and with the columnar copy of closed days
 * (DuckDB) as the Node server plans it. Run alone with `npm run bench -- funnel`.
 */
import { type Funnel, saveFunnel } from '../server/core/funnels/funnels.ts';
import { parseFunnelQuery, runFunnel } from '../server/core/funnels/run.ts';
import { addGoal, parseGoal } from '../server/core/goals/goals.ts';
import { type Dataset, datasetSections, NOW, openDataset, type Timings, timeRuns } from './query.ts';

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

/** The benchmark's funnel in the dataset's database (its goals and itself, found or made). */
export async function benchFunnel(data: Dataset): Promise<Funnel> {
  const goals = [];
  for (const step of STEPS) goals.push((await addGoal(data.db, data.site.id, step, NOW)).goal);
  return (await saveFunnel(data.db, data.site.id, { name: 'Bench', steps: goals.map((g) => g.id) }, NOW)).funnel;
}

/** The benchmark's queries: 30 days and 12 months, without and with a country filter. */
export const FUNNEL_QUERIES: Array<[string, Record<string, unknown>]> = [
  ['30 days', { date_range: '30d' }],
  ['12 months', { date_range: '12mo' }],
  ['30 days, 1 filter', { date_range: '30d', filters: [FILTER] }],
  ['12 months, 1 filter', { date_range: '12mo', filters: [FILTER] }],
];

async function benchDataset(events: number): Promise<string> {
  const data = await openDataset(events);
  const funnel = await benchFunnel(data);
  const now = Math.floor(NOW / 1000);
  const rows: string[] = [];
  let answer12mo = '';
  for (const [label, body] of FUNNEL_QUERIES) {
    const cells: string[] = [];
    for (const columnar of [null, data.columns]) {
      console.log(`   ${events.toLocaleString('en')} events, funnel, ${label}, ${columnar ? 'columnar' : 'SQLite'}`);
      const run = async (b: Record<string, unknown>) => runFunnel(data.db, data.site, funnel, parseFunnelQuery(b, data.site, now, null), columnar);
      // Untimed passes: the file's pages into the OS cache, the code through the JIT.
      for (let i = 0; i < 2; i++) await run(body);
      const timings: Timings = { perQuery: new Map([['funnel', []]]), view: [] };
      await timeRuns([['funnel', body]], run, timings);
      const v = timings.view;
      cells.push(`${ms(percentile(v, 50))} / ${ms(percentile(v, 95))} (${v.length} runs)`);
      if (label === '12 months' && columnar) answer12mo = (await run(body)).steps.map((s) => `${s.name} ${s.visitors.toLocaleString('en')}`).join(' → ');
    }
    rows.push(`| ${label} | ${cells.join(' | ')} |`);
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
    '| funnel query | SQLite p50 / p95 (ms) | columnar p50 / p95 (ms) |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Markdown for docs/benchmarks.md. */
export async function runFunnelBench(): Promise<string> {
  const description =
    'A 4-step funnel (`Visit /` → `Visit /pricing` → `Visit /signup` → `Signup`) counted in-process as `POST /api/v1/sites/:domain/funnels/:id/query` counts it: ' +
    'one statement over the raw visits and events of the period (funnels need the order of events, which rollups do not keep), on the query benchmark\'s database: ' +
    '"SQLite" reads SQLite alone (as Workers/D1 and `TELLER_COLUMNAR=off` do), "columnar" the closed days from the DuckDB copy and today from SQLite, as the Node server plans it. ' +
    'Timings from a machine shared with other work: compare the columns of one run.';
  return datasetSections(description, [1_000_000], benchDataset);
}
