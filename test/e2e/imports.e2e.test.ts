/**
 * Imported history in the site view, in real Chromium against a real server held at one
 * instant (Saturday 2026-12-05 10:30 UTC): imported November days (seeded in the
 * `imported_*` tables as an import would leave them) count into the KPIs and the chart
 * with a note naming the source and its days; the note's button leaves them out and takes
 * them back, kept in the URL; where the chart cannot count them (hourly buckets) the note
 * says why.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue as english } from '../../dashboard/i18n/en.ts';
import { catalogue as bokmal } from '../../dashboard/i18n/nb.ts';
import { dateRange } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { kpiQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { parseView } from '../../server/core/dashboard-api/view-queries/state.ts';
import { createToken } from '../../server/core/tokens.ts';
import { importedVisit, importStatements } from '../shared/imported-rows.ts';
import { type DashboardHarness, OWNER, PHONE, SCREENSHOT_DIR, rawKeysOnPage, screenshot, seriousA11yViolations, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'imported.example';
const NOW = Date.UTC(2026, 11, 5, 10, 30);
const TODAY = '2026-12-05';
let serverNow = NOW;
let harness: DashboardHarness;
let token: string;

const imported = (day: string, page: string) => importedVisit(day, page, DOMAIN, { os: 'Windows', pageviews: 2, duration: 40 });

/** Eleven imported days, 10–20 November, three visitors a day. */
const IMPORTED = Array.from({ length: 11 }, (_, n) => `2026-11-${String(10 + n).padStart(2, '0')}`).flatMap((day) => [imported(day, '/'), imported(day, '/'), imported(day, '/blog')]);

async function stats(q: unknown): Promise<{ results: Array<{ metrics: number[] }>; meta: Record<string, unknown> }> {
  const res = await fetch(`${harness.url}/api/v2/query`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(q) });
  expect(res.status).toBe(200);
  return res.json();
}

beforeAll(async () => {
  harness = await startDashboard({ clock: () => serverNow });
  const siteId = await harness.server.addSite(DOMAIN, 'Etc/UTC');
  token = await createToken(harness.server.db, { siteId }, NOW);
  for (const s of importStatements(siteId, 1, IMPORTED)) await harness.server.db.run(s.sql, s.params);
  // Own data from 1 December: four visitors.
  for (const [n, ip] of ['84.208.1.1', '84.208.1.2', '84.208.1.3', '84.208.1.4'].entries()) {
    serverNow = Date.parse(`2026-12-0${1 + n}T08:00:00Z`);
    expect((await harness.sendPageview(DOMAIN, '/', ip)).status).toBe(202);
  }
  serverNow = NOW;
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

async function open(path: string, options: Parameters<DashboardHarness['newPage']>[0] = {}): Promise<Page> {
  await harness.ensureOwner();
  const p = await harness.newPage(options);
  await p.clock.setFixedTime(NOW);
  await harness.loginAs(p, OWNER, `/sites/${DOMAIN}${path}`);
  await p.waitForSelector('.sv-kpi-value[data-value]');
  await waitFor('every panel filled', () => p.evaluate(() => document.querySelectorAll('.sv-skeleton').length === 0));
  return p;
}

/** The whole page, and the chart with the note under it close up (the part to judge). */
async function shots(p: Page, name: string): Promise<void> {
  await screenshot(p, name);
  const chart = (await p.$eval('.sv-chart', (el) => el.getBoundingClientRect().toJSON())) as DOMRect;
  const note = (await p.$eval('.sv-imports', (el) => el.getBoundingClientRect().toJSON())) as DOMRect;
  const y = Math.max(0, chart.top - 8);
  await p.screenshot({ path: join(SCREENSHOT_DIR, `${name}-note.png`), fullPage: true, clip: { x: 0, y, width: p.viewportSize()!.width, height: Math.max(chart.bottom, note.bottom) + 16 - y } });
}

const visitorsShown = (p: Page) => p.$eval('.sv-kpi[data-metric="visitors"] .sv-kpi-value', (el) => Number((el as HTMLElement).dataset.value));
const note = async (p: Page) => {
  await p.waitForSelector('.sv-imports:not([hidden]) .sv-imports-text');
  return p.textContent('.sv-imports-text');
};
const visitors = async (view: string, imports: boolean) => {
  const state = parseView(view);
  return (await stats(kpiQuery({ siteId: DOMAIN, range: dateRange(state, TODAY), filters: [], compare: null, imports }))).results[0]!.metrics[0]!;
};

describe('imported history in the site view', () => {
  it('counts imported days in by default, says from where and when, and leaves them out on request', async () => {
    const p = await open('?period=30d');
    const days = { source: 'Plausible', from: '10 Nov 2026', to: '20 Nov 2026' };
    expect(await note(p)).toBe(english['sv.imports.included'].replace('{source}', days.source).replace('{from}', days.from).replace('{to}', days.to));
    // 33 imported visitors and 4 own: what the API answers with imports, not without.
    expect(await visitors('period=30d', true)).toBe(37);
    expect(await visitors('period=30d', false)).toBe(4);
    expect(await visitorsShown(p)).toBe(37);
    // The chart's buckets hold the imported days too: three visitors on 10 November.
    expect(await p.$eval('.sv-chart tr[data-bucket="2026-11-10"] td', (el) => (el as HTMLElement).dataset.value)).toBe('3');
    // Imported sources have channels (classified at import): the Channels tab counts them in, and so do Search engines.
    const hint = (panel: string) => p.$eval(`[data-panel="${panel}"] .sv-imports-hint`, (el) => !(el as HTMLElement).hidden);
    const rowOf = (panel: string, label: string) =>
      p.evaluate(({ panel, label }) => [...document.querySelectorAll(`[data-panel="${panel}"] tbody tr`)].find((row) => row.textContent!.includes(label))?.textContent ?? '', { panel, label });
    await waitFor('the channels tab counts imported visitors', async () => (await rowOf('sources', 'Organic Search')).includes('33'));
    expect(await hint('sources')).toBe(false);
    await p.locator('[data-panel="sources"]').screenshot({ path: join(SCREENSHOT_DIR, 'imports-channels.png') });
    await p.click('[data-panel="sources"] [role="tab"]:nth-child(4)');
    await waitFor('the search engines tab counts imported visitors', async () => (await rowOf('sources', 'Google')).includes('33'));
    expect(await hint('sources')).toBe(false);
    // Site search is not in imported data: that tab says so.
    await p.click('[data-panel="words"] [role="tab"]:nth-child(3)');
    await waitFor('the site search tab says it has own numbers only', () => hint('words'));
    expect(await p.textContent('[data-panel="words"] .sv-imports-hint')).toBe(english['sv.imports.panel']);
    expect(await hint('devices')).toBe(false);
    await p.locator('[data-panel="words"]').screenshot({ path: join(SCREENSHOT_DIR, 'imports-panel-hint.png') });
    expect(await seriousA11yViolations(p)).toEqual([]);
    expect(await rawKeysOnPage(p)).toEqual([]);
    await shots(p, 'imports-included');

    await p.click('[data-key="imports-toggle"]');
    await waitFor('imports left out in the URL', () => p.evaluate(() => location.search.includes('imports=off')));
    await waitFor('own visitors only', async () => (await visitorsShown(p).catch(() => 0)) === 4);
    expect(await note(p)).toBe(english['sv.imports.excluded'].replace('{source}', days.source).replace('{from}', days.from).replace('{to}', days.to));
    await shots(p, 'imports-left-out');

    // The state is the URL's: a reload keeps it, and the button takes them back.
    await p.reload();
    await waitFor('own visitors only after reload', async () => (await visitorsShown(p).catch(() => 0)) === 4);
    await p.click('[data-key="imports-toggle"]');
    await waitFor('imports back', async () => (await visitorsShown(p).catch(() => 0)) === 37);
    expect(await p.evaluate(() => location.search)).toBe('?period=30d&tab.sources=engines&tab.words=site_search');
  });

  it('says why the chart shows own numbers only where imported days have no hourly numbers', async () => {
    const p = await open('?period=custom&from=2026-11-10&to=2026-11-11');
    expect(await note(p)).toBe(english['sv.imports.skip.unsupported_interval']);
    await shots(p, 'imports-hourly');
  });

  it('shows no note where the period holds no imported days', async () => {
    const p = await open('?period=7d');
    // The series has answered (the chart drew) and the note stayed hidden.
    await p.waitForSelector('.sv-chart table');
    expect(await p.$eval('.sv-imports', (el) => (el as HTMLElement).hidden)).toBe(true);
  });

  it('reads well in the dark, on a phone and in bokmål', async () => {
    const dark = await open('?period=30d', { colorScheme: 'dark' });
    await note(dark);
    await shots(dark, 'imports-dark');
    const phone = await open('?period=30d', { viewport: PHONE, locale: 'nb-NO' });
    const text = await note(phone);
    expect(text).toContain(bokmal['sv.imports.included'].slice(0, 20));
    // Nothing wider than the screen.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const box = await phone.$eval('.sv-imports', (el) => el.getBoundingClientRect().right);
    expect(box).toBeLessThanOrEqual(PHONE.width);
    await shots(phone, 'imports-phone-nb');
  });
});
