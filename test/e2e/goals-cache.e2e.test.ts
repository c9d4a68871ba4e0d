/**
 * The site view keeps Stats API answers for a minute (site-view/cache.ts). A goal added in
 * settings must show its conversions when the owner goes back to the view within that
 * minute, not zeros from the Goals panel's answer kept from before the goal existed; the
 * same after a rename and a delete.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { type DashboardHarness, DESKTOP, startDashboard } from './dashboard-harness.ts';

const SITE = 'goals-cache.example.com';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  const siteId = await d.server.addSite(SITE, 'Europe/Oslo');
  await addGoal(d.server.db, siteId, parseGoal({ kind: 'event', eventName: 'Signup' }), Date.now());
  for (const ip of ['84.208.20.110', '84.208.20.111', '85.226.0.1']) await d.sendEvent(SITE, { ip }, UA, { u: `https://${SITE}/pricing` });
  await d.sendEvent(SITE, { ip: '84.208.20.110' }, UA, { n: 'Signup', u: `https://${SITE}/pricing` });
  await d.sendEvent(SITE, { ip: '84.208.20.111' }, UA, { n: 'Contact', u: `https://${SITE}/contact` });
  await d.sendEvent(SITE, { ip: '85.226.0.1' }, UA, { n: 'Contact', u: `https://${SITE}/contact` });
});

afterAll(async () => {
  await d?.close();
});

/** The Goals panel's rows once drawn: [goal, unique conversions]. */
async function goalRows(page: Page): Promise<Array<[string | null, number]>> {
  const rows = page.locator('[data-panel="goals"] tbody tr');
  await rows.first().waitFor();
  return rows.evaluateAll((trs) => trs.map((tr): [string | null, number] => [tr.getAttribute('data-value'), Number(tr.getAttribute('data-visitors'))]));
}

/** In-app navigation (the cache lives as long as the page): settings from the view's header, back with the browser. */
async function inSettings(page: Page, change: (section: ReturnType<Page['locator']>) => Promise<void>): Promise<void> {
  await page.locator('[data-key="settings"]').click();
  const section = page.locator('#goals');
  await section.getByRole('list', { name: 'The site’s goals, in the order the Goals panel shows them' }).waitFor();
  await change(section);
  await page.goBack();
}

describe('goals changed in settings while the view’s answers are kept', () => {
  it('shows a goal added, renamed or deleted at once, with its conversions', async () => {
    const page = await d.ownerPage(`/sites/${SITE}`, { viewport: DESKTOP });
    expect(await goalRows(page)).toEqual([['Signup', 1]]);

    await inSettings(page, async (section) => {
      await section.getByRole('button', { name: 'Add Contact' }).click();
      await section.locator('[data-goal]').filter({ hasText: 'Contact' }).waitFor();
    });
    await expect.poll(() => goalRows(page)).toEqual([['Contact', 2], ['Signup', 1]]);

    await inSettings(page, async (section) => {
      await section.getByRole('button', { name: 'Rename Contact' }).click();
      const field = section.getByLabel('New name for Contact');
      await field.fill('Contacted us');
      await field.press('Enter');
      await section.getByRole('button', { name: 'Rename Contacted us' }).waitFor();
    });
    await expect.poll(() => goalRows(page)).toEqual([['Contacted us', 2], ['Signup', 1]]);

    await inSettings(page, async (section) => {
      await section.getByRole('button', { name: 'Delete Signup' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await section.getByRole('button', { name: 'Delete Signup' }).waitFor({ state: 'detached' });
    });
    await expect.poll(() => goalRows(page)).toEqual([['Contacted us', 2]]);
  });
});
