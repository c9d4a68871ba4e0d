/**
 * Requests and their answers between the server and a worker thread or child process it
 * supervises (supervisor.ts): the ingest thread, the reader thread, the columnar copy's
 * process. Each named call numbers its requests, keeps them pending until answered, and
 * sends them as one list per event-loop turn (a message costs more than an event's data);
 * the other side answers in one list per microtask turn. A request the other side fails is
 * settled with its message (and code); every request in flight is settled when the other
 * side ends or a message cannot reach it. Messages other than requests, answers, `ready`
 * and `close` are notes, one way, for the two sides' own use.
 * @module
 */
import { parentPort } from 'node:worker_threads';

/** Requests of one call, as sent: `requests[i]` is request number `ids[i]`. */
export interface AskMessage<Req = unknown> {
  type: 'ask';
  call: string;
  ids: number[];
  requests: Req[];
}

/** Answers of one call, in the same form; `failures` are [id, message, code]. */
export interface AnswersMessage<Ans = unknown> {
  type: 'answers';
  call: string;
  ids: number[];
  answers: Ans[];
  failures: Failure[];
}

type Failure = [id: number, message: string, code: string | null];

/** The server's way to its thread or process: posts, or says why it cannot take work now. */
export interface Link {
  /** Posts `message`, or returns why not; `failed` hears of a message that was sent but could not arrive. */
  post(message: unknown, failed?: (error: Error) => void): string | null;
}

/** What a request gets when it is not answered: an answer of its own, or an Error to reject with. */
export interface Settle<Ans> {
  /** The other side ended, or was unreachable, before answering (`why` says which). */
  lost(why: string): Ans | Error;
  /** The other side failed the request, with this message and code. */
  failed(message: string, code: string | null): Ans | Error;
}

/** A call's handler on the other side: a request in, a promised answer out. */
type Handler = (request: never) => Promise<unknown>;
/** Calls by name, as the other side serves them (e.g. `{ read: (read: Read) => Promise<Rows> }`). */
export type Calls<C> = { [Name in keyof C]: Handler };
type RequestOf<H> = H extends (request: infer Req) => Promise<unknown> ? Req : never;
type AnswerOf<H> = H extends (request: never) => Promise<infer Ans> ? Ans : never;

/**
 * Only a request's resolve is kept (one function per event on the ingest thread's path); a
 * failure resolves it with a rejected promise, which rejects it.
 */
type Resolve<Ans> = (value: Ans | Promise<never>) => void;

const settleWith = <Ans>(resolve: Resolve<Ans>, outcome: Ans | Error) => resolve(outcome instanceof Error ? Promise.reject(outcome) : outcome);

/** One call's requests from the server: numbered, pending until answered or lost. */
export class Call<Req, Ans> {
  private readonly pending = new Map<number, Resolve<Ans>>();
  private ids: number[] = [];
  private requests: Req[] = [];
  private nextId = 1;
  private scheduled = false;

  constructor(
    private readonly link: Link,
    readonly name: string,
    private readonly settle: Settle<Ans>,
  ) {}

  /** Requests asked and not yet answered. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Sends `request` with the others of this event-loop turn; resolves with its answer. */
  ask(request: Req): Promise<Ans> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.pending.set(id, resolve);
      this.ids.push(id);
      this.requests.push(request);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** Sends what is asked and not yet sent, now. */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.ids.length === 0) return;
    const ids = this.ids;
    const message: AskMessage<Req> = { type: 'ask', call: this.name, ids, requests: this.requests };
    this.ids = [];
    this.requests = [];
    let refused: string | null;
    try {
      refused = this.link.post(message, (error) => this.lose(ids, error.message));
    } catch (error) {
      // A request that cannot be copied to the other side (DataCloneError) fails with its turn, not the server.
      refused = error instanceof Error ? error.message : String(error);
    }
    if (refused !== null) this.lose(ids, refused);
  };

  receive(message: AnswersMessage<Ans>): void {
    const { ids, answers } = message;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      this.pending.get(id)?.(answers[i]!);
      this.pending.delete(id);
    }
    for (const [id, text, code] of message.failures) {
      const resolve = this.pending.get(id);
      this.pending.delete(id);
      if (resolve) settleWith(resolve, this.settle.failed(text, code));
    }
  }

  /** Settles requests `ids` (all pending ones when omitted) as lost, for reason `why`. */
  lose(ids: Iterable<number> | null, why: string): void {
    for (const id of ids ?? [...this.pending.keys()]) {
      const resolve = this.pending.get(id);
      this.pending.delete(id);
      if (resolve) settleWith(resolve, this.settle.lost(why));
    }
  }
}

/** The calls the server makes over one link (`C` as the other side serves them), and the routing of their answers. */
export class Channel<C extends Calls<C>> {
  private readonly calls = new Map<string, Call<unknown, unknown>>();

  constructor(private readonly link: Link) {}

  call<Name extends keyof C & string>(name: Name, settle: Settle<AnswerOf<C[Name]>>): Call<RequestOf<C[Name]>, AnswerOf<C[Name]>> {
    const call = new Call<RequestOf<C[Name]>, AnswerOf<C[Name]>>(this.link, name, settle);
    this.calls.set(name, call as Call<unknown, unknown>);
    return call;
  }

  /** Takes `message` if it is answers, and says whether it was. */
  receive(message: { type: string }): boolean {
    if (message.type !== 'answers') return false;
    this.calls.get((message as AnswersMessage).call)?.receive(message as AnswersMessage);
    return true;
  }

  /** Sends every call's requests not yet sent (before the other side is asked to close). */
  flush(): void {
    for (const call of this.calls.values()) call.flush();
  }

  /** The other side ended: every request in flight is settled as lost. */
  lose(why: string): void {
    for (const call of this.calls.values()) call.lose(null, why);
  }
}

/** The thread's or process's end of its link to the server. */
export interface ServerSide {
  post(message: unknown): void;
  onMessage(listener: (message: { type: string }) => void): void;
  /** Lets the thread or process end, once everything is answered. */
  end(): void;
}

/** A worker thread's end: its parent port, closed at the end so the thread can exit. */
export function threadSide(): ServerSide {
  const port = parentPort!;
  return {
    post: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', listener),
    end: () => port.close(),
  };
}

/** A child process's end: its IPC channel; it exits once what it sent has gone out. */
export function processSide(): ServerSide {
  let sending = 0;
  let ending = false;
  const sent = () => {
    sending -= 1;
    if (ending && sending === 0) process.exit(0);
  };
  return {
    // The server may be gone (killed) while a message is on the way: nothing is left to tell.
    post(message) {
      sending += 1;
      process.send!(message, sent);
    },
    onMessage: (listener) => process.on('message', listener),
    end() {
      ending = true;
      if (sending === 0) process.exit(0);
    },
  };
}

export interface ServeOptions<C, Note> {
  /** Each call's handler, by name: what it resolves is the answer, what it rejects the failure. */
  calls: C;
  /** A note from the server. */
  onNote?(note: Note): void;
  /** Asked to close: resolves once this side's work is done; then its answers go out and it ends. */
  onClose(): Promise<void> | void;
}

interface Outbox {
  ids: number[];
  answers: unknown[];
  failures: Failure[];
}

const failure = (id: number, error: unknown): Failure => {
  const code = (error as { code?: unknown } | null)?.code;
  return [id, error instanceof Error ? error.message : String(error), typeof code === 'string' ? code : null];
};

/** Answers the server's calls on `side`, and tells the server it is ready. */
export function serve<C extends Calls<C>, Note extends { type: string } = never>(side: ServerSide, options: ServeOptions<C, Note>): void {
  const outboxes = new Map<string, Outbox>(Object.keys(options.calls).map((name) => [name, { ids: [], answers: [], failures: [] }]));
  let replying = false;

  const flush = () => {
    replying = false;
    for (const [call, outbox] of outboxes) {
      if (outbox.ids.length === 0 && outbox.failures.length === 0) continue;
      side.post({ type: 'answers', call, ...outbox } satisfies AnswersMessage);
      outbox.ids = [];
      outbox.answers = [];
      outbox.failures = [];
    }
  };
  const schedule = () => {
    if (!replying) {
      replying = true;
      queueMicrotask(flush);
    }
  };

  const ask = (message: AskMessage<never>) => {
    const handle: Handler = options.calls[message.call as keyof C];
    const outbox = outboxes.get(message.call)!;
    const { ids, requests } = message;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      handle(requests[i]!).then(
        (answer) => {
          outbox.ids.push(id);
          outbox.answers.push(answer);
          schedule();
        },
        (error: unknown) => {
          outbox.failures.push(failure(id, error));
          schedule();
        },
      );
    }
  };

  side.onMessage((message) => {
    if (message.type === 'ask') return ask(message as AskMessage<never>);
    if (message.type !== 'close') return options.onNote?.(message as Note);
    void (async () => {
      await options.onClose();
      flush();
      side.end();
    })();
  });
  side.post({ type: 'ready' });
}
