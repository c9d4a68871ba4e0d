/**
 * Import benchmark: one year of the query benchmark's 1 M-event site (bench/query.ts's
 * cached database, copied: the cache is never written) exported by Teller's own export in
 * Plausible's format, then imported through the CLI's real path (ZIP → CSV parser →
 * runImport) into a fresh SQLite file, in a process of its own so its peak RSS is the
 * import's. Then a whole dashboard view (bench/query.ts's 15 queries) over 12 months of a
 * site whose last three months are its own and the nine before imported (the same ZIP,
 * clipped by the importer at the first own day), with and without `include.imports`.
 * Run alone with `npm run bench -- import`.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMaintenance } from '../server/core/maintenance.ts';
import { exportEntries } from '../server/core/privacy/export.ts';
import { runQuery } from '../server/core/query/execute.ts';
import { parseQuery } from '../server/core/query/parse.ts';
import { createSite, findSite, type Site } from '../server/core/sites.ts';
import { addDays, dayStart } from '../server/core/time.ts';
import { zipStream } from '../server/core/zip.ts';
import { migrate } from '../server/node/migrate.ts';
import { openSqlite, type SqliteDb } from '../server/node/sqlite-db.ts';
import { DOMAIN, NOW, dashboardView, openDataset, timeRuns } from './query.ts';

const CACHED = fileURLToPath(new URL('./.cache/queries-1000000-v4.db', import.meta.url));
/** The year exported: the 365 days before the benchmark's "today". */
const YEAR = { from: '2025-01-15', to: '2026-01-14' };
/** The mixed site counts its own days from here; the import fills the days before. */
const OWN_FROM = '2025-10-15';
const MIB = 2 ** 20;

type Body = Record<string, unknown>;

interface ChildResult {
  code: number;
  ms: number;
  out: string[];
  err: string[];
  maxRssKiB: number;
}

/** A migrated SQLite file with the benchmark's site. */
async function freshDb(path: string): Promise<{ db: SqliteDb; site: Site }> {
  const db = openSqlite(path);
  migrate(db.raw);
  const site = await createSite(db, { domain: DOMAIN, timezone: 'Europe/Oslo' }, NOW);
  return { db, site };
}

/** The query benchmark's database, copied into `dir` (generated into the cache first when missing). */
async function sourceCopy(dir: string): Promise<string> {
  if (!existsSync(CACHED)) {
    const data = await openDataset(1_000_000);
    data.columns.close();
    data.db.close();
  }
  const copy = join(dir, 'source.db');
  copyFileSync(CACHED, copy);
  if (existsSync(`${CACHED}-wal`)) copyFileSync(`${CACHED}-wal`, `${copy}-wal`);
  return copy;
}

/** Teller's export of `YEAR`, written to `zipPath`; the time it took. */
async function exportYear(sourcePath: string, zipPath: string): Promise<number> {
  const db = openSqlite(sourcePath);
  migrate(db.raw);
  const site = (await findSite(db, DOMAIN))!;
  const started = performance.now();
  const zip = zipStream(exportEntries(db, site, YEAR), new Date(NOW));
  await pipeline(Readable.fromWeb(zip as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(zipPath));
  db.close();
  return performance.now() - started;
}

/** `teller import plausible` into `dbPath` in a child process. */
function importInChild(dbPath: string, zipPath: string): Promise<ChildResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/import-child.ts', DOMAIN, zipPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TELLER_DB: dbPath },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`import child exited with ${code}`));
      const result = JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult;
      if (result.code !== 0) return reject(new Error(`import refused: ${result.err.join(' ')}`));
      resolve(result);
    });
  });
}

/** What the CLI's summary says it stored. */
function summaryOf(result: ChildResult): { days: number; rows: number; range: string } {
  const m = /: (\d+) days, (\d+) rows, (\S+ to \S+)\.$/.exec(result.out[0] ?? '');
  if (!m) throw new Error(`no summary in ${result.out.join(' / ')}`);
  return { days: Number(m[1]), rows: Number(m[2]), range: m[3]! };
}

/** A fresh file with the source's own visits from `OWN_FROM` on, rolled up as maintenance would. */
async function mixedDb(path: string, sourcePath: string): Promise<void> {
  const { db, site } = await freshDb(path);
  const source = openSqlite(sourcePath);
  const sourceSite = (await findSite(source, DOMAIN))!;
  source.close();
  if (sourceSite.id !== site.id) throw new Error('the source and mixed sites must have the same id');
  const from = dayStart(site.timezone, OWN_FROM);
  db.raw.prepare('ATTACH ? AS src').run(sourcePath);
  db.raw.exec('BEGIN');
  db.raw.prepare('INSERT INTO visits SELECT * FROM src.visits WHERE site_id = ? AND started_at >= ?').run(site.id, from);
  db.raw.exec('INSERT INTO events SELECT * FROM src.events WHERE visit_id IN (SELECT id FROM main.visits)');
  db.raw.exec('INSERT INTO event_props SELECT * FROM src.event_props WHERE event_id IN (SELECT id FROM main.events)');
  db.raw.exec('COMMIT');
  db.raw.exec('DETACH src');
  while ((await runMaintenance(db, NOW, { maxDaysPerSite: 10_000 })).daysRolledUp > 0);
  db.raw.exec('ANALYZE');
  db.close();
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const seconds = (x: number) => `${(x / 1000).toFixed(1)} s`;

interface ViewTimings {
  view: number[];
  perQuery: Map<string, number[]>;
  /** Per query: whether imported days were in its answer, or why not. */
  included: Map<string, string>;
}

/** The view, run at least 5 and at most 25 times, or until ~20 s are spent, after 3 untimed passes. */
async function timeView(db: SqliteDb, site: Site, view: Array<[string, Body]>): Promise<ViewTimings> {
  const now = Math.floor(NOW / 1000);
  const run = (body: Body) => runQuery(db, parseQuery(body, site, now, null), { useRollups: true, columnar: null });
  const timings: ViewTimings = { view: [], perQuery: new Map(view.map(([n]) => [n, []])), included: new Map() };
  for (let i = 0; i < 3; i++) {
    for (const [name, body] of view) {
      const { meta } = await run(body);
      timings.included.set(name, meta.imports_included ? 'yes' : `no (${String(meta.imports_skip_reason)})`);
    }
  }
  await timeRuns(view, run, timings);
  return timings;
}

const withImports = (view: Array<[string, Body]>): Array<[string, Body]> =>
  view.map(([name, body]) => [name, { ...body, include: { ...((body.include as Body | undefined) ?? {}), imports: true } }]);

/** Markdown for docs/benchmarks.md. */
export async function runImportBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-import-bench-'));
  try {
    console.log('   copying the query benchmark database');
    const sourcePath = await sourceCopy(dir);
    const zipPath = join(dir, 'export.zip');
    console.log(`   exporting ${YEAR.from} to ${YEAR.to}`);
    const exportMs = await exportYear(sourcePath, zipPath);

    console.log('   importing the year into a fresh file');
    const freshPath = join(dir, 'fresh.db');
    (await freshDb(freshPath)).db.close();
    const full = await importInChild(freshPath, zipPath);
    const { days, rows, range } = summaryOf(full);

    console.log(`   own days from ${OWN_FROM}, the import before them`);
    const mixedPath = join(dir, 'mixed.db');
    await mixedDb(mixedPath, sourcePath);
    const clipped = await importInChild(mixedPath, zipPath);
    const db = openSqlite(mixedPath);
    const site = (await findSite(db, DOMAIN))!;
    const pageRows = (db.raw.prepare('SELECT count(*) AS n FROM imported_pages WHERE site_id = ?').get(site.id) as { n: number }).n;
    const view = dashboardView('12mo', null);
    console.log('   dashboard view without imports');
    const own = await timeView(db, site, view);
    console.log('   dashboard view with imports');
    const merged = await timeView(db, site, withImports(view));
    db.close();

    const lines = [
      "Teller's export (Plausible's CSV format) of one year of the query benchmark's site " +
        `(${YEAR.from} to ${YEAR.to} of its 1 M events, copied from \`bench/.cache/queries-1000000-v4.db\`), imported by \`teller import plausible\` ` +
        "in a process of its own (the CLI's path: ZIP read in place → CSV parser → runImport) into a fresh SQLite file. " +
        'The machine is shared with other work running at the same time: figures are indicative, ratios within a run are the fairer comparison.',
      '',
      `- export: ${seconds(exportMs)}, ZIP ${(statSync(zipPath).size / MIB).toFixed(1)} MiB`,
      `- import: ${rows.toLocaleString('en')} rows (${days} days, ${range}) in ${seconds(full.ms)}: ` +
        `**${Math.round(rows / (full.ms / 1000)).toLocaleString('en')} rows/s**, peak RSS of the importing process **${(full.maxRssKiB / 1024).toFixed(0)} MiB**`,
      `- fresh file after the import: ${(statSync(freshPath).size / MIB).toFixed(1)} MiB`,
      `- the same ZIP into a site counting its own days from ${OWN_FROM}: ${summaryOf(clipped).rows.toLocaleString('en')} rows in ${seconds(clipped.ms)} ` +
        `(${clipped.out.slice(1).join(' ')})`,
      '',
      `Dashboard view (bench/query.ts's ${view.length} queries, one after another, \`12mo\`: imported days to ${addDays(OWN_FROM, -1)}, own days after), ` +
        `${own.view.length} and ${merged.view.length} runs:`,
      '',
      '| query | own data only p50 / p95 (ms) | with `include.imports` p50 / p95 (ms) | imports included |',
      '|---|---|---|---|',
      `| **whole view** | **${ms(percentile(own.view, 50))} / ${ms(percentile(own.view, 95))}** | **${ms(percentile(merged.view, 50))} / ${ms(percentile(merged.view, 95))}** | |`,
      ...view.map(
        ([n]) =>
          `| ${n} | ${ms(percentile(own.perQuery.get(n)!, 50))} / ${ms(percentile(own.perQuery.get(n)!, 95))} | ` +
          `${ms(percentile(merged.perQuery.get(n)!, 50))} / ${ms(percentile(merged.perQuery.get(n)!, 95))} | ${merged.included.get(n)} |`,
      ),
      '',
      `Imported days are read as stored, a row per day and value: a page, entry or exit page breakdown sums every such row of the range ` +
        `(${pageRows.toLocaleString('en')} rows in \`imported_pages\` here), which is most of the view's time with imports; the other panels read a few thousand rows.`,
    ];
    return lines.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
