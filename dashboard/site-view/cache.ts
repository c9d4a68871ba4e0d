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
  // The browser's own marks, read by bench/dashboard.ts: a query sent, answered, and drawn
  // (the reactions to its answer, which run before this microtask).
  performance.mark('tq:send');
  result.then(() => {
    performance.mark('tq:answer');
    queueMicrotask(() => performance.mark('tq:drawn'));
  }, () => {});
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

/**
 * Asks the kept queries that `match` again; once every one has answered, their new answers
 * replace the old at once, so the next draw finds them all and shows no loading state.
 */
export async function refreshCached(match: (q: StatsQuery) => boolean): Promise<void> {
  const stale = [...entries.keys()].filter((key) => match(JSON.parse(key) as StatsQuery));
  const fresh = await Promise.allSettled(stale.map((key) => query(JSON.parse(key) as StatsQuery)));
  const now = Date.now();
  fresh.forEach((answer, i) => {
    if (answer.status === 'fulfilled') entries.set(stale[i]!, { at: now, result: Promise.resolve(answer.value) });
  });
}
