/**
 * The request/answer channel (server/node/channel.ts) and the supervisor
 * (server/node/supervisor.ts) with a real worker thread and a real child process on the
 * other side (fixtures/channel-side.ts): answers, failures with their message and code,
 * every request in flight settled when the other side dies, restarts after a pause that
 * grows while it keeps failing, and close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Settle } from '../../server/node/channel.ts';
import { childProcess, restartDelay, type Supervised, type SupervisorOptions, supervise, workerThread } from '../../server/node/supervisor.ts';
import type { SideCalls, SideOptions } from './fixtures/channel-side.ts';
import { MemoryLog } from '../helpers/server.ts';

const ENTRY = new URL('./fixtures/channel-side.ts', import.meta.url);

const kinds = {
  thread: (options: SideOptions) => workerThread(ENTRY, options),
  process: (options: SideOptions) => childProcess(ENTRY, { CHANNEL_SIDE: JSON.stringify(options) }),
};

/** Rejections carry the message, and the code when the other side gave one. */
const settle: Settle<never> = {
  lost: (why) => new Error(why),
  failed: (message, code) => Object.assign(new Error(message), code === null ? {} : { code }),
};

/** A request's outcome taken at once, so a rejection is never left unhandled. */
const outcome = <T>(answer: Promise<T>) =>
  answer.then(
    (value) => ({ answer: value }),
    (error: Error & { code?: string }) => ({ error: error.message, ...(error.code ? { code: error.code } : {}) }),
  );

describe.each(Object.keys(kinds) as (keyof typeof kinds)[])('a supervised %s and its channel', (kind) => {
  const running: Supervised<SideCalls>[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  const start = (side: SideOptions = {}, options: Partial<SupervisorOptions> = {}) => {
    const log = new MemoryLog();
    const s = supervise<SideCalls>({ name: 'fixture', start: kinds[kind](side), log, ...options });
    running.push(s);
    const call = <N extends keyof SideCalls>(name: N) => s.channel.call(name, settle);
    return { s, log, call };
  };
  const restartLine = (why: string, ms: number) => `${why}; starting it again in ${ms} ms`;

  it('answers many requests of one turn, and fails one with its message and code while the others are answered', async () => {
    const { s, call } = start();
    const echo = call('echo');
    const fail = call('fail');
    const values = Array.from({ length: 500 }, (_, i) => ({ i, text: `ø${i}`, nothing: null }));
    const answers = Promise.all(values.map((v) => echo.ask(v)));
    const failed = outcome(fail.ask({ message: 'no such table: nope', code: 'SQLITE_ERROR' }));
    const plain = outcome(fail.ask({ message: 'just a message' }));
    expect(await answers).toEqual(values);
    expect(await failed).toEqual({ error: 'no such table: nope', code: 'SQLITE_ERROR' });
    expect(await plain).toEqual({ error: 'just a message' });
    expect(echo.waiting).toBe(0);
    // A request that cannot be copied across fails with the others of its turn; the server goes on.
    expect(await outcome(echo.ask(() => 'a function'))).toEqual({ error: expect.stringMatching(/could not be cloned|serialize/i) });
    expect(await echo.ask('next')).toBe('next');
    expect(s.down()).toBeNull();
  });

  it('passes notes both ways', async () => {
    const heard: unknown[] = [];
    const { s } = start({}, { upOnReady: true, onNote: (note) => heard.push(note) });
    await expect.poll(() => s.unavailable()).toBeNull();
    expect(s.post({ type: 'say', text: 'hei' })).toBeNull();
    await expect.poll(() => heard).toEqual([{ type: 'heard', text: 'hei' }]);
  });

  it('settles every request in flight when the other side dies, says why, and answers once started again', async () => {
    const { s, log, call } = start();
    const hang = call('hang');
    const exit = call('exit');
    const echo = call('echo');
    expect(await echo.ask('first')).toBe('first');
    const inFlight = [outcome(hang.ask(null)), outcome(hang.ask(null)), outcome(exit.ask(5)), outcome(hang.ask(null))];
    expect(await Promise.all(inFlight)).toEqual(Array(4).fill({ error: 'fixture exited (5)' }));
    expect(log.lines).toEqual([restartLine('fixture exited (5)', 250)]);
    // Down until it runs again; then it answers as before.
    expect(s.down()).toBe('fixture exited (5)');
    expect(s.unavailable()).toBe('fixture exited (5)');
    await expect.poll(() => s.down(), { interval: 20 }).toBeNull();
    expect(await echo.ask('again')).toBe('again');
    expect(hang.waiting + exit.waiting + echo.waiting).toBe(0);
  });

  it('waits longer after each failure in a row, and starts from the shortest pause once it was ready', async () => {
    const broken = start({ exitAtStart: 7 });
    await expect.poll(() => broken.log.lines.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    expect(broken.log.lines.slice(0, 3)).toEqual([250, 500, 1000].map((ms) => restartLine('fixture exited (7)', ms)));
    expect(broken.s.down()).toBe('fixture exited (7)');
    // Closed while it waits to be started again: it stays closed.
    const lines = broken.log.lines.length;
    await broken.s.close();
    expect(broken.s.down()).toBeNull();
    expect(broken.s.unavailable()).toBe('server is shutting down');
    expect(broken.log.lines).toHaveLength(lines);

    // One that was ready before it died starts again after the shortest pause, each time.
    const { s, log, call } = start();
    const exit = call('exit');
    const echo = call('echo');
    for (let i = 0; i < 2; i++) {
      await expect.poll(() => s.down(), { interval: 20 }).toBeNull();
      await expect.poll(() => outcome(echo.ask(i))).toEqual({ answer: i });
      expect(await outcome(exit.ask(9))).toEqual({ error: 'fixture exited (9)' });
    }
    expect(log.lines).toEqual([restartLine('fixture exited (9)', 250), restartLine('fixture exited (9)', 250)]);
  }, 30_000);

  it('does not start again after an exit it is told is final, and says what down() gives', async () => {
    const { s, log } = start({ exitAtStart: 3 }, { final: (code) => (code === 3 ? 'cannot run here' : undefined) });
    await expect.poll(() => s.down()).toBe('cannot run here');
    expect(log.lines).toEqual([]);
  });

  it('refuses work before it is ready when asked to, and words its restarts as told', async () => {
    const { s, log, call } = start(
      {},
      { upOnReady: true, restarting: (why, ms) => ({ down: `${why}; starting it again`, log: `${why}; reading elsewhere for ${ms} ms` }) },
    );
    expect(s.unavailable()).toBe('fixture is starting');
    // Starting is no trouble.
    expect(s.down()).toBeNull();
    await expect.poll(() => s.unavailable()).toBeNull();
    expect(await outcome(call('exit').ask(4))).toEqual({ error: 'fixture exited (4)' });
    expect(s.down()).toBe('fixture exited (4); starting it again');
    expect(log.lines).toEqual(['fixture exited (4); reading elsewhere for 250 ms']);
    await expect.poll(() => s.down(), { interval: 20 }).toBeNull();
  });

  it('on close, sends what was asked, has it answered, refuses what comes after, and ends', async () => {
    const { s, log, call } = start();
    const later = call('later');
    const echo = call('echo');
    expect(await echo.ask(1)).toBe(1);
    const asked = [later.ask(50), later.ask(100), echo.ask('queued this turn')];
    const closed = s.close();
    expect(await outcome(echo.ask('too late'))).toEqual({ error: 'server is shutting down' });
    expect(await Promise.all(asked)).toEqual(['after 50 ms', 'after 100 ms', 'queued this turn']);
    await closed;
    expect(s.down()).toBeNull();
    expect(log.lines).toEqual([]);
  });

  it.runIf(kind === 'process')('settles requests in flight when the process is killed, and those sent to its closed end', async () => {
    const { s, log, call } = start();
    const hang = call('hang');
    const echo = call('echo');
    const inFlight = outcome(hang.ask(null));
    // Answered after the hanging request arrived: the kill finds it in flight.
    const pid = await call('pid').ask(null);
    process.kill(pid, 'SIGKILL');
    // Until the exit is seen, requests go to the closed end of the channel (EPIPE): each is settled.
    const sent: Promise<unknown>[] = [];
    while (s.down() === null) {
      sent.push(outcome(echo.ask('x')));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await inFlight).toEqual({ error: 'fixture killed (SIGKILL)' });
    expect((await Promise.all(sent)).every((o) => JSON.stringify(o) === '{"answer":"x"}' || 'error' in (o as object))).toBe(true);
    expect(log.lines).toEqual([restartLine('fixture killed (SIGKILL)', 250)]);
  });

  it.runIf(kind === 'thread')('says why a thread that throws failed', async () => {
    const { log } = start({ throwAtStart: 'cannot open the database.' });
    await expect.poll(() => log.lines[0]).toBe(restartLine('fixture failed: cannot open the database', 250));
  });
});

describe('restart delay', () => {
  it('is a quarter second, doubling with each failure in a row, at most 30 s', () => {
    expect([0, 1, 2, 3, 6, 7, 20].map(restartDelay)).toEqual([250, 500, 1000, 2000, 16_000, 30_000, 30_000]);
  });
});
