/**
 * Loaded with --import into a bench server process, and so into each of its threads
 * (workers inherit the parent's execArgv): prints `thread <name> <tid>` once per thread, so
 * the benchmark can read each thread's CPU time from /proc/<pid>/task/<tid>/stat.
 * Plain JavaScript: tsx's loader, given with --import, does not reach worker threads.
 */
import { readlinkSync } from 'node:fs';
import { isMainThread, workerData } from 'node:worker_threads';

/** The ingest thread's data carries its config; the reader thread's does not. */
const thread = isMainThread ? 'http' : workerData && typeof workerData === 'object' && 'config' in workerData ? 'ingest' : 'reader';
// /proc/thread-self is "<pid>/task/<tid>" for the thread that reads it.
const tid = readlinkSync('/proc/thread-self').split('/').at(-1);
process.stdout.write(`thread ${thread} ${tid}\n`);
