/**
 * A fixed one-minute window per key. The Events API keys it on the site and the client's
 * truncated address (IPv4 /24, IPv6 /48), so the limiter never holds a full IP: it guards
 * the store against one client flooding a site, while real visitors, even many behind one
 * address block, stay far below the default. The Stats API keys it on the credential.
 *
 * State lives in memory: on Node in the ingest thread (one for the process), on Workers
 * per isolate, so there it is a best effort against floods that reach one isolate.
 * @module
 */

/** Events per minute per site and address block, unless TELLER_EVENT_RATE_LIMIT says otherwise. */
export const DEFAULT_EVENT_RATE_LIMIT = 1200;

const WINDOW_MS = 60_000;
/** Keys kept at most: past this, finished windows are dropped, and if none are, all (fail open). */
const MAX_KEYS = 100_000;

interface Window {
  start: number;
  count: number;
}

export interface RateLimiter {
  /** null when the event may go on, else the seconds until the key's window ends. */
  take(key: string, nowMs: number): number | null;
}

/** `perMinute` 0 turns the limit off. */
export function createRateLimiter(perMinute: number): RateLimiter {
  const windows = new Map<string, Window>();
  const prune = (nowMs: number) => {
    for (const [key, w] of windows) if (nowMs - w.start >= WINDOW_MS) windows.delete(key);
    if (windows.size >= MAX_KEYS) windows.clear();
  };
  return {
    take(key, nowMs) {
      if (perMinute === 0) return null;
      let w = windows.get(key);
      if (!w || nowMs - w.start >= WINDOW_MS) {
        if (!w && windows.size >= MAX_KEYS) prune(nowMs);
        w = { start: nowMs, count: 0 };
        windows.set(key, w);
      }
      if (w.count >= perMinute) return Math.max(1, Math.ceil((w.start + WINDOW_MS - nowMs) / 1000));
      w.count++;
      return null;
    },
  };
}
