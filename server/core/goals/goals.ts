/**
 * Goals: per-site definitions over stored events, so they count all of a site's history.
 * A pageview goal is a path (pattern.ts has its wildcards); a custom-event goal is an event
 * name, optionally with one property value and, for revenue, an ISO 4217 currency. Checks
 * and limits follow Plausible's (Plausible.Goal): a page path gets its leading `/`, names
 * are trimmed, event names are at most 120 characters, the display name defaults to
 * `Visit <path>` or the event name, and both the definition and the display name are unique
 * per site. Adding is find-or-create, as Plausible's Sites API route is.
 * @module
 */
import { MAX_NAME_LENGTH, MAX_PROP_KEY, MAX_PROP_VALUE } from '../ingest/payload.ts';
import { MAX_PATH_LENGTH } from '../ingest/page.ts';
import type { Db, SqlValue, Stmt } from '../ports.ts';
import { pageviewGoalGlob, pageviewGoalMatches } from './pattern.ts';

export { pageviewGoalGlob, pageviewGoalMatches } from './pattern.ts';

export type GoalKind = 'page' | 'event';

export interface GoalProp {
  key: string;
  value: string;
}

/** A goal's definition, checked. */
export type GoalDefinition =
  | { kind: 'page'; pagePath: string; displayName: string }
  | { kind: 'event'; eventName: string; prop: GoalProp | null; currency: string | null; displayName: string };

export type Goal = GoalDefinition & { id: number; siteId: number; position: number };

/** A definition as typed or sent, before checking. */
export interface GoalInput {
  kind?: unknown;
  pagePath?: unknown;
  eventName?: unknown;
  prop?: unknown;
  currency?: unknown;
  displayName?: unknown;
}

/** What each field is called where the input came from (API body, CLI option), for messages. */
export type GoalFieldNames = Record<keyof GoalInput, string>;

export const GOAL_API_NAMES: GoalFieldNames = {
  kind: 'goal_type',
  pagePath: 'page_path',
  eventName: 'event_name',
  prop: 'custom_props',
  currency: 'currency',
  displayName: 'display_name',
};

/** A goal that cannot be stored as given; the message names the field. */
export class GoalError extends Error {}

/** A goal that cannot be deleted because funnels have it as a step (0018_funnels.sql). */
export class GoalInUseError extends GoalError {}

export const MAX_DISPLAY_NAME = 120;

/** Events Teller stores that are not custom events, so no event goal may name them. */
const RESERVED_EVENTS = new Set(['pageview', 'engagement']);

function text(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new GoalError(`${name}: must be a string`);
  if (value.includes('\u0000')) throw new GoalError(`${name}: must not contain a NUL character`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function checkPath(value: unknown, name: string): string {
  const given = text(value, name);
  if (given === undefined) throw new GoalError(`${name}: is required for a page goal and must start with a /`);
  const path = given.startsWith('/') ? given : `/${given}`;
  if (path.length > MAX_PATH_LENGTH) throw new GoalError(`${name}: at most ${MAX_PATH_LENGTH} characters`);
  return path;
}

function checkEventName(value: unknown, name: string): string {
  const eventName = text(value, name);
  if (eventName === undefined) throw new GoalError(`${name}: is required for an event goal and cannot be blank`);
  if (eventName.length > MAX_NAME_LENGTH) throw new GoalError(`${name}: at most ${MAX_NAME_LENGTH} characters`);
  if (RESERVED_EVENTS.has(eventName)) {
    throw new GoalError(`${name}: "${eventName}" is not a custom event${eventName === 'pageview' ? '; make a page goal instead' : ''}`);
  }
  return eventName;
}

/** One property (`{"plan": "pro"}`), or none when absent or `{}`. */
function checkProp(value: unknown, name: string): GoalProp | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new GoalError(`${name}: must be an object of one property name and its value`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return null;
  if (entries.length > 1) throw new GoalError(`${name}: at most one property per goal`);
  const [key, propValue] = entries[0]!;
  if (typeof propValue !== 'string') throw new GoalError(`${name}: the value of ${key.slice(0, 60)} must be a string`);
  if (`${key}${propValue}`.includes('\u0000')) throw new GoalError(`${name}: must not contain a NUL character`);
  if (key.length < 1 || key.length > MAX_PROP_KEY) throw new GoalError(`${name}: a property name is 1 to ${MAX_PROP_KEY} characters`);
  if (propValue.length < 1 || propValue.length > MAX_PROP_VALUE) throw new GoalError(`${name}: a property value is 1 to ${MAX_PROP_VALUE} characters`);
  return { key, value: propValue };
}

function checkCurrency(value: unknown, name: string): string | null {
  const given = text(value, name);
  if (given === undefined) return null;
  const code = given.toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new GoalError(`${name}: an ISO 4217 currency code of three letters, such as EUR or NOK`);
  return code;
}

function checkDisplayName(value: unknown, name: string, fallback: string): string {
  const displayName = text(value, name) ?? fallback;
  if (displayName.length > MAX_DISPLAY_NAME) throw new GoalError(`${name}: at most ${MAX_DISPLAY_NAME} characters`);
  return displayName;
}

/** The name a goal gets when none is given: Plausible's, with the property for a property goal. */
function defaultDisplayName(definition: { kind: 'page'; pagePath: string } | { kind: 'event'; eventName: string; prop: GoalProp | null }): string {
  if (definition.kind === 'page') return `Visit ${definition.pagePath}`;
  const named = definition.prop ? `${definition.eventName} (${definition.prop.key}: ${definition.prop.value})` : definition.eventName;
  return named.slice(0, MAX_DISPLAY_NAME);
}

/** A field given a value: a form sends the fields it does not use as ''. */
const present = (value: unknown) => value !== undefined && value !== null && value !== '';

/** Checks a goal as given; a GoalError names the first bad field as `names` calls it. */
export function parseGoal(input: GoalInput, names: GoalFieldNames = GOAL_API_NAMES): GoalDefinition {
  if (input.kind !== 'page' && input.kind !== 'event') throw new GoalError(`${names.kind}: must be page or event`);
  if (input.kind === 'page') {
    for (const field of ['eventName', 'prop', 'currency'] as const) {
      if (present(input[field])) throw new GoalError(`${names[field]}: only for an event goal`);
    }
    const pagePath = checkPath(input.pagePath, names.pagePath);
    return { kind: 'page', pagePath, displayName: checkDisplayName(input.displayName, names.displayName, defaultDisplayName({ kind: 'page', pagePath })) };
  }
  if (present(input.pagePath)) throw new GoalError(`${names.pagePath}: only for a page goal`);
  const eventName = checkEventName(input.eventName, names.eventName);
  const prop = checkProp(input.prop, names.prop);
  const currency = checkCurrency(input.currency, names.currency);
  const displayName = checkDisplayName(input.displayName, names.displayName, defaultDisplayName({ kind: 'event', eventName, prop }));
  return { kind: 'event', eventName, prop, currency, displayName };
}

interface GoalRow {
  id: number;
  site_id: number;
  kind: string;
  page_path: string;
  event_name: string;
  prop_key: string;
  prop_value: string;
  currency: string;
  display_name: string;
  position: number;
}

function toGoal(row: GoalRow): Goal {
  const common = { id: row.id, siteId: row.site_id, position: row.position, displayName: row.display_name };
  if (row.kind === 'page') return { ...common, kind: 'page', pagePath: row.page_path };
  return {
    ...common,
    kind: 'event',
    eventName: row.event_name,
    prop: row.prop_key === '' ? null : { key: row.prop_key, value: row.prop_value },
    currency: row.currency === '' ? null : row.currency,
  };
}

/** The stored columns that make a definition, '' where unused (0016_goals.sql). */
function definitionColumns(d: GoalDefinition): [string, string, string, string, string] {
  return d.kind === 'page' ? ['page', d.pagePath, '', '', ''] : ['event', '', d.eventName, d.prop?.key ?? '', d.prop?.value ?? ''];
}

const COLUMNS = 'id, site_id, kind, page_path, event_name, prop_key, prop_value, currency, display_name, position';

/** The site's goals in the owner's order. */
export async function listGoals(db: Db, siteId: number): Promise<Goal[]> {
  const rows = await db.all<GoalRow>(`SELECT ${COLUMNS} FROM goals WHERE site_id = ? ORDER BY position, id`, [siteId]);
  return rows.map(toGoal);
}

/** A query (its JSON text or parsed body) that may need the site's goals: `event:goal`, or a revenue metric (revenue goals). */
const NAMES_GOALS = /event:goal|total_revenue|average_revenue/;

/**
 * The site's goals when `query` names a goal or revenue, else none: read only then, so every
 * other query (Stats API, funnel, recent visits) costs D1 no extra rows.
 */
export async function goalsForQuery(db: Db, siteId: number, query: unknown): Promise<Goal[]> {
  const text = typeof query === 'string' ? query : (JSON.stringify(query) ?? '');
  return NAMES_GOALS.test(text) ? listGoals(db, siteId) : [];
}

export async function findGoal(db: Db, siteId: number, id: number): Promise<Goal | null> {
  const row = await db.first<GoalRow>(`SELECT ${COLUMNS} FROM goals WHERE site_id = ? AND id = ?`, [siteId, id]);
  return row ? toGoal(row) : null;
}

async function findDefinition(db: Db, siteId: number, d: GoalDefinition): Promise<Goal | null> {
  const row = await db.first<GoalRow>(
    `SELECT ${COLUMNS} FROM goals WHERE site_id = ? AND kind = ? AND page_path = ? AND event_name = ? AND prop_key = ? AND prop_value = ?`,
    [siteId, ...definitionColumns(d)],
  );
  return row ? toGoal(row) : null;
}

/**
 * Finds the site's goal with this definition or adds it last; `created` says which. An
 * existing goal is returned as it is (its name and currency unchanged), as Plausible does.
 * A GoalError when another goal has the display name.
 */
export async function addGoal(
  db: Db,
  siteId: number,
  d: GoalDefinition,
  nowMs: number,
  names: Pick<GoalFieldNames, 'displayName'> = GOAL_API_NAMES,
): Promise<{ goal: Goal; created: boolean }> {
  const currency = d.kind === 'event' ? (d.currency ?? '') : '';
  // One statement decides, so two clients adding the same goal at once get the same one back.
  const inserted = await db.run(
    `INSERT INTO goals (site_id, kind, page_path, event_name, prop_key, prop_value, currency, display_name, position, created_at)
     SELECT ?, ?, ?, ?, ?, ?, ?, ?, coalesce(max(position) + 1, 0), ? FROM goals WHERE site_id = ?
     ON CONFLICT DO NOTHING`,
    [siteId, ...definitionColumns(d), currency, d.displayName, Math.floor(nowMs / 1000), siteId],
  );
  const goal = await findDefinition(db, siteId, d);
  if (goal) return { goal, created: inserted.changes > 0 };
  throw new GoalError(`${names.displayName}: another goal of this site is called "${d.displayName}"`);
}

/** Renames a goal; false when the site has no such goal, a GoalError when the name is taken or bad. */
export async function renameGoal(db: Db, siteId: number, id: number, name: unknown, names: Pick<GoalFieldNames, 'displayName'> = GOAL_API_NAMES): Promise<boolean> {
  if (text(name, names.displayName) === undefined) throw new GoalError(`${names.displayName}: cannot be blank`);
  const displayName = checkDisplayName(name, names.displayName, '');
  // OR IGNORE: a name another goal has leaves the row as it was instead of raising.
  const changed = await db.run('UPDATE OR IGNORE goals SET display_name = ? WHERE site_id = ? AND id = ?', [displayName, siteId, id]);
  if (changed.changes > 0) return true;
  const goal = await findGoal(db, siteId, id);
  if (!goal) return false;
  if (goal.displayName === displayName) return true;
  throw new GoalError(`${names.displayName}: another goal of this site is called "${displayName}"`);
}

/**
 * Deletes a goal; false when the site has no such goal, a GoalInUseError naming the funnels
 * when it is a step of one (deleting the step silently would change what the funnel
 * measures). The check is part of the delete, so a funnel saved meanwhile is never left
 * pointing at nothing.
 */
export async function removeGoal(db: Db, siteId: number, id: number): Promise<boolean> {
  const deleted = await db.run('DELETE FROM goals WHERE site_id = ? AND id = ? AND NOT EXISTS (SELECT 1 FROM funnel_steps WHERE goal_id = ?)', [siteId, id, id]);
  if (deleted.changes > 0) return true;
  const funnels = await db.all<{ name: string }>(
    'SELECT DISTINCT f.name FROM funnel_steps s JOIN funnels f ON f.id = s.funnel_id WHERE s.site_id = ? AND s.goal_id = ? ORDER BY f.name',
    [siteId, id],
  );
  if (funnels.length === 0) return false;
  const named = funnels.map((f) => `"${f.name}"`).join(', ');
  throw new GoalInUseError(`goal ${id} is a step of the funnel${funnels.length > 1 ? 's' : ''} ${named}; remove ${funnels.length > 1 ? 'them' : 'it'} or change ${funnels.length > 1 ? 'their' : 'its'} steps first`);
}

/** Puts the site's goals in the order of `ids`, which must name each of them once. */
export async function reorderGoals(db: Db, siteId: number, ids: readonly number[]): Promise<Goal[]> {
  const current = await listGoals(db, siteId);
  const known = new Set(current.map((g) => g.id));
  const given = new Set(ids);
  if (given.size !== ids.length || ids.length !== known.size || ids.some((id) => !known.has(id))) {
    throw new GoalError(`goal_ids: name each of the site's ${current.length} goals once (${current.map((g) => g.id).join(', ') || 'none'})`);
  }
  const stmts: Stmt[] = ids.map((id, position) => ({ sql: 'UPDATE goals SET position = ? WHERE site_id = ? AND id = ?', params: [position, siteId, id] }));
  if (stmts.length > 0) await db.batch(stmts);
  return listGoals(db, siteId);
}

/** An event as goals see it. */
export interface GoalEvent {
  name: string;
  path: string;
  props: ReadonlyArray<readonly [string, string]>;
}

/** True when `event` completes `goal`: the reference the SQL condition below is tested against. */
export function goalMatchesEvent(goal: GoalDefinition, event: GoalEvent): boolean {
  if (goal.kind === 'page') return event.name === 'pageview' && pageviewGoalMatches(goal.pagePath, event.path);
  if (event.name !== goal.eventName) return false;
  return goal.prop === null || event.props.some(([k, v]) => k === goal.prop!.key && v === goal.prop!.value);
}

/** True when a text of the goal holds NUL, which SQL text cannot (goals made before parseGoal refused it). */
export function hasNul(goal: GoalDefinition): boolean {
  const texts = Object.values(goal).flatMap((v) => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v) : []));
  return texts.some((t) => typeof t === 'string' && t.includes('\u0000'));
}

/** A stored goal's text as an SQL string literal: SQLite's and DuckDB's quoting alike. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * How a property goal reads `event_props`: `exists`, a lookup per event (SQLite's index on
 * the event); `in`, the matching properties' events gathered once, which DuckDB joins by hash
 * (a correlated EXISTS among a goal breakdown's ORs it tests event by event: three times slower).
 */
export type PropertyLookup = 'exists' | 'in';

/**
 * The SQL condition on one row of `events` (aliased `alias`) that is true when it completes
 * `goal`, for the query engine's `event:goal`. A property goal reads `event_props`. The
 * definition is written in as literals, not bound: a goal breakdown puts every goal of the
 * site in one statement, and D1 binds at most 100 parameters.
 */
export function goalEventCondition(goal: GoalDefinition, alias = 'e', lookup: PropertyLookup = 'exists'): { sql: string; params: SqlValue[] } {
  // A literal cannot hold NUL; parseGoal refuses it, and a goal stored before never matches.
  if (hasNul(goal)) return { sql: 'FALSE', params: [] };
  if (goal.kind === 'page') return { sql: `(${alias}.name = 'pageview' AND ${alias}.path GLOB ${literal(pageviewGoalGlob(goal.pagePath))})`, params: [] };
  if (goal.prop === null) return { sql: `${alias}.name = ${literal(goal.eventName)}`, params: [] };
  const prop = `gp.key = ${literal(goal.prop.key)} AND gp.value = ${literal(goal.prop.value)}`;
  const has =
    lookup === 'in'
      ? `${alias}.id IN (SELECT gp.event_id FROM event_props gp WHERE ${prop})`
      : `EXISTS (SELECT 1 FROM event_props gp WHERE gp.event_id = ${alias}.id AND ${prop})`;
  return { sql: `(${alias}.name = ${literal(goal.eventName)} AND ${has})`, params: [] };
}
