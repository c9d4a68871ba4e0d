/**
 * The dashboard's goal routes, on server/core/goals/: the list with suggestions (anyone who
 * may read the site: the site view's Goals panel needs the names and currencies, which its
 * readers see there anyway), and add, rename, delete and reorder (the owner). Messages name
 * the field as the dashboard sends it (`eventName: …`), so the form shows them beside it.
 * @module
 */
import { Hono, type Context } from 'hono';
import { goalSuggestions, sentEventNames } from '../dashboard-api/goal-suggestions.ts';
import { addGoal, findGoal, type Goal, type GoalDefinition, GoalError, type GoalFieldNames, GoalInUseError, listGoals, parseGoal, removeGoal, renameGoal, reorderGoals } from '../goals/goals.ts';
import type { ApiDeps } from './api-auth.ts';
import { dashboardAccess, fail, jsonBody, ownedSite, readableSite } from './dashboard-access.ts';

/** The dashboard's names for a goal's fields: those of its JSON. */
const FIELDS: GoalFieldNames = { kind: 'kind', pagePath: 'pagePath', eventName: 'eventName', prop: 'prop', currency: 'currency', displayName: 'displayName' };

/** A goal as the dashboard reads it (without its site and position: the list's order is its position). */
export type GoalInfo = GoalDefinition & { id: number };

const info = ({ siteId: _site, position: _position, ...goal }: Goal): GoalInfo => goal;

const UNKNOWN_GOAL = 'unknown goal';

function goalId(c: Context): number | null {
  const id = c.req.param('id') ?? '';
  return /^\d{1,15}$/.test(id) ? Number(id) : null;
}

/** Runs a change whose GoalError is the caller's mistake: 400 with its message (409 for a funnel's step). */
async function checked(c: Context, change: () => Promise<Response>): Promise<Response> {
  try {
    return await change();
  } catch (e) {
    if (e instanceof GoalInUseError) return fail(c, 409, e.message).response;
    if (e instanceof GoalError) return fail(c, 400, e.message).response;
    throw e;
  }
}

export function dashboardGoals(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/api/dashboard/sites/:domain/goals', async (c) => {
    const access = await dashboardAccess(deps, c);
    if ('response' in access) return access.response;
    const site = await readableSite(deps, c, access.ok);
    if ('response' in site) return site.response;
    const goals = await listGoals(deps.db, site.ok.id);
    // The site view draws suggestions only without goals: it asks for them only then, sparing D1 the reads on every draw.
    const suggest = c.req.query('suggestions') !== 'when-empty' || goals.length === 0;
    const sent = suggest ? await sentEventNames(deps.db, site.ok.id) : [];
    return c.json({ goals: goals.map(info), suggestions: suggest ? goalSuggestions(goals, sent) : [] });
  });

  app.post('/api/dashboard/sites/:domain/goals', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    return checked(c, async () => {
      const { kind, pagePath, eventName, prop, currency, displayName } = body.ok;
      const definition = parseGoal({ kind, pagePath, eventName, prop, currency, displayName }, FIELDS);
      const { goal, created } = await addGoal(deps.db, site.ok.id, definition, deps.clock(), FIELDS);
      return c.json({ goal: info(goal), created }, created ? 201 : 200);
    });
  });

  app.patch('/api/dashboard/sites/:domain/goals/:id', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const id = goalId(c);
    if (id === null) return fail(c, 404, UNKNOWN_GOAL).response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    return checked(c, async () => {
      if (!(await renameGoal(deps.db, site.ok.id, id, body.ok.displayName, FIELDS))) return fail(c, 404, UNKNOWN_GOAL).response;
      const goal = await findGoal(deps.db, site.ok.id, id);
      return goal ? c.json({ goal: info(goal) }) : fail(c, 404, UNKNOWN_GOAL).response;
    });
  });

  app.delete('/api/dashboard/sites/:domain/goals/:id', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const id = goalId(c);
    return checked(c, async () => {
      if (id === null || !(await removeGoal(deps.db, site.ok.id, id))) return fail(c, 404, UNKNOWN_GOAL).response;
      return c.json({ deleted: true });
    });
  });

  app.put('/api/dashboard/sites/:domain/goals/order', async (c) => {
    const site = await ownedSite(deps, c);
    if ('response' in site) return site.response;
    const body = await jsonBody(c);
    if ('response' in body) return body.response;
    const ids = body.ok.ids;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id))) return fail(c, 400, 'ids: the goals\' ids in their new order, as an array of numbers').response;
    try {
      return c.json({ goals: (await reorderGoals(deps.db, site.ok.id, ids as number[])).map(info) });
    } catch (e) {
      // The core names the Sites API's field; this route's is `ids`.
      if (e instanceof GoalError) return fail(c, 400, e.message.replace(/^goal_ids:/, 'ids:')).response;
      throw e;
    }
  });

  return app;
}
