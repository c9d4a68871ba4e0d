/**
 * Dashboard benchmark: a cold load of the site view in Chromium against the 1 M-event bench
 * database (bench/query.ts builds and caches it), from navigation until every panel is
 * filled, for 30 days and 12 months, without and with one filter; next to it, the Stats API's
 * own time for exactly the queries the page sent, fired the same way (all at once) from Node.
 * Also the build's sizes (what a cold load fetches, and every file), and the README's
 * screenshots of the site view, taken from the same data.
 *
 * Each build is measured twice over: "shared", Chromium and the server on the machine's cores
 * alike (as the bench always ran), and "pinned", Chromium and its child processes on one core
 * and the server (this process, its threads and the columnar copy's process) on the other
 * (`taskset`), as a visitor's browser never takes the server's CPU.
 * Run alone with `npx tsx bench/run.ts dashboard`.
 */
import { execFileSync, execSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../dashboard/build.mjs';
import { findSite } from '../server/core/sites.ts';
import { createUser } from '../server/core/users.ts';
import { startServer } from '../server/node/server.ts';
import { buildTracker } from '../tracker/build.mjs';
import { CHROMIUM_PATH, launchChromium } from '../test/e2e/browser.ts';
import { DOMAIN, NOW, openDataset } from './query.ts';

const OWNER = { email: 'bench@teller.example', password: 'bench password 123' };
const RUNS = 5;

/** The median of the finite values (a load whose Resource Timing lacked the batch's entry has none for it); NaN when none is. */
const median = (xs: number[]) => {
  const finite = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return finite.length === 0 ? Number.NaN : finite[Math.floor((finite.length - 1) / 2)]!;
};
const ms = (x: number) => (Number.isNaN(x) ? '–' : x < 10 ? x.toFixed(1) : x.toFixed(0));

/** Where a load's time went, in ms from navigation start, from the browser's own timings and marks. */
interface Breakdown {
  /** The HTML's last byte. */
  html: number;
  /** The last of the page's files (JavaScript, CSS, strings) asked for before the first query. */
  files: number;
  /** The first query asked (mark `tq:ask`): the view's draw begins. */
  firstAsk: number;
  /** The first query sent (mark `tq:send`), once the draw's synchronous pass (the skeleton) is done. */
  firstQuery: number;
  /** The longest a data request waited in the browser for a connection (requestStart − startTime). */
  queued: number;
  /** The data requests' first byte, the latest of them (responseStart). */
  firstByte: number;
  /** The latest data request's last byte: past it, the answers wait on the page, not the server. */
  responseEnd: number;
  /** The last answer parsed (mark `tq:answer`). */
  lastAnswer: number;
  /** Script run drawing the answers: the time covered by their `tq:answer` → `tq:drawn` spans. */
  drawScript: number;
  /** The data requests, as the browser saw them. */
  requests: number;
}

interface Load {
  /** Navigation start to every panel filled, by the page's own clock. */
  filled: number;
  /** The Stats API request bodies the page sent. */
  queries: string[];
  breakdown: Breakdown;
}

/** Reads the load's timings in the page (performance.getEntriesByType). */
function readBreakdown(): Breakdown {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const marks = (name: string) => performance.getEntriesByName(name, 'mark').map((m) => m.startTime);
  const firstQuery = Math.min(...marks('tq:send'));
  const data = resources.filter((r) => /\/api\/(v2\/query|dashboard\/queries)$/.test(new URL(r.name).pathname));
  const files = resources.filter((r) => /\/dashboard\/.*\.(js|css)$/.test(new URL(r.name).pathname) && r.startTime <= firstQuery);
  const answers = marks('tq:answer');
  const drawn = marks('tq:drawn');
  return {
    html: nav.responseEnd,
    // A dashboard older than the mark sent each query as it was asked.
    firstAsk: Math.min(firstQuery, ...marks('tq:ask')),
    files: Math.max(nav.responseEnd, ...files.map((r) => r.responseEnd)),
    firstQuery,
    queued: Math.max(0, ...data.map((r) => r.requestStart - r.startTime)),
    firstByte: Math.max(...data.map((r) => r.responseStart)),
    responseEnd: Math.max(...data.map((r) => r.responseEnd)),
    lastAnswer: Math.max(...answers),
    // Answers that arrive in one chunk share their drawing's span: counted once.
    drawScript: answers
      .map((at, i) => [at, drawn[i] ?? at] as const)
      .reduce<{ sum: number; end: number }>((n, [from, to]) => ({ sum: n.sum + Math.max(0, to - Math.max(from, n.end)), end: Math.max(n.end, to) }), { sum: 0, end: 0 }).sum,
    requests: data.length,
  };
}

/**
 * Run in the page before its own scripts: `new Date()` and `Date.now()` say the bench
 * database's "now", nothing else changes. Playwright's page.clock did this until 2026-12-06:
 * its library is evaluated in every page before the page's own scripts, on the main thread
 * inside the measured load, and it replaced `performance`, which the marks need.
 */
const FIXED_NOW = `(() => {
  const RealDate = Date;
  class FixedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(${NOW});
      else super(...args);
    }
    static now() {
      return ${NOW};
    }
  }
  window.Date = FixedDate;
})()`;

/**
 * Run in the page before its own scripts: once a frame, whether every panel is filled (a KPI
 * value shown, no skeleton left); then says when on the console, by the page's real clock.
 */
const FILLED_WATCH = `(() => {
  const check = () => {
    if (document.querySelector('.sv-kpi-value[data-value]') !== null && document.querySelectorAll('.sv-skeleton').length === 0) console.log('teller-bench:filled ' + performance.now());
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})()`;

async function coldLoad(browser: Browser, url: string, cookie: { name: string; value: string; url: string }): Promise<Load> {
  // A fresh context: no cached files, as a first visit of the day.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await context.addCookies([cookie]);
    const page = await context.newPage();
    // The browser's date is the bench database's "now", as the server's is (FIXED_NOW).
    await page.addInitScript(FIXED_NOW);
    // tsx names functions with esbuild's `__name`, which the page lacks when readBreakdown runs there.
    await page.addInitScript('window.__name = (f) => f');
    const queries: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v2/query')) queries.push(r.postData() ?? '');
      // One request carrying the view's queries (server/core/http/dashboard-queries.ts).
      if (r.url().endsWith('/api/dashboard/queries')) queries.push(...(JSON.parse(r.postData() ?? '{}') as { queries: unknown[] }).queries.map((q) => JSON.stringify(q)));
    });
    // Measured in the page: from its navigation's start (performance.timeOrigin), so the
    // browser's own work of making a tab for a fresh profile is not counted. The page says
    // when it is filled on its console: waiting with Playwright's waitForFunction put its
    // injected script's evaluation (~25 ms of the main thread) into the load being measured.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const filled = new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${url} was not filled within 2 minutes`)), 120_000);
      page.on('console', (message) => {
        const said = /^teller-bench:filled (\S+)$/.exec(message.text());
        if (said) resolve(Number(said[1]));
      });
    });
    await page.addInitScript(FILLED_WATCH);
    try {
      await page.goto(url, { waitUntil: 'commit' });
      return { filled: await filled, queries, breakdown: await page.evaluate(readBreakdown) };
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await context.close();
  }
}

/** The same queries straight to the Stats API, all at once as the page sends them. */
async function apiRound(base: string, session: string, queries: string[]): Promise<number> {
  const started = performance.now();
  await Promise.all(
    queries.map(async (body) => {
      const res = await fetch(`${base}/api/v2/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `teller_session=${session}`, origin: base },
        body,
      });
      if (!res.ok) throw new Error(`query answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }),
  );
  return performance.now() - started;
}

/** The same queries as one dashboard batch from Node (POST /api/dashboard/queries), read to its end. */
async function batchRound(base: string, session: string, queries: string[]): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}/api/dashboard/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `teller_session=${session}`, origin: base },
    body: JSON.stringify({ queries: queries.map((q) => JSON.parse(q) as unknown) }),
  });
  if (!res.ok) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  return performance.now() - started;
}

/**
 * The README's pictures of the site view, from the bench database (a year of synthetic
 * traffic reads like a real site): last 30 days, desktop in light and a phone in dark.
 */
async function screenshots(browser: Browser, base: string, cookie: { name: string; value: string; url: string }): Promise<void> {
  const shots: Array<[string, { width: number; height: number }, 'light' | 'dark']> = [
    ['docs/screenshot-site-view.png', { width: 1280, height: 900 }, 'light'],
    ['docs/screenshot-site-view-phone.png', { width: 375, height: 812 }, 'dark'],
  ];
  for (const [file, viewport, colorScheme] of shots) {
    const context = await browser.newContext({ viewport, colorScheme, locale: 'en-GB', deviceScaleFactor: 1 });
    try {
      await context.addCookies([cookie]);
      const page = await context.newPage();
      await page.clock.setFixedTime(NOW);
      await page.goto(`${base}/sites/${DOMAIN}?period=30d&compare=previous`);
      await page.waitForFunction(() => document.querySelectorAll('.sv-skeleton').length === 0 && document.querySelector('.sv-kpi-value[data-value]') !== null, undefined, { timeout: 120_000 });
      await page.screenshot({ path: file, fullPage: viewport.width < 600 ? false : true });
    } finally {
      await context.close();
    }
  }
}

/**
 * Where the load runs: "shared", browser and server on all cores; "pinned", the server on
 * core 0 and the browser on core 1, as on two machines (each with one core).
 */
type Cpus = 'shared' | 'pinned';
const SERVER_CORE = '0';
const BROWSER_CORE = '1';
const ALL_CORES = `0-${cpus().length - 1}`;

/** Sets the CPUs of this process's threads (the server's, and those it starts later inherit it, the copy's process too). */
function pinServer(cores: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(process.pid)], { stdio: 'ignore' });
}

/** Whether the pinned variant can run: taskset (util-linux) present and two cores to split. */
function canPin(): boolean {
  if (cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A Chromium that starts on one core: its renderer, GPU and utility processes are forked from it and keep that affinity. */
function chromiumOnCore(dir: string, core: string): string {
  const path = join(dir, 'chromium-pinned.sh');
  // exec: the browser keeps the script's pid, which Playwright watches and ends.
  writeFileSync(path, `#!/bin/sh\nexec taskset -c ${core} ${CHROMIUM_PATH} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

const VIEWS: Array<[string, string]> = [
  ['30 days', 'period=30d'],
  ['12 months', 'period=12mo'],
  ['30 days, filtered', `period=30d&f=${encodeURIComponent('is|visit:country|US')}`],
  ['12 months, filtered', `period=12mo&f=${encodeURIComponent('is|visit:country|US')}`],
];

/** One view's medians, for the table that sets shared and pinned side by side. */
interface ViewMedians {
  files: number;
  firstQuery: number;
  responseEnd: number;
  filled: number;
}

/** One build's table rows: the loads, and where their time went; `ready`: ms from the server's start to its columnar copy serving. */
interface Measured {
  rows: string[];
  parts: string[];
  medians: Map<string, ViewMedians>;
  ready?: number;
}

/**
 * Waits until the server's columnar copy serves the bench site, and says how long after the
 * server started. Until then (its process starting: 2–12 s on this machine) every query reads
 * SQLite alone, the filtered and page-view reads of a view at several times their cost; a
 * server that is up has it, so the loads are measured from then on.
 */
async function copyReady(server: Awaited<ReturnType<typeof startServer>>): Promise<number> {
  const started = performance.now();
  if (!server.columnar) return 0;
  const site = (await findSite(server.db, DOMAIN))!;
  for (;;) {
    if (await server.columnar.coverage(site.id, site.timezone)) return performance.now() - started;
    if (performance.now() - started > 120_000) throw new Error('the columnar copy did not start within 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Start = typeof startServer;

/**
 * Every view's cold loads from a server that serves `publicDir`'s dashboard; `label` heads its
 * rows; `start`: the server's code (the baseline's own, or the current).
 */
async function measureBuild(browser: Browser, dbPath: string, publicDir: string, label: string, withScreenshots: boolean, env: Record<string, string> = {}, start: Start = startServer, cpus: Cpus = 'shared'): Promise<Measured> {
  const quiet = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m) };
  // Pinned before the server starts, so its worker threads and the copy's process are born on its core.
  if (cpus === 'pinned') pinServer(SERVER_CORE);
  const server = await start({ dbPath, port: 0, host: '127.0.0.1', publicDir, clock: () => NOW, log: quiet, maintenanceIntervalMs: 24 * 3_600_000, env });
  const measured: Measured = { rows: [], parts: [], medians: new Map() };
  try {
    measured.ready = await copyReady(server);
    const login = await fetch(`${server.url}/api/dashboard/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify(OWNER) });
    const session = /teller_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    if (!session) throw new Error(`login failed: ${login.status}`);
    const cookie = { name: 'teller_session', value: session, url: server.url };
    if (withScreenshots) await screenshots(browser, server.url, cookie);
    for (const [view, query] of VIEWS) {
      console.log(`   dashboard${label}, ${view}`);
      const url = `${server.url}/sites/${DOMAIN}?${query}`;
      // One untimed load: the database's pages into the OS cache, the server's code warm.
      const warm = await coldLoad(browser, url, cookie);
      // The page's today is the data's (FIXED_NOW): its queries end on that day, not the machine's.
      const today = new Date(NOW).toISOString().slice(0, 10);
      if (!warm.queries.some((q) => q.includes(today))) throw new Error(`the page did not ask for ${today}: its clock is not the data's`);
      const filled: number[] = [];
      const api: number[] = [];
      const batch: number[] = [];
      const loads: Load[] = [];
      for (let i = 0; i < RUNS; i++) {
        const load = await coldLoad(browser, url, cookie);
        loads.push(load);
        filled.push(load.filled);
        api.push(await apiRound(server.url, session, warm.queries));
        batch.push(await batchRound(server.url, session, warm.queries));
      }
      measured.rows.push(`| ${view}${label} | ${warm.queries.length} | **${ms(median(filled))}** | ${ms(median(api))} | ${ms(median(batch))} | ${ms(median(filled) - median(api))} |`);
      const at = (pick: (b: Breakdown) => number) => median(loads.map((l) => pick(l.breakdown)));
      const of = (pick: (b: Breakdown) => number) => ms(at(pick));
      measured.medians.set(view, { files: at((b) => b.files), firstQuery: at((b) => b.firstQuery), responseEnd: at((b) => b.responseEnd), filled: median(filled) });
      measured.parts.push(
        `| ${view}${label} | ${of((b) => b.html)} | ${of((b) => b.files)} | ${of((b) => b.firstAsk)} | ${of((b) => b.firstQuery)} | ${of((b) => b.requests)} | ${of((b) => b.queued)} | ${of((b) => b.firstByte)} | ${of((b) => b.responseEnd)} | ${of((b) => b.lastAnswer)} | ${of((b) => b.drawScript)} | ${ms(median(filled))} |`,
      );
    }
  } finally {
    await server.close();
    if (cpus === 'pinned') pinServer(ALL_CORES);
  }
  return measured;
}

/**
 * The code as it was at `commit`, in a directory of its own (with the shared node_modules):
 * its dashboard built into `outDir` by that commit's own build script, and its server.
 */
async function checkoutAt(commit: string, outDir: string): Promise<{ tree: string; start: Start }> {
  const tree = mkdtempSync(join(tmpdir(), 'teller-bench-baseline-'));
  execSync(`git archive ${commit} | tar -x -C ${tree}`, { stdio: ['ignore', 'ignore', 'inherit'] });
  symlinkSync(resolve('node_modules'), join(tree, 'node_modules'));
  const then = (await import(pathToFileURL(join(tree, 'dashboard/build.mjs')).href)) as typeof import('../dashboard/build.mjs');
  await then.buildDashboard({ outDir, quiet: true });
  const server = (await import(pathToFileURL(join(tree, 'server/node/server.ts')).href)) as typeof import('../server/node/server.ts');
  return { tree, start: server.startServer };
}

/** `K=V;K=V` (TELLER_BENCH_BASELINE_ENV) as the server's environment. */
function envOf(spec: string | undefined): Record<string, string> {
  return Object.fromEntries((spec ?? '').split(';').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/**
 * With TELLER_BENCH_DASHBOARD_BASELINE=<commit>, that commit's dashboard and server are
 * measured in the same run on the same data (before and after on one machine, one load of its
 * other work), its rows marked "(baseline)"; TELLER_BENCH_BASELINE_ENV=`K=V;K=V` starts
 * the baseline's server with those settings (e.g. the columnar copy's former one connection).
 */
export async function runDashboardBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'teller-bench-dash-'));
  const publicDir = join(dir, 'public');
  await buildTracker({ outDir: publicDir, quiet: true });
  const build = await buildDashboard({ outDir: publicDir, quiet: true });
  const baseline = process.env.TELLER_BENCH_DASHBOARD_BASELINE;
  const baselineEnv = envOf(process.env.TELLER_BENCH_BASELINE_ENV);
  const baselineDir = join(dir, 'baseline');
  const then = baseline ? await checkoutAt(baseline, baselineDir) : null;

  const data = await openDataset(1_000_000);
  const dbPath = data.db.raw.name;
  if (!(await data.db.first('SELECT 1 FROM users WHERE email = ?', [OWNER.email]))) await createUser(data.db, OWNER.email, OWNER.password, NOW);
  // The server opens the same columnar copy, which one process may hold at a time.
  data.columns.close();
  data.db.close();

  const variants: Cpus[] = canPin() ? ['shared', 'pinned'] : ['shared'];
  const browser = await launchChromium();
  const pinnedBrowser = variants.includes('pinned') ? await launchChromium(chromiumOnCore(dir, BROWSER_CORE)) : null;
  const rows: string[] = [];
  const parts: string[] = [];
  const ready: number[] = [];
  /** Each view and build's medians, shared and pinned, with the load average as each began. */
  const sideBySide = new Map<string, Partial<Record<Cpus, ViewMedians & { load: number }>>>();
  const keep = (label: string, cpus: Cpus, measured: Measured, load: number) => {
    rows.push(...measured.rows);
    parts.push(...measured.parts);
    ready.push(measured.ready ?? 0);
    for (const [view, m] of measured.medians) sideBySide.set(`${view}${label}`, { ...sideBySide.get(`${view}${label}`), [cpus]: { ...m, load } });
  };
  try {
    // TELLER_BENCH_READER_THREADS=1,2: the current build against servers with each pool size, in turns.
    const readerCounts = (process.env.TELLER_BENCH_READER_THREADS ?? '').split(',').filter(Boolean);
    for (let round = 0; round < (readerCounts.length > 0 ? 2 : 0); round++) {
      for (const n of readerCounts) {
        const measured = await measureBuild(browser, dbPath, publicDir, ` (${n} reader thread${n === '1' ? '' : 's'}, ${round + 1})`, false, { TELLER_READER_THREADS: n });
        rows.push(...measured.rows);
        parts.push(...measured.parts);
      }
    }
    // Baseline, current, baseline, current (shared, then pinned, in each round): the machine's drift falls on both alike.
    const rounds = readerCounts.length > 0 ? 0 : baseline ? 2 : 1;
    for (let round = 0; round < rounds; round++) {
      for (const cpus of variants) {
        const on = cpus === 'pinned' ? pinnedBrowser! : browser;
        const suffix = variants.length > 1 ? `, ${cpus}` : '';
        if (baseline) {
          const label = ` (baseline${rounds > 1 ? `, ${round + 1}` : ''}`;
          const load = loadavg()[0]!;
          keep(label + ')', cpus, await measureBuild(on, dbPath, baselineDir, label + suffix + ')', false, baselineEnv, then!.start, cpus), load);
        }
        const label = baseline ? ` (${round + 1}` : '';
        const load = loadavg()[0]!;
        keep(label && label + ')', cpus, await measureBuild(on, dbPath, publicDir, label ? label + suffix + ')' : suffix && ` (${cpus})`, round === 0 && cpus === 'shared', {}, startServer, cpus), load);
      }
    }
  } finally {
    await browser.close();
    await pinnedBrowser?.close();
    rmSync(dir, { recursive: true, force: true });
    if (then) rmSync(then.tree, { recursive: true, force: true });
  }

  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const page = (module: string) => module.replace(/^dashboard\//, '').replace(/\.ts$/, '');
  return [
    `The site view in Debian's Chromium (headless, 1280 × 900, a fresh profile for every load) against the 1 M-event bench database (${data.notes.filter((n) => n.startsWith('database') || n.startsWith('columnar copy ')).join('; ')}), ` +
      `served by \`startServer\` on 127.0.0.1 with its clock at the data's "now". "Filled" runs from navigation to the last panel drawn (the page's files, the session, ` +
      `one round of Stats API queries, drawing). "Stats API" sends the page's own query bodies from Node to POST /api/v2/query, all at once; "one batch" sends them from Node as the page does, in one POST /api/dashboard/queries. Median of ${RUNS} loads after one untimed, ` +
      `once the server's columnar copy serves (its process was ready ${ready.map((r) => `${(r / 1000).toFixed(1)} s`).join(', ')} after each server's start; before that every query reads SQLite alone).` +
      (baseline
        ? ` "(baseline)": the dashboard and server of commit ${baseline.slice(0, 7)} measured in the same run, on the same data${Object.keys(baselineEnv).length > 0 ? ` started with ${Object.entries(baselineEnv).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}, alternating with the current one.`
        : '') +
      (process.env.TELLER_BENCH_READER_THREADS ? ` "(N reader threads)": the same dashboard against servers started with TELLER_READER_THREADS=N, in turns.` : ''),
    '',
    '| view | queries | filled (ms) | Stats API, same queries (ms) | one batch from Node, same queries (ms) | page, files and drawing (ms) |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Where the time goes (median of the same loads, ms from navigation start, read in the page from the browser\'s Navigation and Resource Timing and the dashboard\'s own marks: ' +
      '`tq:ask` when the view asks its first query, `tq:send` when queries are sent, `tq:answer` when its answer is parsed, `tq:drawn` after the panels\' reactions to it ran). "Files": the last JavaScript or CSS asked for before the first query; ' +
      '"queued": the longest a data request waited for a connection; "first byte" and "response end": the latest data request\'s first and last byte; "draw (script)": the script run by the reactions to the answers, answers drawn together counted once; ' +
      'the rest of "filled" after the last answer is style, layout and paint up to the frame that shows it.',
    '',
    '| view | HTML | files | first query asked | first query sent | data requests | queued (max) | first byte (last) | response end (last) | last answer | draw (script, sum) | filled |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...parts,
    '',
    ...(variants.length > 1
      ? [
          `Shared and pinned side by side (medians, ms from navigation start; "shared": Chromium and the server on both cores, as the rows above without "pinned"; "pinned": the server (its process, threads and the columnar copy's process) on core ${SERVER_CORE}, Chromium and its child processes on core ${BROWSER_CORE}, as a visitor's browser on its own machine; load: the 1-minute load average as each build's loads began):`,
          '',
          '| view | load | shared: files in | first query sent | batch last byte | **filled** | load | pinned: files in | first query sent | batch last byte | **filled** |',
          '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
          ...[...sideBySide].map(([view, v]) => `| ${view} | ${[v.shared, v.pinned].map((m) => (m ? `${m.load.toFixed(1)} | ${ms(m.files)} | ${ms(m.firstQuery)} | ${ms(m.responseEnd)} | **${ms(m.filled)}**` : '– | – | – | – | –')).join(' | ')} |`),
          '',
        ]
      : ['(taskset or a second core missing: the pinned variant was not measured.)', '']),
    `Dashboard files (gzip): **${kb(build.heaviest.cold)} for a cold load of the heaviest page, ${page(build.heaviest.page)}** (budget ${kb(build.budget)} for any page: the entry's JavaScript and CSS, ` +
      `the page's own chunks, and one language's strings); the others: ${build.routes.filter((r) => r !== build.heaviest).map((r) => `${page(r.page)} ${kb(r.cold)}`).join(', ')}; ` +
      `${kb(build.total)} in all; what loads on first use (the map's code, the dialogs, the ZIP writer: ${kb(build.files.filter((f) => f.load === 'on demand').reduce((n, f) => n + f.gzipped, 0))}) and the map's outlines come when needed.`,
  ].join('\n');
}
