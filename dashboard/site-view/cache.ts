/**
 * Stats API answers kept for a minute, by query: a back/forward or a change of range redraws
 * the view from its URL (a tab switch, its panel), and only the queries that changed go to
 * the server.
 * @module
 */
import { type StatsQuery, type StatsResult, query } from '../lib/api.ts';

const TTL_MS = 60_000;
const MAX_ENTRIES = 200;
const entries = new Map<string, { at: number; result: Promise<StatsResult> }>();

export function cachedQuery(q: StatsQuery): Promise<StatsResult> {
  const key = JSON.stringify(q);
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.result;
  const result = query(q);
  entries.set(key, { at: now, result });
  // A failed answer is not kept: the next draw asks again.
  result.catch(() => entries.delete(key));
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  return result;
}

/** After a write (an annotation) or on a reload of the view by hand. */
export function clearCache(): void {
  entries.clear();
}
