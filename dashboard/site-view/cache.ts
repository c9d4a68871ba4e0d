/**
 * Stats API answers kept for a minute, by query: a back/forward or a change of range redraws
 * the view from its URL (a tab switch, its panel), and only the queries that changed go to
 * the server.
 * @module
 */
import { type ApiError, type StatsQuery, type StatsResult, queries, query } from '../lib/api.ts';

const TTL_MS = 60_000;
const MAX_ENTRIES = 200;
const entries = new Map<string, { at: number; result: Promise<StatsResult> }>();

type Settle = (answer: StatsResult | ApiError | TypeError) => void;
/** The queries asked in this synchronous pass (a view's draw), sent together once it ends. */
let asked: Array<{ q: StatsQuery; settle: Settle }> | null = null;
/** Requests beside the pass's queries (afterSend), started once its batch is sent. */
let besides: Array<() => void> = [];
/** Passes asked or sent and not yet answered, and who waits for them all (afterQueries). */
let unanswered = 0;
let waiting: Array<() => void> = [];

function answered(): void {
  if (--unanswered > 0) return;
  for (const resume of waiting.splice(0)) resume();
}

/**
 * Settles once the queries asked so far are answered: a request beside the view's (the
 * realtime count) waits for it, so the server reads the view's queries first.
 */
export function afterQueries(): Promise<void> {
  return unanswered === 0 ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve));
}

/**
 * Starts `request` once the queries asked in this pass are sent, at once when none wait: the
 * view's batch is the first request on the wire and at the server, and starting the requests
 * beside it (the goal list, annotations, recent visits) does not hold it back.
 */
export function afterSend<T>(request: () => Promise<T>): Promise<T> {
  if (!asked) return request();
  return new Promise<T>((resolve, reject) => besides.push(() => request().then(resolve, reject)));
}

/**
 * Sends the pass's queries: one alone to the Stats API, several in one request whose answers
 * are drawn as each arrives. A query left unanswered (the connection lost) fails as the network.
 */
function send(): void {
  const batch = asked!;
  asked = null;
  // The browser's own marks, read by bench/dashboard.ts: queries sent, each answered, and
  // drawn (the reactions to its answer, which run before the microtask queued here).
  performance.mark('tq:send');
  const only = batch.length === 1 && batch[0]!;
  if (only) void query(only.q).then(only.settle, only.settle).finally(answered);
  else {
    queries(
      batch.map((a) => a.q),
      (i, answer) => batch[i]?.settle(answer),
    )
      .then(
        () => batch.forEach((a) => a.settle(new TypeError())),
        (error: ApiError | TypeError) => batch.forEach((a) => a.settle(error)),
      )
      .finally(answered);
  }
  for (const start of besides.splice(0)) start();
}

function ask(q: StatsQuery): Promise<StatsResult> {
  return new Promise((resolve, reject) => {
    if (!asked) {
      // The pass's first query (bench/dashboard.ts): from here to `tq:send` the view draws its skeleton.
      performance.mark('tq:ask');
      asked = [];
      unanswered++;
      queueMicrotask(send);
    }
    asked.push({ q, settle: (answer) => (answer instanceof Error ? reject(answer) : resolve(answer)) });
  });
}

export function cachedQuery(q: StatsQuery): Promise<StatsResult> {
  const key = JSON.stringify(q);
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.result;
  const result = ask(q);
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
  const fresh = await Promise.allSettled(stale.map((key) => ask(JSON.parse(key) as StatsQuery)));
  const now = Date.now();
  fresh.forEach((answer, i) => {
    if (answer.status === 'fulfilled') entries.set(stale[i]!, { at: now, result: Promise.resolve(answer.value) });
  });
}
