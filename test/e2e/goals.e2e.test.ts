/**
 * Goals in Chromium: the settings' Goals section (suggestions added in one click, a page
 * goal and a property goal with a currency from the form, a refused name shown under its
 * field, rename in place, reorder by keyboard, delete after asking), the 404 page's line
 * copied from it sending the `404` event through the real tracker, and the site view's
 * Goals panel (numbers equal to the Stats API's, a click filters by the goal and the KPIs
 * show conversions and the conversion rate; no goals: one click adds one). Screenshots at
 * desktop and 375 px, light and dark, English and bokmål.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHarness, DESKTOP, type PageOptions, PHONE, rawKeysOnPage, SCREENSHOT_DIR, seriousA11yViolations, startDashboard, waitFor } from './dashboard-harness.ts';

const SITE = 'goals.example.com';
const EMPTY = 'nogoals.example.com';
const SHARED = 'shared-goals.example.com';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let d: DashboardHarness;
let siteId: number;

beforeAll(async () => {
  d = await startDashboard();
  siteId = await d.server.addSite(SITE, 'Europe/Oslo');
  await d.server.addSite(EMPTY, 'Europe/Oslo');
  const visit = (ip: string, body: Record<string, unknown>) => d.sendEvent(SITE, { ip }, UA, { u: `https://${SITE}/pricing`, ...body });
  for (const ip of ['84.208.20.110', '84.208.20.111', '85.226.0.1', '91.64.0.1']) await visit(ip, {});
  await visit('84.208.20.110', { n: 'Signup', p: { plan: 'pro' }, $: { amount: '199', currency: 'NOK' } });
  // Revenue in another currency than the goal's: counted as a conversion, left out of the sum and said so.
  await visit('84.208.20.110', { n: 'Signup', p: { plan: 'pro' }, $: { amount: '20', currency: 'EUR' } });
  await visit('84.208.20.111', { n: 'Signup', p: { plan: 'free' } });
  await visit('84.208.20.111', { n: 'Signup', p: { plan: 'free' } });
  await visit('85.226.0.1', { n: 'Contact', u: `https://${SITE}/contact` });
  await visit('91.64.0.1', { u: `https://${SITE}/thanks/order` });
  await d.sendEvent(EMPTY, { ip: '84.208.20.110' }, UA, { u: `https://${EMPTY}/` });
  await d.sendEvent(EMPTY, { ip: '84.208.20.110' }, UA, { n: 'Newsletter', u: `https://${EMPTY}/` });
});

afterAll(async () => {
  await d?.close();
});

const stored = async (domain = SITE) =>
  d.server.db.all<{ display_name: string; kind: string; page_path: string; event_name: string; prop_key: string; prop_value: string; currency: string }>(
    'SELECT display_name, kind, page_path, event_name, prop_key, prop_value, currency FROM goals WHERE site_id = (SELECT id FROM sites WHERE domain = ?) ORDER BY position',
    [domain],
  );

const goalsSection = (page: Page, heading = 'Goals') => page.locator('section').filter({ has: page.getByRole('heading', { name: heading, exact: true, level: 2 }) });

/** The Stats API's answer for the view's Goals panel over its default range, asked with the page's session. */
async function apiGoals(page: Page): Promise<Array<{ dimensions: string[]; metrics: number[] }>> {
  const to = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Oslo' });
  const from = new Date(Date.parse(to) - 27 * 86_400_000).toISOString().slice(0, 10);
  const res = await page.request.post(`${d.url}/api/v2/query`, {
    data: { site_id: SITE, metrics: ['visitors', 'events', 'conversion_rate'], date_range: [from, to], dimensions: ['event:goal'], order_by: [['visitors', 'desc']] },
    headers: { origin: d.url },
  });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { results: Array<{ dimensions: string[]; metrics: number[] }> }).results;
}

describe('goals in settings', () => {
  it('adds suggested, page and property goals, renames, reorders by keyboard and deletes', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings`);
    const section = goalsSection(page);
    await section.getByText('No goals yet.').waitFor();
    const suggested = section.locator('.goal-suggestion');
    expect(await suggested.evaluateAll((items) => items.map((li) => li.getAttribute('data-event')))).toEqual(['Contact', 'Signup', '404', 'Outbound Link: Click', 'File Download']);
    await screenshot(section, 'goals-settings-empty-desktop-light');

    await section.getByRole('button', { name: 'Add Signup' }).click();
    await section.getByText('Goal “Signup” added.').waitFor();
    await section.locator('li.goal').first().waitFor();
    expect(await suggested.evaluateAll((items) => items.map((li) => li.getAttribute('data-event')))).toEqual(['Contact', '404', 'Outbound Link: Click', 'File Download']);

    // A page goal from the form.
    await section.getByLabel('A page is visited').check();
    expect(await section.getByLabel('Event name').isVisible()).toBe(false);
    await section.getByLabel('Page path').fill('/thanks/**');
    await section.getByLabel('Name (optional)').fill('Thank you page');
    await section.getByRole('button', { name: 'Add goal' }).click();
    await section.getByText('Goal “Thank you page” added.').waitFor();

    // A refused event name is said under its field, without the API's field name.
    await section.getByLabel('A custom event is sent').check();
    await section.getByLabel('Event name').fill('pageview');
    await section.getByRole('button', { name: 'Add goal' }).click();
    await section.getByText('"pageview" is not a custom event; make a page goal instead').waitFor();
    expect(await section.getByLabel('Event name').getAttribute('aria-invalid')).toBe('true');

    // A property goal with revenue.
    await section.getByLabel('Event name').fill('Signup');
    await section.getByLabel('Property (optional)').fill('plan');
    await section.getByRole('button', { name: 'Add goal' }).click();
    await section.getByText('Give the property’s value too, or leave both empty.').waitFor();
    await section.getByLabel('Value', { exact: true }).fill('pro');
    await section.getByLabel('Revenue currency (optional)').fill('nok');
    await section.getByLabel('Name (optional)').fill('Pro signup');
    await section.getByRole('button', { name: 'Add goal' }).click();
    await section.getByText('Goal “Pro signup” added.').waitFor();
    expect(await stored()).toEqual([
      { display_name: 'Signup', kind: 'event', page_path: '', event_name: 'Signup', prop_key: '', prop_value: '', currency: '' },
      { display_name: 'Thank you page', kind: 'page', page_path: '/thanks/**', event_name: '', prop_key: '', prop_value: '', currency: '' },
      { display_name: 'Pro signup', kind: 'event', page_path: '', event_name: 'Signup', prop_key: 'plan', prop_value: 'pro', currency: 'NOK' },
    ]);
    await section.getByText('Event Signup with plan = pro, revenue in NOK').waitFor();

    // Rename in place: Enter saves.
    await section.getByRole('button', { name: 'Rename Signup' }).click();
    const box = section.getByLabel('New name for Signup');
    await box.fill('Signed up');
    await box.press('Enter');
    await section.getByText('Renamed.').waitFor();
    await section.getByRole('button', { name: 'Rename Signed up' }).waitFor();

    // Reorder with the keyboard: focus stays on the moved goal's button.
    await section.getByRole('button', { name: 'Move Pro signup up' }).focus();
    await page.keyboard.press('Enter');
    await section.getByText('Order saved.').waitFor();
    await waitFor('focus on the moved goal', () => page.evaluate(() => document.activeElement?.getAttribute('aria-label')).then((label) => label === 'Move Pro signup up'));
    await page.keyboard.press('Enter');
    await waitFor('Pro signup first', async () => (await stored())[0]?.display_name === 'Pro signup');
    // First now: its Move up is disabled, so focus went to Move down.
    await waitFor('focus on Move down', () => page.evaluate(() => document.activeElement?.getAttribute('aria-label')).then((label) => label === 'Move Pro signup down'));
    expect((await stored()).map((g) => g.display_name)).toEqual(['Pro signup', 'Signed up', 'Thank you page']);
    expect(await section.locator('li.goal strong').allTextContents()).toEqual(['Pro signup', 'Signed up', 'Thank you page']);

    // Delete asks first; Cancel keeps the goal.
    await section.getByRole('button', { name: 'Delete Thank you page' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await stored()).toHaveLength(3);
    await section.getByRole('button', { name: 'Delete Thank you page' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await section.getByText('Goal deleted.').waitFor();
    expect((await stored()).map((g) => g.display_name)).toEqual(['Pro signup', 'Signed up']);
    await screenshot(section, 'goals-settings-desktop-light');

    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await rawKeysOnPage(page)).toEqual([]);
  });

  it('the 404 line from settings sends the 404 event through the tracker, and it then counts as sent', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings`);
    const section = goalsSection(page);
    const line = await section.locator('.goal-suggestion[data-event="404"] input').inputValue();
    expect(line).toMatch(/^<script>.*plausible\('404'.*<\/script>$/);
    // A 404 page of the site, served at Teller's own origin (the tracker needs data-local there).
    const missing = `${d.url}/missing-page/gone`;
    await page.route(`${d.url}/missing-page/**`, (route) =>
      route.fulfill({
        status: 404,
        contentType: 'text/html',
        body: `<!doctype html><html><head><script defer data-local data-domain="${SITE}" src="${d.url}/script.js"></script>${line}</head><body>Not found</body></html>`,
      }),
    );
    await page.goto(missing);
    const sent = await waitFor('the 404 event', async () =>
      (await d.server.db.first<{ path: string }>("SELECT p.value AS path FROM events e JOIN event_props p ON p.event_id = e.id AND p.key = 'path' WHERE e.site_id = ? AND e.name = '404'", [siteId])) ?? undefined,
    );
    expect(sent.path).toBe('/missing-page/gone');
    await page.goto(`${d.url}/sites/${SITE}/settings`);
    await goalsSection(page).locator('.goal-suggestion[data-event="404"]').getByText('Your site sends this event.').waitFor();
    expect(await goalsSection(page).locator('.goal-suggestion[data-event="404"] input').count()).toBe(0);
  });

  it('saves screenshots of the section, without sideways scrolling at 375 px', async () => {
    for (const [variant, options] of VARIANTS) {
      const page = await d.ownerPage(`/sites/${SITE}/settings`, options);
      const section = goalsSection(page, options.locale ? 'Mål' : 'Goals');
      await section.locator('li.goal').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
      await screenshot(section, `goals-settings-${variant}`);
    }
  });
});

const VARIANTS: Array<[string, PageOptions]> = [
  ['desktop-dark', { viewport: DESKTOP, colorScheme: 'dark' }],
  ['phone-light', { viewport: PHONE, colorScheme: 'light' }],
  ['nb-phone-dark', { viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' }],
];

async function screenshot(locator: ReturnType<Page['locator']>, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

describe('the Goals panel in the site view', () => {
  it('shows each goal’s conversions as the Stats API counts them; a click filters the view by the goal', async () => {
    const page = await d.ownerPage(`/sites/${SITE}`);
    const panel = page.locator('[data-panel="goals"]');
    await panel.locator('tbody tr').first().waitFor();
    const expected = await apiGoals(page);
    expect(expected.length).toBeGreaterThan(0);
    const rows = await panel.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute('data-value'), Number(tr.getAttribute('data-visitors')), tr.querySelector('[data-metric="events"]')?.textContent]),
    );
    expect(rows).toEqual(expected.map((r) => [r.dimensions[0], r.metrics[0], String(r.metrics[1])]));
    // Signed up: 2 of the 5 visitors (the 404 page's visit above is the fifth).
    expect(rows[0]).toEqual(['Signed up', 2, '4']);
    expect(rows[1]).toEqual(['Pro signup', 1, '2']);
    // Revenue in the goal's currency; the euros are named apart.
    expect(await panel.locator('tr[data-value="Pro signup"] [data-metric="total_revenue"]').textContent()).toMatch(/^NOK\s199\.00$/);
    expect(await panel.locator('tr[data-value="Signed up"] [data-metric="total_revenue"]').textContent()).toBe('–');
    await panel.getByText('Not in the revenue: €20.00, sent in another currency').waitFor();
    expect(expected[0]!.metrics[2]).toBe(40);
    expect(await panel.locator('tr[data-value="Signed up"] [data-metric="conversion_rate"]').textContent()).toBe('40%');
    await screenshot(panel, 'goals-panel-desktop-light');
    // CSV: what the panel shows, the total conversions included, revenue as amount and currency.
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download Goals as CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${SITE.replace(/\./g, '\\.')}_goals_\\d{4}-\\d{2}-\\d{2}_\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const csv = await new Response((await download.createReadStream()) as unknown as ReadableStream).text();
    expect(csv).toBe(['Goal,Uniques,Total,CR,Revenue', 'Signed up,2,4,40,', 'Pro signup,1,2,20,199 NOK'].join('\r\n') + '\r\n');

    await panel.getByRole('button', { name: 'Signed up' }).click();
    await page.waitForURL(/f=is%7Cevent%3Agoal%7CSigned\+up/);
    await page.locator('.sv-chip').getByText('Goal is Signed up').waitFor();
    const kpis = page.locator('.sv-kpis');
    await kpis.locator('[data-metric="conversion_rate"] .sv-kpi-value[data-value]').waitFor();
    expect(await kpis.locator('.sv-kpi-label').allTextContents()).toEqual(['Unique conversions', 'Total conversions', 'Conversion rate']);
    expect(await kpis.locator('.sv-kpi-value').evaluateAll((els) => els.map((el) => el.getAttribute('data-value')))).toEqual(['2', '4', '40']);
    // The chart plots the conversions.
    await page.getByRole('heading', { name: 'Unique conversions', level: 2 }).waitFor();
    await panel.locator('tbody tr').first().waitFor();
    expect(await panel.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-value')))).toEqual(['Signed up']);
    // The other panels follow the goal: the pages its events were sent from, the visits that converted.
    const pages = page.locator('[data-panel="pages"] tbody tr');
    await pages.first().waitFor();
    expect(await pages.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-value'), tr.getAttribute('data-second')]))).toEqual([['/pricing', '4']]);
    const visits = page.locator('[data-panel="visits"]');
    await visits.locator('tbody tr').first().waitFor();
    expect(await visits.locator('tbody > tr:not(.sv-trail-row)').count()).toBe(2);
    expect(await page.locator('.sv-error').count()).toBe(0);
    await screenshot(page.locator('.sv-content'), 'goals-filtered-view-desktop-light');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await rawKeysOnPage(page)).toEqual([]);

    // The Filter dialog offers goals, suggesting the site's: add one by typing part of its name.
    await page.locator('.sv-chip').getByRole('button', { name: 'Remove filter: Goal is Signed up' }).click();
    await page.waitForURL((url) => !url.search.includes('event%3Agoal'));
    await page.click('[data-key="filter-add"]');
    await page.selectOption('dialog select >> nth=0', 'event:goal');
    await page.locator('dialog [role="combobox"]').pressSequentially('pro');
    await page.locator('#sv-filter-suggest [role="option"][data-value="Pro signup"]').click();
    await page.click('dialog button[type="submit"]');
    await page.locator('.sv-chip').getByText('Goal is Pro signup').waitFor();
    // A revenue goal: its total and average revenue too (goal-revenue.e2e.test.ts), the euros left out.
    await kpis.locator('[data-metric="average_revenue"] .sv-kpi-value:not(.sv-skeleton-text)').waitFor();
    expect(await kpis.locator('.sv-kpi-value').evaluateAll((els) => els.map((el) => el.getAttribute('data-value')))).toEqual(['1', '2', '20', '199', '199']);
    await kpis.getByText('The revenue leaves out €20.00, sent in another currency').waitFor();
    await screenshot(kpis, 'goals-kpis-revenue-other-desktop-light');
    expect(await page.locator('.sv-error').count()).toBe(0);
  });

  it('without goals says what a goal is and adds one in one click from the events the site sends', async () => {
    const page = await d.ownerPage(`/sites/${EMPTY}`);
    const panel = page.locator('[data-panel="goals"]');
    await panel.getByText('No goals yet').waitFor();
    await screenshot(panel, 'goals-panel-empty-desktop-light');
    // Its link lands on the settings' Goals section.
    await panel.getByRole('link', { name: 'All goal types in settings' }).click();
    await page.waitForURL(/\/settings#goals$/);
    const section = goalsSection(page);
    await section.getByText('No goals yet.').waitFor();
    await waitFor('the Goals section in view', async () => ((await section.boundingBox())?.y ?? -1) >= 0 && ((await section.boundingBox())?.y ?? 9999) < 100);
    await page.goBack();
    await panel.getByText('No goals yet').waitFor();
    await panel.getByRole('button', { name: 'Add Newsletter as a goal' }).click();
    await panel.locator('tr[data-value="Newsletter"]').waitFor();
    expect(await panel.locator('tr[data-value="Newsletter"]').getAttribute('data-visitors')).toBe('1');
    expect((await stored(EMPTY)).map((g) => g.event_name)).toEqual(['Newsletter']);
  });

  it('on a shared link reads the goals and only tells how goals are added', async () => {
    const owner = await d.ownerPage('/');
    await d.server.addSite(SHARED, 'Europe/Oslo');
    await d.sendEvent(SHARED, { ip: '84.208.20.110' }, UA, { n: 'Download', u: `https://${SHARED}/` });
    const made = await owner.request.post(`${d.url}/api/dashboard/sites/${SHARED}/shared-links`, { data: { name: 'Board' }, headers: { origin: d.url } });
    const url = ((await made.json()) as { link: { url: string } }).link.url;
    const page = await d.newPage({ viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' });
    await page.goto(url);
    const panel = page.locator('[data-panel="goals"]');
    await panel.getByText('Ingen mål ennå').waitFor();
    await panel.getByText('Eieren av nettstedet legger til mål i innstillingene for nettstedet.').waitFor();
    expect(await panel.getByRole('button').filter({ hasText: '+' }).count()).toBe(0);
    expect(await panel.getByRole('link').count()).toBe(0);
    await screenshot(panel, 'goals-panel-empty-shared-nb-phone-dark');

    const added = await owner.request.post(`${d.url}/api/dashboard/sites/${SHARED}/goals`, { data: { kind: 'event', eventName: 'Download' }, headers: { origin: d.url } });
    expect(added.status()).toBe(201);
    await page.reload();
    await panel.locator('tr[data-value="Download"]').waitFor();
    expect(await panel.locator('tr[data-value="Download"]').getAttribute('data-visitors')).toBe('1');
    expect(await rawKeysOnPage(page)).toEqual([]);
  });

  it('saves screenshots of the panel, without sideways scrolling at 375 px', async () => {
    for (const [variant, options] of VARIANTS) {
      const page = await d.ownerPage(`/sites/${SITE}`, options);
      const panel = page.locator('[data-panel="goals"]');
      await panel.locator('tbody tr').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
      await screenshot(panel, `goals-panel-${variant}`);
    }
  });
});
