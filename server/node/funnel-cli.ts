/**
 * `teller funnel add|list|show|remove --site <domain>`: a site's funnels from the command
 * line, through the same core (funnels/) as the JSON routes. `show` counts the funnel over a
 * period given as the Stats API's date_range (`30d`, `month`, `2024-01-01,2024-01-31`).
 * @module
 */
import { parseArgs } from 'node:util';
import { type Funnel, FunnelError, type FunnelFieldNames, findFunnel, listFunnels, parseFunnel, removeFunnel, saveFunnel } from '../core/funnels/funnels.ts';
import { parseFunnelQuery, runFunnel } from '../core/funnels/run.ts';
import { statsStart } from '../core/http/stats-api.ts';
import { QueryError } from '../core/query/errors.ts';
import { cliId, type GoalCliDeps, siteOf } from './goal-cli.ts';

export const FUNNEL_USAGE = `  funnel add --site <domain> --name "<name>" <goal> <goal>…
                                                 save a funnel of 2 to 8 goals in order (each a goal's id or display
                                                 name); an existing funnel of that name gets these steps
  funnel list --site <domain>                    list the site's funnels (id, name, steps)
  funnel show --site <domain> <id> [--period <range>]
                                                 count a funnel per step (default 30d; a range as the Stats API's
                                                 date_range: 7d, month, 12mo, all, or <YYYY-MM-DD>,<YYYY-MM-DD>)
  funnel remove --site <domain> <id>             delete a funnel (its goals stay)`;

export type FunnelCliDeps = GoalCliDeps;

const CLI_NAMES: FunnelFieldNames = { name: '--name', steps: 'goals' };

const funnelLine = (f: Funnel) => `${f.id}\t${f.name}\t${f.steps.map((g) => g.displayName).join(' → ')}`;

/** A goal given as digits is its id; anything else is a display name. */
const stepOf = (text: string): number | string => (/^\d{1,15}$/.test(text) ? Number(text) : text);

/** `30d` or `2024-01-01,2024-01-31` as the Stats API's date_range. */
const dateRange = (text: string): unknown => (text.includes(',') ? text.split(',').map((d) => d.trim()) : text);

/** The counts as a table: step, visitors, conversion from the first and from the previous step, drop-off. */
function countLines(answer: Awaited<ReturnType<typeof runFunnel>>): string[] {
  const lines = [`${answer.funnel.name}, ${answer.date_range[0].slice(0, 10)} to ${answer.date_range[1].slice(0, 10)}`];
  lines.push('step\tvisitors\tof first\tof previous\tdropped\tgoal');
  for (const s of answer.steps) lines.push(`${s.step}\t${s.visitors}\t${s.conversion_rate}%\t${s.conversion_rate_step}%\t${s.dropoff}\t${s.name}`);
  return lines;
}

export async function funnelCommand(args: string[], deps: FunnelCliDeps): Promise<void> {
  const [action, ...rest] = args;
  if (!['add', 'list', 'show', 'remove'].includes(action ?? '')) throw deps.usageError(`funnel: add, list, show or remove${action ? ` (not "${action}")` : ''}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { site: { type: 'string' }, name: { type: 'string' }, period: { type: 'string' } },
  });
  const db = deps.openDb();
  try {
    const site = await siteOf(db, values.site, deps);
    if (action === 'add') {
      let input;
      try {
        input = parseFunnel({ name: values.name, steps: positionals.map(stepOf) }, CLI_NAMES);
      } catch (error) {
        if (error instanceof FunnelError) throw deps.usageError(error.message);
        throw error;
      }
      const { funnel, created } = await saveFunnel(db, site.id, input, Date.now(), CLI_NAMES);
      deps.stdout(`${created ? 'Added funnel' : 'Changed the steps of funnel'} ${funnel.id} "${funnel.name}" to ${site.domain}: ${funnel.steps.map((g) => g.displayName).join(' → ')}.`);
    } else if (action === 'list') {
      const funnels = await listFunnels(db, site.id);
      if (funnels.length === 0) deps.stdout(`${site.domain} has no funnels; add one with: funnel add --site ${site.domain} --name "<name>" <goal> <goal>…`);
      for (const funnel of funnels) deps.stdout(funnelLine(funnel));
    } else if (action === 'show') {
      const id = cliId('funnel', positionals[0], deps);
      const funnel = await findFunnel(db, site.id, id);
      if (!funnel) throw deps.commandError(`${site.domain} has no funnel ${id}; "funnel list --site ${site.domain}" shows its funnels`);
      const range = dateRange(values.period ?? '30d');
      const start = range === 'all' ? await statsStart(db, site) : null;
      try {
        const answer = await runFunnel(db, site, funnel, parseFunnelQuery({ date_range: range }, site, Math.floor(Date.now() / 1000), start));
        for (const line of countLines(answer)) deps.stdout(line);
      } catch (error) {
        if (error instanceof QueryError) throw deps.usageError(`--period: ${error.message}`);
        throw error;
      }
    } else {
      const id = cliId('funnel', positionals[0], deps);
      if (!(await removeFunnel(db, site.id, id))) throw deps.commandError(`${site.domain} has no funnel ${id}; "funnel list --site ${site.domain}" shows its funnels`);
      deps.stdout(`Removed funnel ${id} from ${site.domain}.`);
    }
  } catch (error) {
    if (error instanceof FunnelError) throw deps.commandError(error.message);
    throw error;
  } finally {
    db.close();
  }
}
