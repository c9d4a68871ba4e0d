/**
 * CPU time per thread of a server process, from /proc/<pid>/task/<tid>/stat (user + system,
 * in clock ticks of 10 ms), named by the `thread <name> <tid>` lines bench/thread-probe.mjs
 * prints; threads it does not name (V8's helpers, libuv's pool, the reader) count as `other`.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICK_US = 10_000;

function taskCpuUs(pid: number, tid: string): number {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    // The thread ended between listing and reading.
    return 0;
  }
}

export type ThreadCpu = Map<string, number>;

/** CPU time so far, in µs, of each named thread, `other` for the rest and `process` for the sum. */
export function threadCpu(pid: number, names: ReadonlyMap<string, string>): ThreadCpu {
  const cpu: ThreadCpu = new Map([['process', 0], ['other', 0]]);
  for (const name of names.values()) cpu.set(name, 0);
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const us = taskCpuUs(pid, tid);
    const name = names.get(tid) ?? 'other';
    cpu.set(name, cpu.get(name)! + us);
    cpu.set('process', cpu.get('process')! + us);
  }
  return cpu;
}

/** CPU used between two readings, per thread. */
export function cpuSince(before: ThreadCpu, after: ThreadCpu): ThreadCpu {
  return new Map([...after].map(([name, us]) => [name, us - (before.get(name) ?? 0)]));
}

/** Collects `thread <name> <tid>` lines from a server's stdout. */
export function threadNames(): { names: Map<string, string>; take(line: string): void } {
  const names = new Map<string, string>();
  return {
    names,
    take(line) {
      const m = /^thread (\w+) (\d+)$/.exec(line);
      if (m) names.set(m[2]!, m[1]!);
    },
  };
}
