/**
 * Filters that understand people, in real Chromium against a real server: the filter dialog
 * suggests the site's own values as one types, countries by their names in the UI's
 * language (English, bokmål) stored as ISO codes, several values in one filter, a custom
 * property as a field, and a name that is no country said in the dialog instead of sent;
 * no query of the view answers 4xx. The Details dialog searches countries by shown name, is
 * wide (a phone's whole screen), closes on one Escape, and lives in the URL (a reload reopens
 * it, Back closes it). Screenshots for a person to judge.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../server/core/tokens.ts';
import { dateRange, localDay } from '../../server/core/dashboard-api/view-queries/dates.ts';
import { parseDetails } from '../../dashboard/site-view/details-state.ts';
import { kpiQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { type Filter, parseView } from '../../server/core/dashboard-api/view-queries/state.ts';
import { CHROME_MAC, FIREFOX_WINDOWS, GERMANY, NORWAY, NORWAY_2, SWEDEN, type Visitor } from '../shared/target.ts';
import { type DashboardHarness, OWNER, type PageOptions, PHONE, SCREENSHOT_DIR, screenshot, seriousA11yViolations, startDashboard, waitFor } from './dashboard-harness.ts';

const DOMAIN = 'filters.example';
const VIEW = `/sites/${DOMAIN}?period=day`;
let harness: DashboardHarness;
let token: string;

const send = (visitor: Visitor, userAgent: string, body: Record<string, unknown>) => harness.sendEvent(DOMAIN, visitor, userAgent, body);

const url = (path: string) => `https://${DOMAIN}${path}`;

beforeAll(async () => {
  harness = await startDashboard();
  const siteId = await harness.server.addSite(DOMAIN);
  token = await createToken(harness.server.db, { siteId }, Date.now());
  await send(NORWAY, FIREFOX_WINDOWS, { u: url('/') });
  await send(NORWAY, FIREFOX_WINDOWS, { u: url('/pricing'), n: 'Signup', p: { plan: 'pro' } });
  await send(NORWAY_2, CHROME_MAC, { u: url('/blog/hello') });
  await send(SWEDEN, FIREFOX_WINDOWS, { u: url('/pricing') });
  await send(SWEDEN, FIREFOX_WINDOWS, { u: url('/pricing'), n: 'Signup', p: { plan: 'team' } });
  await send(GERMANY, CHROME_MAC, { u: url('/docs') });
  // More pages than one page of Details holds.
  for (let i = 10; i < 62; i++) await send(GERMANY, CHROME_MAC, { u: url(`/docs/${i}`) });
});

afterAll(async () => {
  await harness?.close();
});

async function kpis(search: string): Promise<Array<number | null>> {
  const state = parseView(search);
  const base = { siteId: DOMAIN, range: dateRange(state, localDay(new Date(), 'Etc/UTC')), filters: state.filters, compare: state.compare };
  const res = await fetch(`${harness.url}/api/v2/query`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(kpiQuery(base)) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Array<{ metrics: Array<number | null> }> }).results[0]!.metrics;
}

/** The owner's page at `path`, and every answer of 400 or more it gets from its first request, as `<status> <url>`. */
async function watched(path: string, options?: PageOptions): Promise<{ p: Page; bad: string[] }> {
  await harness.ensureOwner();
  const p = await harness.newPage(options);
  const bad: string[] = [];
  p.on('response', (r) => {
    if (r.status() >= 400) bad.push(`${r.status()} ${r.url()}`);
  });
  await harness.loginAs(p, OWNER, path);
  return { p, bad };
}

async function settled(p: Page): Promise<void> {
  await p.waitForSelector('.sv-kpi-value[data-value]');
  await waitFor('every panel filled', () => p.evaluate(() => document.querySelectorAll('.sv-skeleton').length === 0));
}

const search = (p: Page) => new URL(p.url()).search;
const kpiValues = (p: Page) => p.$$eval('.sv-kpi-value', (els) => els.map((el) => Number((el as HTMLElement).dataset.value)));
const combobox = 'dialog input[role="combobox"]';
const option = (value: string) => `#sv-filter-suggest [role="option"][data-value="${value}"]`;

/** What a phone's screen shows (a full-page shot hides a modal dialog in a long page). */
const screen = (p: Page, name: string) => p.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });

/** Types into the value box and waits for the suggestions of exactly that text. */
async function type(p: Page, text: string): Promise<void> {
  const box = p.locator(combobox);
  await box.pressSequentially(text);
  const typed = await box.inputValue();
  await p.waitForSelector(`#sv-filter-suggest[data-for="${typed.trim()}"]`, { state: 'attached' });
}

async function openFilter(p: Page, dimension: string): Promise<void> {
  await p.click('[data-key="filter-add"]');
  if (dimension.startsWith('event:props:')) await p.waitForSelector(`dialog option[value="${dimension}"]`, { state: 'attached' });
  await p.selectOption('dialog select >> nth=0', dimension);
}

async function submit(p: Page): Promise<void> {
  const before = p.url();
  await p.click('dialog button[type="submit"]');
  await waitFor('the filtered view', () => p.url() !== before);
  await settled(p);
}

/** The filter took, every card loaded (no error shown, no 4xx answer), and the KPIs are the API's. */
async function expectFiltered(p: Page, bad: string[], filters: Filter[]): Promise<void> {
  expect(parseView(search(p)).filters).toEqual(filters);
  expect(await p.$$eval('.sv-error', (els) => els.map((el) => el.textContent))).toEqual([]);
  expect(bad).toEqual([]);
  expect(await kpiValues(p)).toEqual(await kpis(search(p)));
}

describe('the filter dialog', () => {
  it('suggests "Norway" for "Norw", stores NO, shows Norway on the chip, and every card loads', async () => {
    const { p, bad } = await watched(VIEW);
    await settled(p);
    await openFilter(p, 'visit:country');
    await type(p, 'Norw');
    await p.waitForSelector(option('NO'));
    expect(await p.$$eval('#sv-filter-suggest [role="option"]', (els) => els.map((el) => (el as HTMLElement).dataset.value))).toEqual(['NO']);
    expect(await p.textContent(option('NO'))).toContain('Norway');
    await screenshot(p, 'site-view-filter-suggest');
    await p.click(option('NO'));
    expect(await p.textContent('dialog .sv-filter-values')).toContain('Norway');
    await submit(p);
    await expectFiltered(p, bad, [{ op: 'is', dimension: 'visit:country', values: ['NO'] }]);
    expect(await p.textContent('.sv-filters .sv-chip')).toBe('Country is Norway×');
    expect(await kpiValues(p)).not.toEqual(await kpis('?period=day'));
  });

  it('opens an old link that says Country is NORWAY as Norway, with no query answered 400', async () => {
    const { p, bad } = await watched(`${VIEW}&f=is%7Cvisit%3Acountry%7CNORWAY`);
    await settled(p);
    await expectFiltered(p, bad, [{ op: 'is', dimension: 'visit:country', values: ['NO'] }]);
    expect(await p.textContent('.sv-filters .sv-chip')).toBe('Country is Norway×');
  });

  it('in bokmål takes "Norge" and "Sverige" by keyboard as two values of one filter, and the chip opens it to change', async () => {
    const { p, bad } = await watched(VIEW, { locale: 'nb-NO' });
    await settled(p);
    await openFilter(p, 'visit:country');
    const box = p.locator(combobox);
    await type(p, 'Norge');
    await p.waitForSelector(option('NO'));
    expect(await p.textContent(option('NO'))).toContain('Norge');
    await box.press('ArrowDown');
    expect(await p.getAttribute(option('NO'), 'aria-selected')).toBe('true');
    await box.press('Enter');
    await type(p, 'sver');
    await p.waitForSelector(option('SE'));
    await box.press('ArrowDown');
    await box.press('Enter');
    expect(await p.$$eval('dialog .sv-filter-values li', (els) => els.map((el) => el.firstChild?.textContent))).toEqual(['Norge', 'Sverige']);
    await screenshot(p, 'site-view-filter-values-nb');
    await submit(p);
    await expectFiltered(p, bad, [{ op: 'is', dimension: 'visit:country', values: ['NO', 'SE'] }]);
    expect(await p.textContent('.sv-filters .sv-chip')).toBe('Land er Norge, Sverige×');

    // Clicking the chip opens it to change: Sverige out.
    await p.click('.sv-filters .sv-chip-edit');
    await p.waitForSelector('dialog.sv-filter-dialog[open]');
    expect(await p.textContent('#sv-filter-title')).toBe('Endre filteret');
    expect(await p.inputValue('dialog select >> nth=0')).toBe('visit:country');
    expect(await p.$$eval('dialog .sv-filter-values li', (els) => els.map((el) => el.firstChild?.textContent))).toEqual(['Norge', 'Sverige']);
    await p.click('dialog .sv-filter-values li:nth-child(2) button');
    await submit(p);
    await expectFiltered(p, bad, [{ op: 'is', dimension: 'visit:country', values: ['NO'] }]);
  });

  it('says a name that is no country in the dialog and sends nothing; "contains" becomes the matching countries', async () => {
    const { p, bad } = await watched(VIEW);
    await settled(p);
    await openFilter(p, 'visit:country');
    await p.fill(combobox, 'Atlantis');
    await p.click('dialog button[type="submit"]');
    await waitFor('the error', async () => (await p.textContent('#sv-filter-error')) === 'No country is called “Atlantis”.');
    expect(await p.isVisible('dialog.sv-filter-dialog')).toBe(true);
    expect(parseView(search(p)).filters).toEqual([]);
    await screenshot(p, 'site-view-filter-error');
    await p.fill(combobox, 'Nor');
    await p.click('dialog button[type="submit"]');
    await waitFor('the ambiguity', async () => (await p.textContent('#sv-filter-error'))?.includes('Several countries match'));

    await p.selectOption('dialog select >> nth=1', 'contains');
    expect(await p.textContent('#sv-filter-hint')).toBe('Saved as the countries whose name contains the text.');
    await p.fill(combobox, 'Swed');
    await submit(p);
    await expectFiltered(p, bad, [{ op: 'is', dimension: 'visit:country', values: ['SE'] }]);
  });

  it('filters on a custom property, suggested from the values sent', async () => {
    const { p, bad } = await watched(VIEW);
    await settled(p);
    await openFilter(p, 'event:props:plan');
    await type(p, 'pr');
    await p.waitForSelector(option('pro'));
    expect(await p.$$eval('#sv-filter-suggest [role="option"]', (els) => els.map((el) => (el as HTMLElement).dataset.value))).toEqual(['pro']);
    await p.click(option('pro'));
    await submit(p);
    await expectFiltered(p, bad, [{ op: 'is', dimension: 'event:props:plan', values: ['pro'] }]);
    expect(await p.textContent('.sv-filters .sv-chip')).toBe('Property plan is pro×');
    expect((await kpiValues(p))[0]).toBe(1);
  });

  it('works at 375 px', async () => {
    const p = await harness.ownerPage(VIEW, { viewport: PHONE, colorScheme: 'dark' });
    await settled(p);
    await openFilter(p, 'visit:country');
    await type(p, 'a');
    await p.waitForSelector('#sv-filter-suggest [role="option"]');
    const overflow = await p.evaluate(() => {
      const d = document.querySelector('dialog')!.getBoundingClientRect();
      return d.left < 0 || d.right > window.innerWidth;
    });
    expect(overflow).toBe(false);
    expect(await seriousA11yViolations(p)).toEqual([]);
    await screen(p, 'site-view-filter-phone-dark');

    // "Contains nor" keeps Norway, North Korea, North Macedonia…: a long chip that must wrap.
    await p.selectOption('dialog select >> nth=1', 'contains');
    await p.fill(combobox, 'nor');
    await submit(p);
    const chip = await p.$eval('.sv-filters .sv-chip', (el) => ({ right: el.getBoundingClientRect().right, text: el.textContent ?? '' }));
    expect(chip.text).toContain('Norway');
    expect(chip.text).toContain('North Korea');
    expect(chip.right).toBeLessThanOrEqual(PHONE.width);
    await screen(p, 'site-view-filter-chip-phone-dark');
  });
});

describe('the Details dialog', () => {
  const rows = (p: Page) => p.$$eval('dialog.sv-details tr[data-value]', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.value));
  const details = (p: Page) => parseDetails(search(p));

  it('searches countries by the shown name, in English and bokmål', async () => {
    for (const [locale, name] of [['en-GB', 'Norway'], ['nb-NO', 'Norge']] as const) {
      const p = await harness.ownerPage(`${VIEW}&tab.locations=countries`, { locale, colorScheme: locale === 'nb-NO' ? 'dark' : 'light' });
      await settled(p);
      await p.click('[data-key="details:locations"]');
      await p.waitForSelector('dialog.sv-details tr[data-value]');
      const all = await rows(p);
      expect(all[0]).toBe('NO');
      expect(all.sort()).toEqual(['DE', 'NO', 'SE']);
      await p.fill('dialog.sv-details input[type="search"]', name);
      await waitFor(`search for ${name}`, async () => JSON.stringify(await rows(p)) === '["NO"]');
      expect(await p.textContent('dialog.sv-details tr[data-value="NO"]')).toContain(name);
      await screen(p, `site-view-details-country-${locale}`);
      // One letter is in most countries' names (shown or English: Tyskland, Norway): more than a filter may list, so narrowed in the page.
      await p.fill('dialog.sv-details input[type="search"]', 'a');
      await waitFor('search for a', async () => JSON.stringify((await rows(p)).sort()) === '["DE","NO"]');
    }
  });

  it('is wide on a desktop, closes on one Escape with text in the search box, and keeps its search, sort and page in the URL', async () => {
    const p = await harness.ownerPage(VIEW);
    await settled(p);
    await p.click('[data-key="details:pages"]');
    await p.waitForSelector('dialog.sv-details tr[data-value]');
    const box = (await p.locator('dialog.sv-details').boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(880);
    expect(box.width).toBeLessThanOrEqual(900);
    expect(details(p)).toMatchObject({ panel: 'pages', search: '', page: 1 });

    await p.fill('dialog.sv-details input[type="search"]', 'pri');
    await waitFor('search in the URL', () => details(p)?.search === 'pri');
    await p.click('dialog.sv-details th:first-child .sv-sort');
    await waitFor('sort in the URL', () => details(p)?.sort[0] === 'value');
    expect(await seriousA11yViolations(p)).toEqual([]);
    await screenshot(p, 'site-view-details-wide');

    // A reload (or the link, shared) reopens the same list.
    await p.reload();
    await p.waitForSelector('dialog.sv-details[open] tr[data-value]');
    expect(await p.inputValue('dialog.sv-details input[type="search"]')).toBe('pri');
    expect(await rows(p)).toEqual(['/pricing']);
    expect(await p.getAttribute('dialog.sv-details th:first-child', 'aria-sort')).toBe('descending');

    await p.focus('dialog.sv-details input[type="search"]');
    await p.keyboard.press('Escape');
    await p.waitForSelector('dialog.sv-details', { state: 'detached' });
    expect(details(p)).toBeNull();
    expect(parseView(search(p)).period).toBe('day');
  });

  it('closes with Back, opens again with Forward, and Escape takes its history entry back', async () => {
    const p = await harness.ownerPage(VIEW);
    await settled(p);
    const before = p.url();
    await p.click('[data-key="details:sources"]');
    await p.waitForSelector('dialog.sv-details tr[data-value]');
    await waitFor('the dialog in the URL', () => details(p)?.panel === 'sources');
    await p.fill('dialog.sv-details input[type="search"]', 'Dir');
    await waitFor('search in the URL', () => details(p)?.search === 'Dir');
    await p.goBack();
    await p.waitForSelector('dialog.sv-details', { state: 'detached' });
    expect(p.url()).toBe(before);
    // Forward opens it again as it was.
    await p.goForward();
    await p.waitForSelector('dialog.sv-details[open] tr[data-value]');
    expect(await p.inputValue('dialog.sv-details input[type="search"]')).toBe('Dir');
    await p.goBack();
    await p.waitForSelector('dialog.sv-details', { state: 'detached' });

    await p.click('[data-key="details:sources"]');
    await p.waitForSelector('dialog.sv-details tr[data-value]');
    await p.keyboard.press('Escape');
    await p.waitForSelector('dialog.sv-details', { state: 'detached' });
    await waitFor('the URL without the dialog', () => p.url() === before);
  });

  it('picks a row: the view is filtered by it and the dialog is gone from the URL', async () => {
    const p = await harness.ownerPage(`${VIEW}&tab.locations=countries`);
    await settled(p);
    await p.click('[data-key="details:locations"]');
    await p.waitForSelector('dialog.sv-details tr[data-value="SE"]');
    await p.click('dialog.sv-details tr[data-value="SE"] button');
    await p.waitForSelector('dialog.sv-details', { state: 'detached' });
    await settled(p);
    expect(details(p)).toBeNull();
    expect(parseView(search(p)).filters).toEqual([{ op: 'is', dimension: 'visit:country', values: ['SE'] }]);
  });

  it('keeps its page in the URL', async () => {
    const p = await harness.ownerPage(VIEW);
    await settled(p);
    await p.click('[data-key="details:pages"]');
    await p.waitForSelector('dialog.sv-details tr[data-value]');
    expect(await p.textContent('dialog.sv-details .sv-dialog-foot p')).toBe('1–50 of 56');
    await p.click('dialog.sv-details .sv-pager button:nth-child(2)');
    await waitFor('page 2 in the URL', () => details(p)?.page === 2);
    await p.reload();
    await p.waitForSelector('dialog.sv-details[open] tr[data-value]');
    expect(await p.textContent('dialog.sv-details .sv-dialog-foot p')).toBe('51–56 of 56');
    expect(await rows(p)).toHaveLength(6);
  });

  it('fills a phone screen', async () => {
    const p = await harness.ownerPage(`${VIEW}&details=pages`, { viewport: PHONE, locale: 'nb-NO' });
    await p.waitForSelector('dialog.sv-details[open] tr[data-value]');
    const box = (await p.locator('dialog.sv-details').boundingBox())!;
    expect(box).toMatchObject({ x: 0, y: 0, width: PHONE.width, height: PHONE.height });
    await screen(p, 'site-view-details-phone-nb');
  });
});
