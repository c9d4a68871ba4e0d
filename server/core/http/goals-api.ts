/**
 * The Sites API's goal routes, as Plausible's (plausible.io/docs/sites-api and its
 * ExternalSitesController): `PUT /api/v1/sites/goals` finds or creates a goal,
 * `GET /api/v1/sites/goals?site_id=` lists them, `DELETE /api/v1/sites/goals/:goal_id`
 * (with `site_id`) deletes one; `site_id` is the site's domain. A goal is shown as
 * Plausible's encoder shows it (`id`, `goal_type`, `event_name`, `page_path`,
 * `custom_props`, `display_name`, and `domain` when created), with Teller's `currency`.
 * Mounted inside sitesApi, behind its admin-token check.
 * @module
 */
import { Hono, type Context } from 'hono';
import { addGoal, GOAL_API_NAMES, GoalError, GoalInUseError, type Goal, listGoals, parseGoal, removeGoal } from '../goals/goals.ts';
import { findSite } from '../sites.ts';
import { badRequest, type ApiDeps } from './api-auth.ts';
import { readFields } from './body.ts';

const MAX_LIMIT = 100;
/** A goal's fields, a property value of 2000 characters included. */
const MAX_BODY_BYTES = 16 * 1024;

interface GoalJson {
  id: number;
  goal_type: 'page' | 'event';
  display_name: string;
  event_name: string | null;
  page_path: string | null;
  custom_props: Record<string, string>;
  currency: string | null;
}

export function goalJson(goal: Goal): GoalJson {
  const event = goal.kind === 'event' ? goal : null;
  return {
    id: goal.id,
    goal_type: goal.kind,
    display_name: goal.displayName,
    event_name: event?.eventName ?? null,
    page_path: goal.kind === 'page' ? goal.pagePath : null,
    custom_props: event?.prop ? { [event.prop.key]: event.prop.value } : {},
    currency: event?.currency ?? null,
  };
}

/** Plausible's message for a missing parameter. */
const missing = (c: Context, name: string, action: string) => badRequest(c, `Parameter \`${name}\` is required to ${action}`);
const siteNotFound = (c: Context) => c.json({ error: 'Site could not be found' }, 404);

const given = (value: unknown) => value !== undefined && value !== null && value !== '';

/** `custom_props` as JSON sends it, or a form's `custom_props[plan]=pro` fields gathered into one. */
function customProps(fields: Record<string, unknown>): unknown {
  if (fields.custom_props !== undefined) return fields.custom_props;
  const entries = Object.entries(fields).flatMap(([k, v]) => {
    const key = /^custom_props\[(.+)\]$/.exec(k)?.[1];
    return key === undefined ? [] : [[key, v] as const];
  });
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

export function goalsApi(deps: ApiDeps): Hono {
  const app = new Hono();

  app.put('/api/v1/sites/goals', async (c) => {
    const fields = await readFields(c, MAX_BODY_BYTES);
    if (!fields) return badRequest(c, 'The body must be a JSON object or a form with site_id, goal_type and event_name or page_path.');
    for (const name of ['site_id', 'goal_type']) if (!given(fields[name])) return missing(c, name, 'create a goal');
    const site = typeof fields.site_id === 'string' ? await findSite(deps.db, fields.site_id) : null;
    if (!site) return siteNotFound(c);
    const needed = fields.goal_type === 'event' ? 'event_name' : fields.goal_type === 'page' ? 'page_path' : null;
    if (needed && (!given(fields[needed]) || (typeof fields[needed] === 'string' && fields[needed].trim() === ''))) return missing(c, needed, 'create a goal');
    try {
      const definition = parseGoal({
        kind: fields.goal_type,
        pagePath: fields.page_path,
        eventName: fields.event_name,
        prop: customProps(fields),
        currency: fields.currency,
        displayName: fields.display_name,
      }, GOAL_API_NAMES);
      const { goal } = await addGoal(deps.db, site.id, definition, deps.clock());
      return c.json({ domain: site.domain, ...goalJson(goal) });
    } catch (e) {
      if (e instanceof GoalError) return badRequest(c, e.message);
      throw e;
    }
  });

  app.get('/api/v1/sites/goals', async (c) => {
    const siteId = c.req.query('site_id');
    if (!given(siteId)) return missing(c, 'site_id', 'list goals');
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? MAX_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return badRequest(c, `limit: an integer from 1 to ${MAX_LIMIT}`);
    const site = await findSite(deps.db, siteId!);
    if (!site) return siteNotFound(c);
    const goals = await listGoals(deps.db, site.id);
    // The cursor is the last goal's id: the next page starts after it in the owner's order.
    const after = c.req.query('after');
    const start = after === undefined ? 0 : goals.findIndex((g) => String(g.id) === after) + 1;
    if (after !== undefined && start === 0) return badRequest(c, 'after: not a goal of this site; use meta.after of the previous page');
    const page = goals.slice(start, start + limit);
    return c.json({
      goals: page.map(goalJson),
      meta: { after: start + limit < goals.length ? String(page.at(-1)!.id) : null, before: null, limit },
    });
  });

  app.delete('/api/v1/sites/goals/:goal_id', async (c) => {
    const fields = (await readFields(c, MAX_BODY_BYTES)) ?? {};
    // Plausible reads site_id from the body or the query string.
    const siteId = fields.site_id ?? c.req.query('site_id');
    if (!given(siteId)) return missing(c, 'site_id', 'delete a goal');
    const goalIdText = c.req.param('goal_id');
    if (!/^\d{1,15}$/.test(goalIdText)) return badRequest(c, 'goal_id: a goal\'s id, a whole number (GET /api/v1/sites/goals lists them)');
    const site = typeof siteId === 'string' ? await findSite(deps.db, siteId) : null;
    if (!site) return siteNotFound(c);
    try {
      if (!(await removeGoal(deps.db, site.id, Number(goalIdText)))) return c.json({ error: 'Goal could not be found' }, 404);
    } catch (e) {
      if (e instanceof GoalInUseError) return c.json({ error: e.message }, 409);
      throw e;
    }
    return c.json({ deleted: true });
  });

  return app;
}
