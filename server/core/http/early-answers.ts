/**
 * The site view's queries started by the server as it answers the page (dashboard-pages.ts),
 * kept a few seconds for the page's own batch (dashboard-queries.ts) to take: the queries
 * run while the browser loads and evaluates the page's files instead of after. The page
 * comes with a random key in a cookie (EARLY_COOKIE) the browser sends with its batch; a
 * started answer is handed
 * only to the holder that started it (the same session or shared link) and only for the very
 * same query text, once. Kept at most `keepMs` after the start (today's data stays fresh),
 * for a bounded number of pages and bytes: a page that never asks leaves nothing behind.
 * @module
 */

/** One query's answer as the batch sends it: what POST /api/v2/query answered. */
export interface AnsweredQuery {
  status: number;
  body: string;
  retryAfter: number | null;
}

interface Started {
  holder: string;
  at: number;
  answers: Map<string, Promise<AnsweredQuery>>;
  /** The bytes of each kept answer once it has arrived. */
  sizes: Map<string, number>;
}

/** A view's answers are a few KB to a few hundred; bounds well beyond a burst of page loads. */
const MAX_PAGES = 64;
const MAX_BYTES = 16 * 1024 * 1024;
/** Long enough for a slow first load (files, evaluation) and short enough for today's figures. */
export const EARLY_KEEP_MS = 10_000;
const KEY_BYTES = 16;

export interface EarlyAnswersOptions {
  clock?: () => number;
  keepMs?: number;
  maxPages?: number;
  maxBytes?: number;
}

export class EarlyAnswers {
  private readonly started = new Map<string, Started>();
  private bytes = 0;
  /** Answers handed to a page's batch, and started ones never taken (tests and the bench read them). */
  served = 0;
  unused = 0;
  private readonly clock: () => number;
  private readonly keepMs: number;
  private readonly maxPages: number;
  private readonly maxBytes: number;

  constructor(options: EarlyAnswersOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.keepMs = options.keepMs ?? EARLY_KEEP_MS;
    this.maxPages = options.maxPages ?? MAX_PAGES;
    this.maxBytes = options.maxBytes ?? MAX_BYTES;
  }

  /**
   * Starts `texts` with `run` for `holder` and answers the key the page sends back, or null
   * when as many pages' answers are kept already (the page's batch then runs as before).
   */
  start(holder: string, texts: readonly string[], run: (text: string) => Promise<AnsweredQuery>): string | null {
    this.sweep();
    if (this.started.size >= this.maxPages || texts.length === 0) return null;
    const key = randomKey();
    const entry: Started = { holder, at: this.clock(), answers: new Map(), sizes: new Map() };
    this.started.set(key, entry);
    for (const text of new Set(texts)) {
      const answer = run(text);
      entry.answers.set(text, answer);
      answer.then(
        (a) => {
          // Taken already, or the page's answers gone: nothing to count.
          if (entry.answers.get(text) !== answer || this.started.get(key) !== entry) return;
          if (this.bytes + a.body.length > this.maxBytes) return void entry.answers.delete(text);
          entry.sizes.set(text, a.body.length);
          this.bytes += a.body.length;
        },
        () => entry.answers.delete(text),
      );
    }
    const timer = setTimeout(() => this.drop(key), this.keepMs);
    (timer as { unref?: () => void }).unref?.();
    return key;
  }

  /** The started answer of `text` for `holder`'s page `key`, or null: then the query runs as any other. */
  take(key: string, holder: string, text: string): Promise<AnsweredQuery> | null {
    const entry = this.started.get(key);
    if (!entry || entry.holder !== holder) return null;
    if (this.clock() - entry.at > this.keepMs) {
      this.drop(key);
      return null;
    }
    const answer = entry.answers.get(text);
    if (!answer) return null;
    entry.answers.delete(text);
    // Its bytes leave with it: the batch holds the answer now.
    this.bytes -= entry.sizes.get(text) ?? 0;
    entry.sizes.delete(text);
    this.served += 1;
    if (entry.answers.size === 0) this.drop(key);
    return answer;
  }

  /** Pages whose answers are kept now. */
  get pages(): number {
    return this.started.size;
  }

  private drop(key: string): void {
    const entry = this.started.get(key);
    if (!entry) return;
    this.started.delete(key);
    for (const size of entry.sizes.values()) this.bytes -= size;
    this.unused += entry.answers.size;
  }

  private sweep(): void {
    const now = this.clock();
    for (const [key, entry] of this.started) if (now - entry.at > this.keepMs) this.drop(key);
  }
}

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
