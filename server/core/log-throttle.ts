/**
 * Log lines for faults that repeat with every request (a full disk fails every event, a
 * DuckDB memory limit every filtered view): one line per interval at most, the next one
 * counting those held back, so the log shows the fault without being buried by it.
 * @module
 */

/** `write` at most once per `intervalMs` of `clock`; a line held back is counted into the next one written. */
export function throttledLog(write: (line: string) => void, clock: () => number, intervalMs: number): (line: string) => void {
  let last = -Infinity;
  let heldBack = 0;
  return (line) => {
    const now = clock();
    if (now - last < intervalMs) {
      heldBack++;
      return;
    }
    write(heldBack > 0 ? `${line} (and ${heldBack} more since the last report)` : line);
    last = now;
    heldBack = 0;
  };
}
