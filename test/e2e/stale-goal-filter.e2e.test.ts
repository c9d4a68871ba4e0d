/**
 * A URL whose goal filter names a goal the site no longer has (renamed or deleted since it was
 * bookmarked or shared): the view draws as without that name, with no panel error, its chip
 * says the goal is gone (English and bokmål) and × removes it from the URL in one click; a
 * goal that still exists in the same filter still filters. Screenshots at desktop and 375 px.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { type DashboardHarness, DESKTOP, PHONE, rawKeysOnPage, screenshot, seriousA11yViolations, startDashboard } from './dashboard-harness.ts';

const SITE = 'stale-goal.example.com';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  const siteId = await d.server.addSite(SITE, 'Europe/Oslo');
  await addGoal(d.server.db, siteId, parseGoal({ kind: 'event', eventName: 'Signup' }), Date.now());
  for (const ip of ['84.208.20.110', '84.208.20.111', '85.226.0.1']) await d.sendEvent(SITE, { ip }, UA, { u: `https://${SITE}/pricing` });
  await d.sendEvent(SITE, { ip: '84.208.20.110' }, UA, { n: 'Signup', u: `https://${SITE}/pricing` });
});

afterAll(async () => {
  await d?.close();
});

/** The KPI row's unique visitors (or conversions), once drawn. */
async function firstKpi(page: Page): Promise<string> {
  const value = page.locator('.sv-kpi-value').first();
  await expect.poll(() => value.evaluate((e) => e.classList.contains('sv-skeleton-text'))).toBe(false);
  return (await value.innerText()).trim();
}

describe('a goal filter naming a goal that no longer exists', () => {
  it('draws the view without it, says so on its chip, and removes it in one click', async () => {
    const page = await d.ownerPage(`/sites/${SITE}?f=${encodeURIComponent('is|event:goal|Old name')}`, { viewport: DESKTOP });
    const chip = page.locator('.sv-chip-stale');
    await chip.getByText('Goal “Old name” no longer exists: filter not applied').waitFor();
    expect(await firstKpi(page)).toBe('3');
    await page.locator('[data-panel="goals"] tbody tr').first().waitFor();
    expect(await page.locator('.sv-error').count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await rawKeysOnPage(page)).toEqual([]);
    await screenshot(page, 'stale-goal-desktop-light');

    await chip.getByRole('button', { name: 'Remove the filter on the goal “Old name”, which no longer exists' }).click();
    await chip.waitFor({ state: 'detached' });
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-key'))).toBe('filter-add');
    await page.goBack();
    await chip.waitFor();
  });

  it('keeps filtering by the goals of the same filter that still exist', async () => {
    const page = await d.ownerPage(`/sites/${SITE}?f=${encodeURIComponent('is|event:goal|Old name|Signup')}`, { viewport: DESKTOP });
    await page.locator('.sv-chip-stale').getByText('Goal “Old name” no longer exists').waitFor();
    expect(await page.locator('.sv-chip:not(.sv-chip-stale)').first().innerText()).toContain('Signup');
    expect(await page.locator('.sv-chip').count()).toBe(2);
    expect(await firstKpi(page)).toBe('1');
    expect(await page.locator('.sv-error').count()).toBe(0);
  });

  it('says it in bokmål on a phone in the dark', async () => {
    const page = await d.ownerPage(`/sites/${SITE}?f=${encodeURIComponent('is|event:goal|Gammelt mål')}`, { viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' });
    await page.locator('.sv-chip-stale').getByText('Målet «Gammelt mål» finnes ikke lenger: filteret er ikke brukt').waitFor();
    expect(await firstKpi(page)).toBe('3');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'stale-goal-nb-phone-dark');
  });
});
