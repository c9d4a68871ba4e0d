/**
 * `teller goal add|list|rename|order|remove --site <domain>`: a site's goals from the
 * command line, through the same core (goals/goals.ts) as the Sites API.
 * @module
 */
import { parseArgs } from 'node:util';
import { addGoal, type Goal, type GoalFieldNames, GoalError, listGoals, parseGoal, removeGoal, renameGoal, reorderGoals } from '../core/goals/goals.ts';
import { findSite, parseDomain, type Site, unknownSiteMessage } from '../core/sites.ts';
import type { SqliteDb } from './sqlite-db.ts';

export const GOAL_USAGE = `  goal add --site <domain> (--page <path> | --event <name> [--prop <key>=<value>] [--currency <ISO 4217>]) [--name "<display name>"]
                                                 add a goal (or show the one with that definition); a page path may use
                                                 * and ** wildcards (both: any characters, / included)
  goal list --site <domain>                      list the site's goals in their order (id, name, definition)
  goal rename --site <domain> <id> "<name>"      change a goal's display name
  goal order --site <domain> <id> <id>…          put the site's goals in this order (name each once)
  goal remove --site <domain> <id>               delete a goal (its events stay; only the definition goes)`;

export interface GoalCliDeps {
  openDb(): SqliteDb;
  /** Bad usage: exit 2 with the usage hint. */
  usageError(message: string): Error;
  /** The command cannot be done: exit 1. */
  commandError(message: string): Error;
  stdout(line: string): void;
}

/** The fields as this command's options name them, for the validator's messages. */
const CLI_NAMES: GoalFieldNames = { kind: '--page or --event', pagePath: '--page', eventName: '--event', prop: '--prop', currency: '--currency', displayName: '--name' };

/** One line describing a goal's definition: `page /blog/**`, `event Signup plan=pro (EUR)`. */
export function goalDefinitionText(goal: Goal): string {
  if (goal.kind === 'page') return `page ${goal.pagePath}`;
  const prop = goal.prop ? ` ${goal.prop.key}=${goal.prop.value}` : '';
  return `event ${goal.eventName}${prop}${goal.currency ? ` (${goal.currency})` : ''}`;
}

const goalLine = (goal: Goal) => `${goal.id}\t${goal.displayName}\t${goalDefinitionText(goal)}`;

/** `--prop plan=pro` as the validator takes it. */
function propOption(value: string | undefined, deps: GoalCliDeps): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const at = value.indexOf('=');
  if (at <= 0) throw deps.usageError(`--prop: give it as <key>=<value>, e.g. --prop plan=pro (got "${value}")`);
  return { [value.slice(0, at)]: value.slice(at + 1) };
}

/** A goal's or funnel's id given on the command line (`kind` names which, and its list command). */
export function cliId(kind: 'goal' | 'funnel', text: string | undefined, deps: GoalCliDeps): number {
  if (text === undefined || !/^\d{1,15}$/.test(text)) throw deps.usageError(`name a ${kind} by its id (a whole number); "${kind} list --site <domain>" shows them${text === undefined ? '' : ` (got "${text}")`}`);
  return Number(text);
}

/** The site `--site` names: a usage error when missing or not a domain, a command error when unknown. */
export async function siteOf(db: SqliteDb, value: string | undefined, deps: GoalCliDeps): Promise<Site> {
  if (!value) throw deps.usageError('missing --site <domain>');
  const domain = parseDomain(value);
  if (!domain) throw deps.usageError(`"${value}" is not a valid domain`);
  const site = await findSite(db, domain);
  if (!site) throw deps.commandError(unknownSiteMessage(domain));
  return site;
}

/** A definition the validator refuses is bad usage (exit 2), as `site set`'s settings are. */
function checked<T>(deps: GoalCliDeps, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof GoalError) throw deps.usageError(error.message);
    throw error;
  }
}

export async function goalCommand(args: string[], deps: GoalCliDeps): Promise<void> {
  const [action, ...rest] = args;
  if (!['add', 'list', 'rename', 'order', 'remove'].includes(action ?? '')) throw deps.usageError(`goal: add, list, rename, order or remove${action ? ` (not "${action}")` : ''}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { site: { type: 'string' }, page: { type: 'string' }, event: { type: 'string' }, prop: { type: 'string' }, currency: { type: 'string' }, name: { type: 'string' } },
  });
  const db = deps.openDb();
  try {
    const site = await siteOf(db, values.site, deps);
    if (action === 'add') {
      if ((values.page === undefined) === (values.event === undefined)) throw deps.usageError('goal add: give --page <path> or --event <name>, one of them');
      if (positionals.length > 0) throw deps.usageError(`goal add: unexpected "${positionals[0]}" (quote a --name with spaces)`);
      const definition = checked(deps, () => parseGoal(
        {
          kind: values.page === undefined ? 'event' : 'page',
          pagePath: values.page,
          eventName: values.event,
          prop: propOption(values.prop, deps),
          currency: values.currency,
          displayName: values.name,
        },
        CLI_NAMES,
      ));
      const { goal, created } = await addGoal(db, site.id, definition, Date.now(), CLI_NAMES);
      deps.stdout(`${created ? 'Added goal' : 'The site already has this goal:'} ${goal.id} "${goal.displayName}" (${goalDefinitionText(goal)}) to ${site.domain}.`);
    } else if (action === 'list') {
      const goals = await listGoals(db, site.id);
      if (goals.length === 0) deps.stdout(`${site.domain} has no goals; add one with: goal add --site ${site.domain} --event <name> or --page <path>`);
      for (const goal of goals) deps.stdout(goalLine(goal));
    } else if (action === 'rename') {
      const id = cliId('goal', positionals[0], deps);
      if (positionals.length !== 2) throw deps.usageError('usage: goal rename --site <domain> <id> "<name>"');
      if (!(await renameGoal(db, site.id, id, positionals[1], CLI_NAMES))) throw deps.commandError(`${site.domain} has no goal ${id}; "goal list --site ${site.domain}" shows its goals`);
      deps.stdout(`Renamed goal ${id} of ${site.domain} to "${positionals[1]!.trim()}".`);
    } else if (action === 'order') {
      const ids = positionals.map((p) => cliId('goal', p, deps));
      for (const goal of await reorderGoals(db, site.id, ids)) deps.stdout(goalLine(goal));
    } else {
      const id = cliId('goal', positionals[0], deps);
      if (!(await removeGoal(db, site.id, id))) throw deps.commandError(`${site.domain} has no goal ${id}; "goal list --site ${site.domain}" shows its goals`);
      deps.stdout(`Removed goal ${id} from ${site.domain}.`);
    }
  } catch (error) {
    if (error instanceof GoalError) throw deps.commandError(error.message);
    throw error;
  } finally {
    db.close();
  }
}
