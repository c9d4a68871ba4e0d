/**
 * Funnels: per-site definitions of 2 to 8 of the site's goals in order, over stored events
 * (query.ts counts them). A step names a goal by id or by display name; a goal is at most
 * once in a funnel. Names are trimmed, 1 to 120 characters, unique per site. Saving a
 * funnel under a name the site has replaces its steps (as PUT does), so a script can
 * define its funnels again and again without making copies.
 * @module
 */
import { type Goal, listGoals } from '../goals/goals.ts';
import type { Db, SqlValue, Stmt } from '../ports.ts';

export const MIN_STEPS = 2;
export const MAX_STEPS = 8;
export const MAX_FUNNEL_NAME = 120;

/** A funnel that cannot be stored as given; the message names the field. */
export class FunnelError extends Error {}

export interface Funnel {
  id: number;
  siteId: number;
  name: string;
  /** The steps' goals, in order. */
  steps: Goal[];
}

/** A funnel as given, checked for shape: its name, and each step as a goal id or display name. */
export interface FunnelInput {
  name: string;
  steps: Array<number | string>;
}

/** What each field is called where the input came from (API body, CLI), for messages. */
export interface FunnelFieldNames {
  name: string;
  steps: string;
}

export const FUNNEL_API_NAMES: FunnelFieldNames = { name: 'name', steps: 'steps' };

/** Checks a funnel's name and the shape of its steps; which goals they are is resolved against the site's (resolveSteps). */
export function parseFunnel(input: { name?: unknown; steps?: unknown }, names: FunnelFieldNames = FUNNEL_API_NAMES): FunnelInput {
  if (typeof input.name !== 'string' || input.name.trim() === '') throw new FunnelError(`${names.name}: a funnel needs a name`);
  const name = input.name.trim();
  if (name.length > MAX_FUNNEL_NAME) throw new FunnelError(`${names.name}: at most ${MAX_FUNNEL_NAME} characters`);
  const steps = input.steps;
  if (!Array.isArray(steps) || steps.length < MIN_STEPS || steps.length > MAX_STEPS) {
    throw new FunnelError(`${names.steps}: a list of ${MIN_STEPS} to ${MAX_STEPS} goals, each a goal's id or display name, in order`);
  }
  const checked = steps.map((step, i): number | string => {
    if (typeof step === 'number' && Number.isSafeInteger(step) && step > 0) return step;
    if (typeof step === 'string' && step.trim() !== '') return step.trim();
    throw new FunnelError(`${names.steps}: step ${i + 1} must be a goal's id or display name`);
  });
  return { name, steps: checked };
}

/** The site's goals the steps name, in order; a FunnelError names a step that is no goal of the site, or a goal named twice. */
export function resolveSteps(input: FunnelInput, goals: readonly Goal[], names: FunnelFieldNames = FUNNEL_API_NAMES): Goal[] {
  const resolved = input.steps.map((step, i) => {
    const goal = goals.find((g) => (typeof step === 'number' ? g.id === step : g.displayName === step));
    if (!goal) throw new FunnelError(`${names.steps}: step ${i + 1} (${JSON.stringify(step).slice(0, 130)}) is not a goal of this site`);
    return goal;
  });
  const twice = resolved.find((g, i) => resolved.findIndex((o) => o.id === g.id) !== i);
  if (twice) throw new FunnelError(`${names.steps}: goal "${twice.displayName}" is named twice; a goal is one step of a funnel at most`);
  return resolved;
}

interface StepRow {
  funnel_id: number;
  name: string;
  goal_id: number;
}

function assemble(siteId: number, rows: StepRow[], goals: readonly Goal[]): Funnel[] {
  const byId = new Map(goals.map((g) => [g.id, g]));
  const funnels = new Map<number, Funnel>();
  for (const row of rows) {
    let funnel = funnels.get(row.funnel_id);
    if (!funnel) funnels.set(row.funnel_id, (funnel = { id: row.funnel_id, siteId, name: row.name, steps: [] }));
    const goal = byId.get(row.goal_id);
    if (goal) funnel.steps.push(goal);
  }
  return [...funnels.values()];
}

const STEPS_SQL = `SELECT f.id AS funnel_id, f.name, s.goal_id FROM funnels f JOIN funnel_steps s ON s.funnel_id = f.id
  WHERE f.site_id = ?`;

/** The site's funnels, oldest first, each with its steps' goals. */
export async function listFunnels(db: Db, siteId: number): Promise<Funnel[]> {
  const rows = await db.all<StepRow>(`${STEPS_SQL} ORDER BY f.id, s.position`, [siteId]);
  return assemble(siteId, rows, await listGoals(db, siteId));
}

export async function findFunnel(db: Db, siteId: number, id: number): Promise<Funnel | null> {
  const rows = await db.all<StepRow>(`${STEPS_SQL} AND f.id = ? ORDER BY s.position`, [siteId, id]);
  return assemble(siteId, rows, await listGoals(db, siteId))[0] ?? null;
}

/** The statements writing a funnel's steps, only for goals that still exist; `funnelId` is SQL with its parameters. */
function stepStatements(siteId: number, funnelId: { sql: string; params: SqlValue[] }, steps: readonly Goal[]): Stmt[] {
  return [
    { sql: `DELETE FROM funnel_steps WHERE funnel_id = ${funnelId.sql}`, params: funnelId.params },
    ...steps.map((goal, position) => ({
      sql: `INSERT INTO funnel_steps (funnel_id, site_id, position, goal_id) SELECT ${funnelId.sql}, ?, ?, id FROM goals WHERE site_id = ? AND id = ?`,
      params: [...funnelId.params, siteId, position, siteId, goal.id],
    })),
  ];
}

/** The funnel as stored, checked to have every step it was saved with. */
async function readBack(db: Db, siteId: number, id: number | undefined, stepCount: number, names: FunnelFieldNames): Promise<Funnel | null> {
  const funnel = id === undefined ? null : await findFunnel(db, siteId, id);
  if (funnel && funnel.steps.length !== stepCount) throw new FunnelError(`${names.steps}: a goal of this funnel was deleted while it was saved; save it again`);
  return funnel;
}

/**
 * Stores the funnel: a new one, or the site's funnel of that name with its steps replaced.
 * One batch, whose step rows are written only for goals that still exist, so a goal deleted
 * meanwhile leaves a funnel short of a step rather than pointing at nothing (and the read
 * back says so).
 */
export async function saveFunnel(db: Db, siteId: number, input: FunnelInput, nowMs: number, names: FunnelFieldNames = FUNNEL_API_NAMES): Promise<{ funnel: Funnel; created: boolean }> {
  const steps = resolveSteps(input, await listGoals(db, siteId), names);
  const existing = await db.first<{ id: number }>('SELECT id FROM funnels WHERE site_id = ? AND name = ?', [siteId, input.name]);
  const funnelId = { sql: '(SELECT id FROM funnels WHERE site_id = ? AND name = ?)', params: [siteId, input.name] };
  await db.batch([
    { sql: 'INSERT INTO funnels (site_id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', params: [siteId, input.name, Math.floor(nowMs / 1000)] },
    ...stepStatements(siteId, funnelId, steps),
  ]);
  const row = await db.first<{ id: number }>(`SELECT id FROM funnels WHERE site_id = ? AND name = ?`, [siteId, input.name]);
  const funnel = await readBack(db, siteId, row?.id, steps.length, names);
  if (!funnel) throw new FunnelError(`${names.name}: the funnel was removed while it was saved; save it again`);
  return { funnel, created: !existing };
}

/** Gives funnel `id` this name and these steps; null when the site has no such funnel, a FunnelError when another has the name. */
export async function updateFunnel(db: Db, siteId: number, id: number, input: FunnelInput, names: FunnelFieldNames = FUNNEL_API_NAMES): Promise<Funnel | null> {
  const steps = resolveSteps(input, await listGoals(db, siteId), names);
  if (!(await db.first('SELECT 1 AS found FROM funnels WHERE site_id = ? AND id = ?', [siteId, id]))) return null;
  const other = await db.first<{ id: number }>('SELECT id FROM funnels WHERE site_id = ? AND name = ? AND id <> ?', [siteId, input.name, id]);
  if (other) throw new FunnelError(`${names.name}: another funnel of this site is called "${input.name}"`);
  // OR IGNORE: a name taken meanwhile leaves the name as it was instead of raising; the read back shows it.
  await db.batch([
    { sql: 'UPDATE OR IGNORE funnels SET name = ? WHERE site_id = ? AND id = ?', params: [input.name, siteId, id] },
    ...stepStatements(siteId, { sql: '?', params: [id] }, steps),
  ]);
  return readBack(db, siteId, id, steps.length, names);
}

/** Deletes a funnel and its steps; false when the site has no such funnel. */
export async function removeFunnel(db: Db, siteId: number, id: number): Promise<boolean> {
  if (!(await db.first('SELECT 1 AS found FROM funnels WHERE site_id = ? AND id = ?', [siteId, id]))) return false;
  await db.batch([
    { sql: 'DELETE FROM funnel_steps WHERE site_id = ? AND funnel_id = ?', params: [siteId, id] },
    { sql: 'DELETE FROM funnels WHERE site_id = ? AND id = ?', params: [siteId, id] },
  ]);
  return true;
}
