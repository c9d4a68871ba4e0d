/**
 * Loaded with --import into the soak's server process, and so into each of its threads
 * (workers inherit the parent's execArgv): every second, one `mem` line on stdout per thread
 * with that thread's V8 heap, so the soak can say what the resident memory is made of.
 * Plain JavaScript: tsx's loader, given with --import, does not reach worker threads.
 */
import { isMainThread, workerData } from 'node:worker_threads';

/** The ingest thread's data carries its config; the reader thread's does not. */
const thread = isMainThread ? 'http' : workerData && typeof workerData === 'object' && 'config' in workerData ? 'ingest' : 'reader';

setInterval(() => {
  const m = process.memoryUsage();
  process.stdout.write(`mem ${JSON.stringify({ thread, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers })}\n`);
}, 1000).unref();
