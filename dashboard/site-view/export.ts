/**
 * The whole view as one ZIP of CSV files, built in the browser from the Stats API's answers
 * to the view's own queries (its range, filters and comparison): the key figures, the series
 * over time, every tab of every panel (each UTM tag; the map's countries once), each with
 * up to EXPORT_ROWS rows, and the Goals panel's rows when the site has goals. Loaded with the
 * first export, not with the view.
 * @module
 */
import type { StatsResult } from '../lib/api.ts';
import { t } from '../lib/i18n.ts';
import { cachedQuery } from './cache.ts';
import { csvFileName, toCsv } from './csv-download.ts';
import { chosenInterval, daysBetween } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { metricLabel } from './kpis.ts';
import { resolvedSpan } from './panel.ts';
import { EXPORT_ROWS, exportTabs } from './export-tabs.ts';
import { storedPrecision } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { breakdownQuery, kpiQuery, seriesQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { rowsCsv } from './rows.ts';
import { METRICS } from '../../server/core/dashboard-api/view-queries/state.ts';
import type { View } from './view.ts';

interface ExportFile {
  name: string;
  /** Builds the file's CSV when the archive reaches it: one query at a time; null leaves the file out. */
  csv(): Promise<string | null>;
}

function summaryCsv(result: StatsResult): string {
  const row = result.results[0];
  const compared = row?.comparison !== undefined;
  const header = [t('sv.export.metric'), t('sv.export.value'), ...(compared ? [t('sv.export.comparison')] : [])];
  const rows = METRICS.map((m, i) => [metricLabel(m), row?.metrics[i] ?? null, ...(compared ? [row?.comparison?.metrics[i] ?? null] : [])]);
  return toCsv(header, rows);
}

function seriesCsv(result: StatsResult): string {
  const header = [t('sv.export.time'), ...METRICS.map(metricLabel)];
  return toCsv(header, result.results.map((r) => [r.dimensions[0] ?? '', ...METRICS.map((_, i) => r.metrics[i] ?? null)]));
}

/** The files of the archive, in the order the view shows them. */
export function exportFiles(view: View): ExportFile[] {
  const { state, base, span } = view;
  // The chart's own interval, so the series file holds the buckets the chart draws.
  const interval = state.period === 'all' && !state.interval ? null : chosenInterval(state.interval, daysBetween(span.from, span.to));
  return [
    { name: 'summary.csv', csv: async () => summaryCsv(await cachedQuery(kpiQuery(base))) },
    { name: 'over-time.csv', csv: async () => seriesCsv(await cachedQuery(seriesQuery(base, interval))) },
    ...exportTabs(state.filters, storedPrecision(view.ctx.site)).map(({ name, tab }) => ({
      name: `${name}.csv`,
      csv: async () => {
        const { header, rows } = rowsCsv(tab, await cachedQuery(breakdownQuery(base, tab, { limit: EXPORT_ROWS })));
        return toCsv(header, rows);
      },
    })),
    { name: 'goals.csv', csv: async () => (await import('./goals-panel.ts')).goalsCsv(view) },
  ];
}

/** The archive's name: like a panel's CSV, `example.com_view_<from>_<to>_<filters>.zip`. */
export async function exportName(view: View): Promise<string> {
  const { from, to } = resolvedSpan(await cachedQuery(kpiQuery(view.base)), view.span);
  return csvFileName(view.ctx.site.domain, 'view', from, to, view.state.filters).replace(/\.csv$/, '.zip');
}

/** Fetches every file and zips them; resolves with the archive. */
export async function buildExport(view: View): Promise<{ name: string; blob: Blob }> {
  const encoder = new TextEncoder();
  async function* entries() {
    for (const file of exportFiles(view)) {
      const text = await file.csv();
      if (text === null) continue;
      yield { name: file.name, chunks: (async function* () { yield encoder.encode(text); })() };
    }
  }
  // The ZIP writer comes with the first export, not with every load of the dashboard.
  const { zipStream } = await import('../../server/core/zip.ts');
  const [name, blob] = await Promise.all([exportName(view), new Response(zipStream(entries(), new Date())).blob()]);
  return { name, blob: new Blob([blob], { type: 'application/zip' }) };
}
