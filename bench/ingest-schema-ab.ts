/**
 * Schema variants for the SQLite half of a stored event, alternated in one process (issue
 * 25): each variant is the migrated schema with some SQL run after it (an index dropped or
 * rekeyed) and a page size. Every variant gets the same prefill, then rounds of the realistic
 * mix's processed events written in groups as the ingest thread writes them (record-event.ts'
 * statements, one transaction per group, synchronous=FULL), variants taking turns each round.
 * Reported per variant: this thread's CPU per event (statements and commit together, and the
 * commit apart; medians of the rounds) and WAL pages per event (checkpoints off while measuring).
 * Usage: tsx bench/ingest-schema-ab.ts <label>=<sql>[@<page size>] ... (the label has no `=`; an empty sql
 * is the schema as migrated). BENCH_SCHEMA_ROUNDS (8) rounds of 4,000 events after BENCH_SCHEMA_PREFILL (48,000).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ProcessedEvent } from '../server/core/ingest/event.ts';
import { recordEventStatements } from '../server/core/store/record-event.ts';
import type { SqliteDb } from '../server/node/sqlite-db.ts';
import { median } from './ingest.ts';
import { openDb, processedEvents } from './ingest-sqlite.ts';

const PREFILL = Number(process.env.BENCH_SCHEMA_PREFILL ?? 48_000);
const ROUNDS = Number(process.env.BENCH_SCHEMA_ROUNDS ?? 8);
const PER_ROUND = 4_000;
const GROUP = 64;

interface Variant {
  label: string;
  pageSize: number;
  path: string;
  db: SqliteDb;
  /** Writes the events; returns the CPU its commits took (µs). */
  write: (events: ProcessedEvent[]) => number;
  cpu: number[];
  commitCpu: number[];
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function openVariant(dir: string, spec: string): Promise<Variant> {
  const [, label, sql, size] = /^([^=]+)=(.*?)(?:@(\d+))?$/s.exec(spec) ?? [];
  if (label === undefined) throw new Error(`not <label>=<sql>[@<page size>]: ${spec}`);
  const pageSize = Number(size ?? 4096);
  const path = join(dir, `${label.replace(/\W/g, '_')}.db`);
  const db = await openDb(path, { pageSize, sql });
  const prepared = new Map<string, Database.Statement>();
  const prepare = (text: string) => prepared.get(text) ?? prepared.set(text, db.raw.prepare(text)).get(text)!;
  const begin = db.raw.prepare('BEGIN');
  const commit = db.raw.prepare('COMMIT');
  const write = (events: ProcessedEvent[]) => {
    let commitCpu = 0;
    for (let i = 0; i < events.length; i += GROUP) {
      begin.run();
      for (const e of events.slice(i, i + GROUP)) for (const s of recordEventStatements(e)) prepare(s.sql).run(...s.params);
      const start = cpuNow();
      commit.run();
      commitCpu += cpuNow() - start;
    }
    return commitCpu;
  };
  return { label, pageSize, path, db, write, cpu: [], commitCpu: [] };
}

async function main(specs: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-schema-ab-'));
  try {
    const events = await processedEvents(dir, PREFILL + ROUNDS * PER_ROUND);
    const variants: Variant[] = [];
    for (const spec of specs) variants.push(await openVariant(dir, spec));
    const load = loadavg()[0]!.toFixed(1);
    for (const v of variants) {
      v.write(events.slice(0, PREFILL));
      v.db.raw.pragma('wal_checkpoint(TRUNCATE)');
      v.db.raw.pragma('wal_autocheckpoint = 0');
    }
    for (let round = 0; round < ROUNDS; round++) {
      const batch = events.slice(PREFILL + round * PER_ROUND, PREFILL + (round + 1) * PER_ROUND);
      // Each round in another order, so no variant always runs first after the others.
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        const start = cpuNow();
        const commitCpu = v.write(batch);
        v.cpu.push((cpuNow() - start) / batch.length);
        v.commitCpu.push(commitCpu / batch.length);
      }
    }
    const written = ROUNDS * PER_ROUND;
    console.log(`Realistic mix, groups of ${GROUP}, ${written.toLocaleString('en')} events after ${PREFILL.toLocaleString('en')}, ${ROUNDS} alternating rounds in one process; load average ${load} at the start, ${loadavg()[0]!.toFixed(1)} at the end.\n`);
    console.log('| variant | page size | µs of CPU per event (median) | of which COMMIT | each round | WAL pages per event | WAL KiB per event |');
    console.log('|---|---:|---:|---:|---|---:|---:|');
    for (const v of variants) {
      const bytes = statSync(`${v.path}-wal`).size;
      const pages = bytes / (v.pageSize + 24) / written;
      console.log(`| ${v.label} | ${v.pageSize} | **${median(v.cpu).toFixed(1)}** | ${median(v.commitCpu).toFixed(1)} | ${v.cpu.map((c) => c.toFixed(1)).join(', ')} | ${pages.toFixed(2)} | ${(bytes / 1024 / written).toFixed(1)} |`);
      v.db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
