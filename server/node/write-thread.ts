/**
 * `batch` of the Db port on a writer thread (write-worker.mjs). Statements are sent as a
 * list of distinct SQL texts plus (index, params) pairs, since a group repeats the same
 * few statements hundreds of times.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { Stmt } from '../core/ports.ts';

export interface WriteThread {
  batch(stmts: readonly Stmt[]): Promise<void>;
  close(): Promise<void>;
}

interface Reply {
  type: 'done';
  id: number;
  error?: string;
}

export function startWriteThread(path: string): WriteThread {
  const worker = new Worker(new URL('./write-worker.mjs', import.meta.url), { workerData: { path } });
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | null = null;
  let closed: Promise<void> | null = null;

  worker.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error === undefined) p?.resolve();
    else p?.reject(new Error(reply.error));
  });
  const failAll = (error: Error) => {
    failure = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`writer thread exited (${code})`)));

  return {
    batch(stmts) {
      if (failure) return Promise.reject(failure);
      const sqls: string[] = [];
      const index = new Map<string, number>();
      const ops = stmts.map((s) => {
        let i = index.get(s.sql);
        if (i === undefined) {
          i = sqls.push(s.sql) - 1;
          index.set(s.sql, i);
        }
        return [i, s.params] as const;
      });
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'batch', id, sqls, ops });
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'close' });
      });
      return closed;
    },
  };
}
