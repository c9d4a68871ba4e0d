/**
 * `npm run bench` (or `npm run bench -- ingest|soak|query|query-ab [revision]|funnel|ingest-under-queries|fair-share|dashboard|d1-rows|geo|import`): measures ingest, a soak under
 * overload and queries, and writes the figures, with the machine and the date, into
 * docs/benchmarks.md.
 */
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { replaceSection } from './doc-sections.ts';
import { runIngestBench } from './ingest.ts';
import { keptTenMillionTable } from './kept-table.ts';
import { runIngestCpuBench } from './ingest-ab.ts';
import { runIngestSqliteBench } from './ingest-sqlite.ts';
import { runIngestStagesBench } from './ingest-stages.ts';
import { runDashboardBench } from './dashboard.ts';
import { runD1RowsBench } from './d1-rows.ts';
import { runFairShareBench } from './fair-share.ts';
import { runFunnelBench } from './funnel.ts';
import { runGeoBench } from './geo.ts';
import { runImportBench } from './import.ts';
import { runIngestUnderQueriesBench } from './ingest-under-queries.ts';
import { runQueryBench } from './query.ts';
import { runQueryAbBench } from './query-ab.ts';
import { runSoakBench } from './soak.ts';

const DOC = 'docs/benchmarks.md';

function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

const only = process.argv[2];
let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n\nFigures from `npm run bench`, written by the benchmark itself. Ratios compare runs made in the same process on the same machine.\n';
if (!only || only === 'ingest') {
  console.log('== ingest');
  // Stages first, in process, before wrk and two servers have warmed the machine up.
  const stages = await runIngestStagesBench();
  const ingest = await runIngestBench();
  doc = replaceSection(doc, 'Ingest', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${ingest}`);
  doc = replaceSection(doc, 'Ingest stages', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${stages}`);
  const cpu = await runIngestCpuBench([['Teller', '.']], true);
  const sqlite = await runIngestSqliteBench();
  doc = replaceSection(doc, 'Ingest CPU per stored event', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${cpu}\n\nWhere the SQLite part goes (bench/ingest-sqlite.ts):\n\n${sqlite}`);
  writeFileSync(DOC, doc);
}
if (!only || only === 'soak') {
  console.log('== soak');
  const soak = await runSoakBench();
  doc = replaceSection(doc, 'Soak', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${soak}`);
  writeFileSync(DOC, doc);
}
if (!only || only === 'query') {
  console.log('== queries');
  const queries = await runQueryBench();
  const kept = process.env.TELLER_BENCH_10M === '1' ? '' : keptTenMillionTable(doc, 'Queries');
  doc = replaceSection(doc, 'Queries', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${queries}${kept ? `\n\n${kept}` : ''}`);
  writeFileSync(DOC, doc);
}
if (!only || only === 'funnel') {
  // Needs the query step's database (built on first use).
  console.log('== funnel');
  const funnel = await runFunnelBench();
  doc = replaceSection(doc, 'Funnel', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${funnel}`);
  writeFileSync(DOC, doc);
}
if (!only || only === 'ingest-under-queries') {
  // Needs the query step's database (built on first use).
  console.log('== ingest while queries run');
  const under = await runIngestUnderQueriesBench();
  doc = replaceSection(doc, 'Ingest while queries run', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${under}`);
  writeFileSync(DOC, doc);
}
if (!only || only === 'fair-share') {
  // Needs the query step's database (built on first use).
  console.log('== fair share of the reader');
  const fair = await runFairShareBench();
  doc = replaceSection(doc, 'Fair share of the reader', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${fair}`);
  writeFileSync(DOC, doc);
}
if (!only || only === 'dashboard') {
  console.log('== dashboard');
  const dashboard = await runDashboardBench();
  doc = replaceSection(doc, 'Dashboard', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${dashboard}`);
  writeFileSync(DOC, doc);
}
if (!only || only === 'd1-rows') {
  console.log('== D1 rows read per dashboard view');
  const d1Rows = await runD1RowsBench();
  doc = replaceSection(doc, 'D1 rows read per dashboard view', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${d1Rows}`);
  writeFileSync(DOC, doc);
}
if (!only || only === 'geo') {
  console.log('== location lookup');
  const geo = await runGeoBench();
  doc = replaceSection(doc, 'Location lookup', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${geo}`);
  writeFileSync(DOC, doc);
}
if (!only || only === 'import') {
  // Needs the query step's database (built on first use).
  console.log('== import');
  const imported = await runImportBench();
  doc = replaceSection(doc, 'Import', `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}.\n\n${imported}`);
  writeFileSync(DOC, doc);
}
if (only === 'query-ab') {
  // Named only: an A/B of the planner against a baseline revision, printed for a dated subsection written by hand.
  console.log('== query planner, baseline and this checkout alternated');
  await runQueryAbBench(process.argv[3]);
  process.exit(0);
}
console.log(`figures written to ${DOC}`);
