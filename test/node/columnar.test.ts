/**
 * The columnar copy of closed days (DuckDB) in a real server and on its own: filtered and
 * hourly queries answered from it equal the raw-row answers, also while a backfill runs;
 * a day is copied once after a crash in the middle of writing it; retention and site
 * removal delete its rows; and Teller answers without it when DuckDB cannot open.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { purgeSite } from '../../server/core/privacy/purge.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { findSite, removeSite, updateSite } from '../../server/core/sites.ts';
import { addDays, dayStart } from '../../server/core/time.ts';
import { createToken } from '../../server/core/tokens.ts';
import { openDuckStore, type DuckStore } from '../../server/node/columnar/duckdb-store.ts';
import { columnarOptions, columnarPath } from '../../server/node/columnar/options.ts';
import { migrate } from '../../server/node/migrate.ts';
import { startServer, type RunningServer } from '../../server/node/server.ts';
import { openSqlite, type SqliteDb } from '../../server/node/sqlite-db.ts';
import { addSite } from '../core/query/store.ts';
import { MemoryLog } from '../helpers/server.ts';
import { fillTraffic, FIRST_DAY, ZONE } from './columnar-data.ts';

const DOMAIN = 'example.com';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Prepared {
  dir: string;
  dbPath: string;
  siteId: number;
  nowMs: number;
  token: string;
  lastClosed: string;
}

async function prepare(days: number, perDay: number): Promise<Prepared> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-columnar-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'teller.db');
  const db = openSqlite(dbPath);
  migrate(db.raw);
  const site = await addSite(db, DOMAIN, ZONE);
  const nowMs = fillTraffic(db, site.id, days, perDay);
  const token = await createToken(db, { siteId: site.id }, nowMs);
  db.close();
  return { dir, dbPath, siteId: site.id, nowMs, token, lastClosed: addDays(FIRST_DAY, days - 1) };
}

async function serve(p: Prepared, env: Record<string, string> = {}): Promise<{ server: RunningServer; log: MemoryLog }> {
  const log = new MemoryLog();
  const server = await startServer({ dbPath: p.dbPath, port: 0, host: '127.0.0.1', log, clock: () => p.nowMs, env });
  cleanups.push(() => server.close());
  return { server, log };
}

async function ask(server: RunningServer, p: Prepared, body: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${server.url}/api/v2/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${p.token}` },
    body: JSON.stringify({ site_id: DOMAIN, ...body }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** The answer from SQLite's raw rows alone: the reference. */
async function rawAnswer(db: SqliteDb, p: Prepared, body: Record<string, unknown>): Promise<unknown> {
  const site = (await findSite(db, DOMAIN))!;
  return JSON.parse(JSON.stringify(await runQuery(db, parseQuery({ site_id: DOMAIN, ...body }, site, Math.floor(p.nowMs / 1000), null), { useRollups: false })));
}

function queries(p: Prepared): Array<Record<string, unknown>> {
  const today = addDays(p.lastClosed, 1);
  return [
    { metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'], date_range: '30d', filters: [['is', 'visit:country', ['US']]], include: { compare: 'previous_period' } },
    { metrics: ['visitors', 'pageviews'], date_range: '30d', dimensions: ['event:page'], filters: [['is', 'visit:browser', ['Chrome']]] },
    { metrics: ['visitors', 'visits'], date_range: [FIRST_DAY, today], dimensions: ['time:day'], filters: [['contains', 'event:page', ['blog']]] },
    { metrics: ['visitors', 'events'], date_range: '7d', dimensions: ['event:props:plan'], filters: [['is', 'event:name', ['Signup']]] },
    { metrics: ['visitors', 'percentage'], date_range: '30d', dimensions: ['visit:source'], filters: [['is_not', 'visit:country', ['US']]] },
    { metrics: ['visitors'], date_range: [addDays(p.lastClosed, -1), today], dimensions: ['time:hour'] },
    { metrics: ['visitors', 'visits'], date_range: '30d', dimensions: ['visit:country', 'visit:browser'] },
    // The dashboard's two- and three-filter views: some visitors come back the same day by another source.
    { metrics: ['visitors', 'visits', 'bounce_rate'], date_range: '30d', filters: [['is', 'visit:country', ['US']], ['is', 'visit:source', ['Google']]], include: { compare: 'previous_period' } },
    { metrics: ['visitors', 'percentage'], date_range: '30d', dimensions: ['visit:browser'], filters: [['is', 'visit:country', ['US']], ['is', 'visit:source', ['Google']]] },
    { metrics: ['visitors', 'pageviews'], date_range: '30d', dimensions: ['event:page'], filters: [['is', 'visit:channel', ['Direct']], ['contains', 'event:page', ['blog']]] },
    { metrics: ['visitors', 'visits'], date_range: '30d', dimensions: ['time:day'], filters: [['is', 'event:page', ['/']], ['is', 'visit:source', ['Google']], ['is', 'visit:browser', ['Chrome']]] },
    { metrics: ['visitors', 'visits', 'pageviews'], date_range: [p.lastClosed, today], filters: [['is', 'event:page', ['/checkout']]] },
  ];
}

/** The pid of the columnar copy's process serving the database at `dbPath` (Linux). */
function copyProcessOf(dbPath: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (env.includes('TELLER_COPY_PROCESS=') && env.includes(JSON.stringify(dbPath).slice(1, -1))) return Number(entry);
    } catch {
      // A process that ended meanwhile, or one this user may not read.
    }
  }
  throw new Error(`no columnar copy process for ${dbPath}`);
}

async function copiedThrough(server: RunningServer, p: Prepared): Promise<string | null> {
  return (await server.columnar!.coverage(p.siteId, ZONE))?.through ?? null;
}

describe('the columnar copy in a running server', () => {
  it('copies every rolled-up day and answers from it exactly as the raw rows do', async () => {
    const p = await prepare(40, 12);
    const { server, log } = await serve(p);
    await expect.poll(() => copiedThrough(server, p), { timeout: 30_000 }).toBe(p.lastClosed);
    const coverage = (await server.columnar!.coverage(p.siteId, ZONE))!;
    expect(coverage).toMatchObject({ first: FIRST_DAY, through: p.lastClosed });
    // A visitor of the fixture keeps its browser, and its country except on every third day:
    // country filters sum first-of-day flags on the other days and count distinct visitors on those.
    const everyThird = Array.from({ length: 40 }, (_, d) => addDays(FIRST_DAY, d)).filter((_, d) => d % 3 === 0);
    expect(coverage.varying).toEqual(Object.fromEntries(everyThird.map((day) => [day, ['country']])));
    expect(log.lines.some((l) => /^columnar copy: \d+ closed days copied in [\d.]+ s$/.test(l))).toBe(true);
    expect(existsSync(columnarPath(p.dbPath))).toBe(true);

    const reference = openSqlite(p.dbPath);
    cleanups.push(() => reference.close());
    for (const body of queries(p)) expect(await ask(server, p, body), JSON.stringify(body)).toEqual(await rawAnswer(reference, p, body));

    // The visit begun before the last closed midnight passes the /checkout filter through its page after it.
    const checkout = (await ask(server, p, queries(p).at(-1)!)) as { results: Array<{ metrics: number[] }> };
    expect(checkout.results[0]!.metrics).toEqual([2, 2, 2]);

    // Closed days are read from the copy: rows changed in SQLite afterwards do not show.
    reference.raw.prepare("UPDATE visits SET browser = 'Changed' WHERE site_id = ? AND started_at < ?").run(p.siteId, dayStart(ZONE, addDays(FIRST_DAY, 5)));
    const body = { metrics: ['visitors'], date_range: [FIRST_DAY, addDays(FIRST_DAY, 4)], dimensions: ['visit:browser'], filters: [['is', 'visit:country', ['US']]] };
    const fromCopy = JSON.stringify(await ask(server, p, body));
    expect(fromCopy).toContain('Chrome');
    expect(fromCopy).not.toContain('Changed');
    expect(JSON.stringify(await rawAnswer(reference, p, body))).toContain('Changed');
  });

  it('answers exactly while the copy is being backfilled', async () => {
    const p = await prepare(90, 20);
    const { server } = await serve(p);
    const reference = openSqlite(p.dbPath);
    cleanups.push(() => reference.close());
    const all = queries(p);
    let duringBackfill = 0;
    let asked = 0;
    for (;;) {
      const before = await copiedThrough(server, p);
      const body = all[asked++ % all.length]!;
      expect(await ask(server, p, body), JSON.stringify(body)).toEqual(await rawAnswer(reference, p, body));
      const after = await copiedThrough(server, p);
      if (before !== null && after !== p.lastClosed && before !== p.lastClosed) duringBackfill += 1;
      if (after === p.lastClosed) break;
    }
    expect(duringBackfill).toBeGreaterThan(0);
  }, 120_000);

  it('starts and answers from SQLite alone when the copy cannot be opened, and says so once', async () => {
    const p = await prepare(10, 6);
    // A folder where the copy's file would go: DuckDB cannot open it, as when its binary is missing.
    const { server, log } = await serve(p, { TELLER_COLUMNAR_PATH: p.dir });
    const reference = openSqlite(p.dbPath);
    cleanups.push(() => reference.close());
    await expect.poll(() => log.lines.filter((l) => l.startsWith('columnar copy unavailable (')).length, { timeout: 10_000 }).toBe(1);
    expect(log.lines.find((l) => l.startsWith('columnar copy unavailable ('))).toMatch(/: filtered views are answered from SQLite alone, more slowly$/);
    for (const body of queries(p)) expect(await ask(server, p, body)).toEqual(await rawAnswer(reference, p, body));
    expect(await server.columnar!.coverage(p.siteId, ZONE)).toBeNull();
    // Events are stored as ever: healthy, with the copy named.
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', columns: expect.stringMatching(/^unavailable: /) });
  });

  it('answers exactly while the copy process is killed, and starts it again', async () => {
    const p = await prepare(30, 8);
    const { server, log } = await serve(p);
    await expect.poll(() => copiedThrough(server, p), { timeout: 30_000 }).toBe(p.lastClosed);
    const reference = openSqlite(p.dbPath);
    cleanups.push(() => reference.close());
    const pid = copyProcessOf(p.dbPath);
    process.kill(pid, 'SIGKILL');
    // Queries asked while it is down, or planned with it and read after it died, come from SQLite.
    for (const body of queries(p)) expect(await ask(server, p, body), JSON.stringify(body)).toEqual(await rawAnswer(reference, p, body));
    await expect.poll(() => log.lines.some((l) => /^columnar copy process killed \(SIGKILL\); queries read SQLite alone until it is started again in \d+ ms$/.test(l)), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => copiedThrough(server, p), { timeout: 30_000 }).toBe(p.lastClosed);
    expect(copyProcessOf(p.dbPath)).not.toBe(pid);
    expect(await (await fetch(`${server.url}/healthz`)).json()).not.toHaveProperty('columns');
    for (const body of queries(p)) expect(await ask(server, p, body)).toEqual(await rawAnswer(reference, p, body));
  }, 90_000);

  it('says in the log, once a minute at most, when DuckDB refuses a read', async () => {
    const p = await prepare(5, 4);
    const { server, log } = await serve(p);
    await expect.poll(() => copiedThrough(server, p), { timeout: 30_000 }).toBe(p.lastClosed);
    const refused = /^columnar copy could not answer a query \(.*no_such_table.*\): answered from SQLite instead, more slowly$/;
    for (let i = 0; i < 3; i++) await expect(server.columnar!.all('SELECT * FROM no_such_table', [])).rejects.toThrow(/no_such_table/);
    expect(log.lines.filter((l) => refused.test(l))).toHaveLength(1);
    // The copy goes on serving.
    expect(await copiedThrough(server, p)).toBe(p.lastClosed);
  });

  it('survives reads sent while the copy process dies, and answers each of them', async () => {
    const p = await prepare(5, 4);
    const { server } = await serve(p);
    await expect.poll(() => copiedThrough(server, p), { timeout: 30_000 }).toBe(p.lastClosed);
    const pid = copyProcessOf(p.dbPath);
    process.kill(pid, 'SIGKILL');
    // Until the server notices, reads still go to the dead process's closed end: EPIPE, which
    // must not become an uncaught error (it would end the server) or a read never answered.
    // Each read's outcome is taken at once, as the server's own reader awaits it: a rejection
    // left for later would count as unhandled while the next reads are sent.
    const reads: Promise<'answered' | 'refused'>[] = [];
    for (let i = 0; i < 200; i++) {
      reads.push(server.columnar!.all('SELECT 1 AS one', []).then(() => 'answered' as const, () => 'refused' as const));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const outcomes = await Promise.all(reads);
    expect(outcomes).toContain('refused');
    await expect.poll(() => copiedThrough(server, p), { timeout: 30_000 }).toBe(p.lastClosed);
    expect(await server.columnar!.all('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
  });

  it('sets a damaged copy aside and writes it again', async () => {
    const p = await prepare(10, 6);
    writeFileSync(columnarPath(p.dbPath), 'not a DuckDB file\n'.repeat(1000));
    const { server, log } = await serve(p);
    await expect.poll(() => copiedThrough(server, p), { timeout: 30_000 }).toBe(p.lastClosed);
    const aside = `${columnarPath(p.dbPath)}.broken`;
    expect(log.lines.filter((l) => l.startsWith('columnar copy ') && l.includes('could not be opened'))).toEqual([
      expect.stringMatching(new RegExp(`^columnar copy .*teller\\.columns\\.duckdb could not be opened \\(.+\\): set aside as .*\\.broken, copying the closed days again$`)),
    ]);
    expect(readFileSync(aside, 'utf8')).toBe('not a DuckDB file\n'.repeat(1000));
    const reference = openSqlite(p.dbPath);
    cleanups.push(() => reference.close());
    for (const body of queries(p)) expect(await ask(server, p, body)).toEqual(await rawAnswer(reference, p, body));
  });

  it('keeps no copy with TELLER_COLUMNAR=off', async () => {
    const p = await prepare(5, 4);
    const { server, log } = await serve(p, { TELLER_COLUMNAR: 'off' });
    const reference = openSqlite(p.dbPath);
    cleanups.push(() => reference.close());
    for (const body of queries(p)) expect(await ask(server, p, body)).toEqual(await rawAnswer(reference, p, body));
    expect(existsSync(columnarPath(p.dbPath))).toBe(false);
    expect(log.lines.filter((l) => l.startsWith('columnar'))).toEqual([]);
  });
});

describe('the columnar copy settings', () => {
  it('lives beside the database, follows TELLER_COLUMNAR* and refuses bad values', () => {
    expect(columnarPath('/var/lib/teller/teller.db')).toBe('/var/lib/teller/teller.columns.duckdb');
    expect(columnarPath('/srv/stats')).toBe('/srv/stats.columns.duckdb');
    expect(columnarOptions({}, '/d/teller.db')).toMatchObject({ path: '/d/teller.columns.duckdb', memoryLimit: '256MB' });
    expect(columnarOptions({ TELLER_COLUMNAR_MEMORY: '1GB', TELLER_COLUMNAR_PATH: '/fast/copy.duckdb' }, '/d/teller.db')).toMatchObject({ path: '/fast/copy.duckdb', memoryLimit: '1GB' });
    expect(columnarOptions({ TELLER_COLUMNAR: 'off' }, '/d/teller.db')).toBeNull();
    expect(() => columnarOptions({ TELLER_COLUMNAR: 'yes' }, '/d/teller.db')).toThrow(/TELLER_COLUMNAR must be "on" or "off", got "yes"/);
    expect(() => columnarOptions({ TELLER_COLUMNAR_MEMORY: 'lots' }, '/d/teller.db')).toThrow(/TELLER_COLUMNAR_MEMORY must be a size such as 256MB or 1GB, got "lots"/);
  });
});

describe('the columnar store on its own', () => {
  async function copyOf(p: Prepared): Promise<{ db: SqliteDb; store: DuckStore }> {
    const db = openSqlite(p.dbPath);
    const store = await openDuckStore({ path: columnarPath(p.dbPath), memoryLimit: '128MB', threads: 1 });
    cleanups.push(() => db.close());
    cleanups.push(() => store.close());
    return { db, store };
  }

  const counts = async (store: DuckStore, siteId: number) =>
    (
      await store.all(
        `SELECT (SELECT count(*) FROM visits WHERE site_id = ?) AS visits, (SELECT count(*) FROM events WHERE site_id = ?) AS events,
        (SELECT count(*) FROM event_props WHERE site_id = ?) AS props, (SELECT count(*) FROM copied_days WHERE site_id = ?) AS days,
        (SELECT min(ts) FROM events WHERE site_id = ?) AS first_ts`,
        [siteId, siteId, siteId, siteId, siteId],
      )
    )[0]!;
  const sqliteCounts = (db: SqliteDb, siteId: number, from: number, to: number) =>
    db.raw
      .prepare(
        `SELECT (SELECT count(*) FROM visits WHERE site_id = ? AND started_at >= ? AND started_at < ?) AS visits,
        (SELECT count(*) FROM events WHERE site_id = ? AND ts >= ? AND ts < ?) AS events`,
      )
      .get(siteId, from, to, siteId, from, to) as { visits: number; events: number };

  it('holds a day once after the process is killed in the middle of writing it', async () => {
    const p = await prepare(6, 400);
    const db = openSqlite(p.dbPath);
    await runMaintenance(db, p.nowMs, { maxDaysPerSite: 100 });
    db.close();
    const dieIn = addDays(FIRST_DAY, 3);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/node/columnar-crash-child.ts', p.dbPath, columnarPath(p.dbPath), dieIn], { stdio: 'inherit' });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, s) => resolve(s)));
    expect(signal).toBe('SIGKILL');

    const { db: sqlite, store } = await copyOf(p);
    // The three days before it are whole; the day being written left nothing behind.
    expect(await store.coverage(p.siteId, ZONE)).toMatchObject({ first: FIRST_DAY, through: addDays(FIRST_DAY, 2) });
    const through = sqliteCounts(sqlite, p.siteId, 0, dayStart(ZONE, dieIn));
    expect(await counts(store, p.siteId)).toMatchObject({ visits: through.visits, events: through.events, days: 3 });

    while ((await syncColumnarCopy(sqlite, store, 100, p.nowMs / 1000)).behind);
    const all = sqliteCounts(sqlite, p.siteId, 0, dayStart(ZONE, addDays(p.lastClosed, 1)));
    expect(await counts(store, p.siteId)).toMatchObject({ visits: all.visits, events: all.events, days: 6 });
    // Writing a day again replaces it.
    const again = dayStart(ZONE, dieIn);
    const { readDayRows } = await import('../../server/core/columnar/day-rows.ts');
    await store.writeDay(p.siteId, ZONE, dieIn, again, dayStart(ZONE, addDays(dieIn, 1)), await readDayRows(sqlite, p.siteId, ZONE, again, dayStart(ZONE, addDays(dieIn, 1))));
    expect(await counts(store, p.siteId)).toMatchObject({ visits: all.visits, events: all.events, days: 6 });
  });

  it('deletes the rows retention and a purge removed, and a removed site', async () => {
    const p = await prepare(20, 8);
    const { db, store } = await copyOf(p);
    await runMaintenance(db, p.nowMs, { maxDaysPerSite: 100 });
    while ((await syncColumnarCopy(db, store, 100, p.nowMs / 1000)).behind);
    const full = await counts(store, p.siteId);
    expect(full).toMatchObject({ days: 20 });
    expect(full.props).toBeGreaterThan(0);

    const site = (await findSite(db, DOMAIN))!;
    await updateSite(db, DOMAIN, { ...site, retentionDays: 10 });
    await runMaintenance(db, p.nowMs, { maxDaysPerSite: 100 });
    const keptFrom = (db.raw.prepare('SELECT raw_kept_from AS d FROM rollup_state WHERE site_id = ?').get(p.siteId) as { d: string }).d;
    expect(keptFrom > FIRST_DAY).toBe(true);
    await syncColumnarCopy(db, store, 100, p.nowMs / 1000);
    expect(await store.coverage(p.siteId, ZONE)).toMatchObject({ first: keptFrom, through: p.lastClosed });
    const kept = await counts(store, p.siteId);
    expect(kept.first_ts).toBeGreaterThanOrEqual(dayStart(ZONE, keptFrom));
    expect(kept.events).toBe(sqliteCounts(db, p.siteId, 0, dayStart(ZONE, addDays(p.lastClosed, 1))).events);

    // A purge (data rights) takes the copy's days before its boundary too.
    const purgeBefore = addDays(keptFrom, 4);
    expect(await purgeSite(db, (await findSite(db, DOMAIN))!, purgeBefore, { maxStatements: 10_000 })).toMatchObject({ done: true });
    await syncColumnarCopy(db, store, 100, p.nowMs / 1000);
    expect(await store.coverage(p.siteId, ZONE)).toMatchObject({ first: purgeBefore, through: p.lastClosed });
    const purged = await counts(store, p.siteId);
    expect(purged.first_ts).toBeGreaterThanOrEqual(dayStart(ZONE, purgeBefore));
    expect(purged.events).toBe(sqliteCounts(db, p.siteId, 0, dayStart(ZONE, addDays(p.lastClosed, 1))).events);

    expect(await removeSite(db, DOMAIN)).toBe(true);
    expect(await syncColumnarCopy(db, store, 100, p.nowMs / 1000)).toMatchObject({ sitesDropped: 1 });
    expect(await counts(store, p.siteId)).toMatchObject({ visits: 0, events: 0, props: 0, days: 0 });
    expect(await store.coverage(p.siteId, ZONE)).toBeNull();
  });

  it('writes the copy of a site again along the days of its new timezone', async () => {
    const p = await prepare(12, 6);
    const { db, store } = await copyOf(p);
    await runMaintenance(db, p.nowMs, { maxDaysPerSite: 100 });
    while ((await syncColumnarCopy(db, store, 100, p.nowMs / 1000)).behind);
    expect(await store.coverage(p.siteId, ZONE)).toMatchObject({ first: FIRST_DAY, through: p.lastClosed });

    const site = (await findSite(db, DOMAIN))!;
    await updateSite(db, DOMAIN, { ...site, timezone: 'America/New_York' });
    await runMaintenance(db, p.nowMs, { maxDaysPerSite: 100 });
    while ((await syncColumnarCopy(db, store, 100, p.nowMs / 1000)).behind);
    expect(await store.coverage(p.siteId, ZONE)).toBeNull();
    const moved = (await store.coverage(p.siteId, 'America/New_York'))!;
    expect(moved.through >= addDays(p.lastClosed, -1)).toBe(true);

    // Answers through the copy cut along New York's days equal the raw rows'.
    const nySite = (await findSite(db, DOMAIN))!;
    const columns = { coverage: store.coverage, all: store.all };
    for (const body of queries(p)) {
      const query = parseQuery({ site_id: DOMAIN, ...body }, nySite, Math.floor(p.nowMs / 1000), null);
      expect(await runQuery(db, query, { useRollups: true, columnar: columns }), JSON.stringify(body)).toEqual(await runQuery(db, query, { useRollups: false }));
    }
  });

  it('copies a day once every visit begun on it has ended, so copied visits are final', async () => {
    const p = await prepare(5, 4);
    const { db, store } = await copyOf(p);
    // Twenty minutes after the last midnight: the visit begun ten minutes before it ended ten minutes ago.
    const justAfter = dayStart(ZONE, addDays(p.lastClosed, 1)) + 20 * 60;
    await runMaintenance(db, justAfter * 1000, { maxDaysPerSite: 100 });
    expect((db.raw.prepare('SELECT days_through AS d FROM rollup_state').get() as { d: string }).d).toBe(p.lastClosed);
    await syncColumnarCopy(db, store, 100, justAfter);
    expect(await store.coverage(p.siteId, ZONE)).toMatchObject({ first: FIRST_DAY, through: addDays(p.lastClosed, -1) });
    // Half an hour without an event ends a visit: from then on the day is copied.
    await syncColumnarCopy(db, store, 100, justAfter + 20 * 60);
    expect(await store.coverage(p.siteId, ZONE)).toMatchObject({ first: FIRST_DAY, through: p.lastClosed });
  });

  it('rejects when DuckDB cannot be loaded, so the server goes on without it', async () => {
    const missing = () => Promise.reject(new Error("Cannot find module '@duckdb/node-bindings-linux-arm64'"));
    await expect(openDuckStore({ path: join(tmpdir(), 'never.duckdb'), memoryLimit: '64MB', threads: 1 }, missing)).rejects.toThrow(/node-bindings/);
  });
});
