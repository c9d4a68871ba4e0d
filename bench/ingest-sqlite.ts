/**
 * Where the SQLite half of a stored event goes (issue 25): the realistic mix's processed
 * events written as the ingest thread writes them (record-event.ts' statements, one
 * transaction per group, the ingest connection's settings), each statement kind timed on
 * its own in CPU of this thread and split by whether the event starts a visit or extends
 * one, the commit (WAL frames and fsync) apart, and the WAL pages each commit appends.
 * Checkpoints are off while measuring, so the pages can be counted from the WAL's size, and
 * by the table or index each belongs to from the WAL's frame headers.
 * Usage: tsx bench/ingest-sqlite.ts [group sizes, default 32,64,128]; for experiments,
 * TELLER_BENCH_SQL runs SQL after the migrations (an index dropped or rekeyed) and
 * TELLER_BENCH_PAGE_SIZE sets the new files' page size.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
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
/** SQLite's page size for the measured databases (TELLER_BENCH_PAGE_SIZE; SQLite's default 4096). */
const PAGE_BYTES = Number(process.env.TELLER_BENCH_PAGE_SIZE ?? 4096);

/** A new database at `path` as the ingest thread opens it, migrated, `sql` run after, with the bench site. */
export async function openDb(path: string, { pageSize = PAGE_BYTES, sql = process.env.TELLER_BENCH_SQL } = {}): Promise<SqliteDb> {
  // A page size takes effect only on a new file, before WAL mode writes its header.
  const created = new BetterSqlite(path);
  created.pragma(`page_size = ${pageSize}`);
  created.pragma('journal_mode = WAL');
  created.close();
  const db = openSqlite(path);
  migrate(db.raw);
  if (sql) db.raw.exec(sql);
  tuneIngestConnection(db);
  await createSite(db, { domain: 'bench.example', timezone: 'Europe/Oslo' }, Date.now());
  return db;
}

/** The realistic mix's requests through the pipeline, as the writer receives them. */
export async function processedEvents(dir: string, count: number): Promise<ProcessedEvent[]> {
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
  /** WAL pages per commit by the table or index each page belongs to (dbstat). */
  walPagesBy: Map<string, number>;
}

/**
 * The WAL's frames counted by the b-tree their page belongs to: each frame's header starts with
 * its page number (after the WAL's 32-byte header), and dbstat names every page's table or index.
 */
function walPagesByBtree(db: Database.Database, walPath: string): Map<string, number> {
  const owner = new Map<number, string>();
  for (const row of db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]) owner.set(row.pageno, row.name);
  const wal = readFileSync(walPath);
  const counts = new Map<string, number>();
  for (let at = 32; at + 24 <= wal.length; at += PAGE_BYTES + 24) {
    const name = owner.get(wal.readUInt32BE(at)) ?? '(free or header)';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
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
  const commits = measured.length / group;
  const walPages = statSync(`${path}-wal`).size / (PAGE_BYTES + 24) / commits;
  const walPagesBy = new Map([...walPagesByBtree(db.raw, `${path}-wal`)].map(([name, pages]) => [name, pages / commits]));
  db.close();
  const n = measured.length;
  return { group, statements: new Map([...statements].map(([k, us]) => [k, us / n])), commit: commitUs / n, total: total / n, walPages, walPagesBy };
}

export async function runIngestSqliteBench(groups = [32, 64, 128]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-sqlite-'));
  try {
    const events = await processedEvents(dir, PREFILL + WRITTEN);
    const costs: GroupCost[] = [];
    for (const group of groups) costs.push(await measureGroup(dir, events, group));
    const kinds = [...new Set(costs.flatMap((c) => [...c.statements.keys()]))];
    const us = (n: number | undefined) => (n ?? 0).toFixed(1);
    const btrees = [...new Set(costs.flatMap((c) => [...c.walPagesBy.keys()]))].sort(
      (a, b) => (costs[0]!.walPagesBy.get(b) ?? 0) - (costs[0]!.walPagesBy.get(a) ?? 0),
    );
    const text = [
      `| µs of CPU per stored event (all events) | ${groups.map((g) => `groups of ${g}`).join(' | ')} |`,
      `|---|${groups.map(() => '---:').join('|')}|`,
      ...kinds.map((k) => `| ${k} | ${costs.map((c) => us(c.statements.get(k))).join(' | ')} |`),
      `| statements, all | ${costs.map((c) => us([...c.statements.values()].reduce((a, b) => a + b, 0))).join(' | ')} |`,
      `| COMMIT (WAL frames, fsync) | ${costs.map((c) => us(c.commit)).join(' | ')} |`,
      `| **total** | ${costs.map((c) => `**${us(c.total)}**`).join(' | ')} |`,
      `| WAL pages per commit | ${costs.map((c) => c.walPages.toFixed(0)).join(' | ')} |`,
      ...btrees.map((b) => `| … of which ${b} | ${costs.map((c) => (c.walPagesBy.get(b) ?? 0).toFixed(1)).join(' | ')} |`),
      `| WAL pages per stored event | ${costs.map((c) => (c.walPages / c.group).toFixed(2)).join(' | ')} |`,
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
