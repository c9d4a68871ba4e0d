/**
 * Where the SQLite half of a stored event goes (issue 25): the realistic mix's processed
 * events written as the ingest thread writes them (record-event.ts' statements, one
 * transaction per group, the ingest connection's settings), each statement kind timed on
 * its own in CPU of this thread and split by whether the event starts a visit or extends
 * one, the commit (WAL frames and fsync) apart, and the WAL pages each commit appends.
 * Checkpoints are off while measuring, so the pages can be counted from the WAL's size.
 * Usage: tsx bench/ingest-sqlite.ts [group sizes, default 32,64,128]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ProcessedEvent } from '../server/core/ingest/event.ts';
import type { IngestRequest } from '../server/core/ingest/ingest.ts';
import { createSite } from '../server/core/sites.ts';
import { VISIT_TIMEOUT_SECONDS, recordEventStatements } from '../server/core/store/record-event.ts';
import { tuneIngestConnection } from '../server/node/ingest-db.ts';
import { migrate } from '../server/node/migrate.ts';
import { type SqliteDb, openSqlite } from '../server/node/sqlite-db.ts';
import { collectingIngest } from './ingest-stages.ts';
import { realisticRequests } from './traffic.ts';

const PREFILL = 48_000;
const WRITTEN = 32_000;
const EVENTS_PER_SECOND = 5000;
const PAGE_BYTES = 4096;

async function openDb(path: string): Promise<SqliteDb> {
  const db = openSqlite(path);
  migrate(db.raw);
  tuneIngestConnection(db);
  await createSite(db, { domain: 'bench.example', timezone: 'Europe/Oslo' }, Date.now());
  return db;
}

/** The realistic mix's requests through the pipeline, as the writer receives them. */
async function processedEvents(dir: string, count: number): Promise<ProcessedEvent[]> {
  const db = await openDb(join(dir, 'pipeline.db'));
  const out: ProcessedEvent[] = [];
  const ingest = collectingIngest(db, out);
  const start = Date.now();
  const requests: IngestRequest[] = realisticRequests(count).map((r, i) => ({
    body: r.body,
    contentType: 'text/plain',
    remoteAddress: '127.0.0.1',
    forwardedFor: r.ip,
    headers: { 'user-agent': r.userAgent },
    receivedAt: start + Math.floor((i * 1000) / EVENTS_PER_SECOND),
  }));
  for (let i = 0; i < requests.length; i += 32) await Promise.all(requests.slice(i, i + 32).map(ingest));
  db.close();
  return out;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** A statement's kind: its first words. */
const kindOf = (sql: string) => /^\s*(\w+(?: OR \w+)? (?:INTO )?\w+)/.exec(sql.replace(/\s+/g, ' '))![1]!.replace(/ (SET|INTO)$/, '');

interface GroupCost {
  group: number;
  /** µs per event of all events, by statement kind and whether the event started a visit. */
  statements: Map<string, number>;
  commit: number;
  total: number;
  walPages: number;
}

async function measureGroup(dir: string, events: ProcessedEvent[], group: number): Promise<GroupCost> {
  const path = join(dir, `writes-${group}.db`);
  const db = await openDb(path);
  const prepared = new Map<string, Database.Statement>();
  const prepare = (sql: string) => prepared.get(sql) ?? prepared.set(sql, db.raw.prepare(sql)).get(sql)!;
  // Untimed, before the event's statements: whether it will find an open visit (engagement never starts one).
  const open = db.raw.prepare('SELECT 1 FROM visits WHERE site_id = ? AND visitor = ? AND ended_at >= ? LIMIT 1').pluck();
  const startsVisit = (e: ProcessedEvent) => e.kind !== 'engagement' && open.get(e.siteId, e.visitor, e.ts - VISIT_TIMEOUT_SECONDS) === undefined;
  const begin = db.raw.prepare('BEGIN');
  const commit = db.raw.prepare('COMMIT');
  const statements = new Map<string, number>();
  let commitUs = 0;
  const write = (list: ProcessedEvent[], timing: boolean) => {
    for (let i = 0; i < list.length; i += group) {
      begin.run();
      for (const e of list.slice(i, i + group)) {
        const started = timing && startsVisit(e);
        for (const s of recordEventStatements(e)) {
          const t = cpuNow();
          prepare(s.sql).run(...s.params);
          if (timing) {
            const key = `${kindOf(s.sql)}${e.kind === 'engagement' ? '' : started ? ' (new visit)' : ' (extended visit)'}`;
            statements.set(key, (statements.get(key) ?? 0) + cpuNow() - t);
          }
        }
      }
      const t = cpuNow();
      commit.run();
      if (timing) commitUs += cpuNow() - t;
    }
  };
  write(events.slice(0, PREFILL), false);
  db.raw.pragma('wal_checkpoint(TRUNCATE)');
  db.raw.pragma('wal_autocheckpoint = 0');
  const measured = events.slice(PREFILL, PREFILL + WRITTEN);
  const start = cpuNow();
  write(measured, true);
  const total = cpuNow() - start;
  const walPages = statSync(`${path}-wal`).size / (PAGE_BYTES + 24) / (measured.length / group);
  db.close();
  const n = measured.length;
  return { group, statements: new Map([...statements].map(([k, us]) => [k, us / n])), commit: commitUs / n, total: total / n, walPages };
}

export async function runIngestSqliteBench(groups = [32, 64, 128]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-sqlite-'));
  try {
    const events = await processedEvents(dir, PREFILL + WRITTEN);
    const costs: GroupCost[] = [];
    for (const group of groups) costs.push(await measureGroup(dir, events, group));
    const kinds = [...new Set(costs.flatMap((c) => [...c.statements.keys()]))];
    const us = (n: number | undefined) => (n ?? 0).toFixed(1);
    const text = [
      `| µs of CPU per stored event (all events) | ${groups.map((g) => `groups of ${g}`).join(' | ')} |`,
      `|---|${groups.map(() => '---:').join('|')}|`,
      ...kinds.map((k) => `| ${k} | ${costs.map((c) => us(c.statements.get(k))).join(' | ')} |`),
      `| statements, all | ${costs.map((c) => us([...c.statements.values()].reduce((a, b) => a + b, 0))).join(' | ')} |`,
      `| COMMIT (WAL frames, fsync) | ${costs.map((c) => us(c.commit)).join(' | ')} |`,
      `| **total** | ${costs.map((c) => `**${us(c.total)}**`).join(' | ')} |`,
      `| WAL pages per commit | ${costs.map((c) => c.walPages.toFixed(0)).join(' | ')} |`,
      '',
      `The realistic mix, ${WRITTEN.toLocaleString('en')} events written after ${PREFILL.toLocaleString('en')} (${events.filter((e) => e.kind === 'custom').length.toLocaleString('en')} of the ${events.length.toLocaleString('en')} custom, with props), in process, the ingest connection's settings (synchronous=FULL); checkpoints off while measuring.`,
    ].join('\n');
    console.log(text);
    return text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runIngestSqliteBench(process.argv[2]?.split(',').map(Number));
}
