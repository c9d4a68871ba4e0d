/**
 * How long a worker thread that died (the ingest thread, the reader thread) waits before it
 * is started again: a quarter second, doubling while it keeps failing, at most 30 s.
 * @module
 */
const FIRST_RESTART_MS = 250;
const MAX_RESTART_MS = 30_000;

/** The pause before restart number `failures + 1`. */
export function restartDelay(failures: number): number {
  return Math.min(MAX_RESTART_MS, FIRST_RESTART_MS * 2 ** failures);
}
