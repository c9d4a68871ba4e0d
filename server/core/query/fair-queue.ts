/**
 * Waiting queries of many credentials, served in turns: the credential served longest ago
 * goes next, and each credential's own queries in the order they came. A credential that
 * starts waiting is placed just before the one served last (unless it is that one), so a
 * light user's query runs right after the query running now, however many a heavy user has
 * queued; and a user who queues one query at a time gains no place by it. Pure: the caller
 * runs what it takes.
 * @module
 */

interface Waiting<T> {
  items: T[];
  /** The turn this credential was last served in, or half a turn before the last one when it started waiting. */
  mark: number;
}

export class FairQueue<T> {
  /** Credentials with queries waiting, in the order they started waiting (which breaks ties). */
  private readonly waiting = new Map<string, Waiting<T>>();
  private turn = 0;
  /** Who was served in `turn`: whether waiting still or not, it goes after those who wait. */
  private servedLast: string | null = null;
  private count = 0;

  /** Queries waiting, of every credential. */
  get size(): number {
    return this.count;
  }

  push(credential: string, item: T): void {
    const entry = this.waiting.get(credential);
    if (entry) entry.items.push(item);
    else this.waiting.set(credential, { items: [item], mark: credential === this.servedLast ? this.turn : this.turn - 0.5 });
    this.count++;
  }

  /** The next query to run and its credential, or undefined when none waits. */
  shift(): { credential: string; item: T } | undefined {
    let next: [string, Waiting<T>] | undefined;
    for (const entry of this.waiting) if (next === undefined || entry[1].mark < next[1].mark) next = entry;
    if (next === undefined) return undefined;
    const [credential, entry] = next;
    const item = entry.items.shift()!;
    entry.mark = ++this.turn;
    this.servedLast = credential;
    if (entry.items.length === 0) this.waiting.delete(credential);
    this.count--;
    return { credential, item };
  }
}
