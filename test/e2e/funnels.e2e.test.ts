/**
 * The Funnels page in Chromium: reached from the site view's header, a funnel's bars per
 * step with the drop-off between, counted from events sent through the Events API; the
 * owner makes a funnel from the site's goals and deletes one; screenshots at desktop and
 * 375 px, light and dark, English and bokmål. The owner also edits a funnel; a viewer and
 * a shared link (whose site has funnels) read them without any control that changes one.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveFunnel } from '../../server/core/funnels/funnels.ts';
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { CHROME_MAC } from '../shared/target.ts';
import { type DashboardHarness, PHONE, rawKeysOnPage, SCREEN_VARIANTS, screenshot, SCREENSHOT_DIR, seriousA11yViolations, startDashboard } from './dashboard-harness.ts';

const SITE = 'funnels.example.com';
let d: DashboardHarness;
let siteId: number;

/** Each visitor's journey, in order: pages and custom events. */
const JOURNEYS: Array<[ip: string, steps: string[]]> = [
  ['84.208.20.110', ['/', '/pricing', 'Signup']],
  ['84.208.20.111', ['/', '/about', '/pricing', 'Signup']],
  ['81.167.36.1', ['/', '/pricing']],
  ['85.226.0.1', ['/']],
  ['91.64.0.1', ['/pricing', 'Signup']],
];

beforeAll(async () => {
  d = await startDashboard();
  siteId = await d.server.addSite(SITE, 'Europe/Oslo');
  const goals = [];
  for (const input of [
    { kind: 'page', pagePath: '/' },
    { kind: 'page', pagePath: '/pricing' },
    { kind: 'event', eventName: 'Signup' },
    { kind: 'page', pagePath: '/about' },
  ]) goals.push((await addGoal(d.server.db, siteId, parseGoal(input), Date.now())).goal);
  await saveFunnel(d.server.db, siteId, { name: 'Sign-up', steps: goals.slice(0, 3).map((g) => g.id) }, Date.now());
  for (const [ip, steps] of JOURNEYS) {
    for (const step of steps) {
      const body = step.startsWith('/') ? { u: `https://${SITE}${step}` } : { n: step, u: `https://${SITE}/pricing` };
      await d.sendEvent(SITE, { ip }, CHROME_MAC, body);
    }
  }
});

/** The site's goals' ids, by display name. */
async function goalIds(names: string[]): Promise<number[]> {
  const rows = await d.server.db.all<{ id: number; display_name: string }>('SELECT id, display_name FROM goals WHERE site_id = ?', [siteId]);
  return names.map((n) => rows.find((r) => r.display_name === n)!.id);
}

afterAll(async () => {
  await d?.close();
});

/** Each step's number, goal and figures as one line. */
const stepTexts = (page: import('playwright-core').Page) =>
  page.locator('.fn-step').evaluateAll((steps) => steps.map((s) => ['.fn-num', '.fn-name', '.fn-figures'].map((c) => (s.querySelector(c) as HTMLElement).innerText).join(' ')));

describe('Funnels page', () => {
  it('is reached from the site view and shows each step with the drop-off before it', async () => {
    const page = await d.ownerPage(`/sites/${SITE}`);
    await page.getByRole('link', { name: 'Funnels', exact: true }).click();
    await page.waitForURL(`**/sites/${SITE}/funnels`);
    const chart = page.getByRole('list', { name: 'Steps of Sign-up' });
    await chart.waitFor();
    const steps = (await stepTexts(page)).map((s) => s.replace(/\s+/g, ' ').trim());
    expect(steps).toEqual([
      '1 Visit / 4 visitors 100% of the first step',
      '2 Visit /pricing 3 visitors 75% of the first step',
      '3 Signup 2 visitors 50% of the first step',
    ]);
    expect(await page.locator('.fn-drop').allInnerTexts()).toEqual(['↓ 1 dropped off (25%)', '↓ 1 dropped off (33.3%)']);
    await page.getByText('Converted: 50% of those who entered').waitFor();
    // The bars are as wide as each step's share of the first.
    const widths = await page.locator('.fn-bar').evaluateAll((bars) => bars.map((b) => (b as HTMLElement).style.width));
    expect(widths).toEqual(['100%', '75%', '50%']);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await rawKeysOnPage(page)).toEqual([]);
  });

  it('lets the owner make a funnel from the site goals, shows it, and delete it', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/funnels`);
    const form = page.locator('section').filter({ has: page.getByRole('heading', { name: 'New funnel' }) });
    await form.waitFor();
    await form.getByLabel('Name').fill('About to pricing');
    await form.getByLabel('Step 1', { exact: true }).selectOption({ label: 'Visit /about' });
    await form.getByLabel('Step 2', { exact: true }).selectOption({ label: 'Visit /pricing' });
    await form.getByRole('button', { name: 'Save funnel' }).click();
    await page.getByRole('list', { name: 'Steps of About to pricing' }).waitFor();
    expect((await stepTexts(page)).map((s) => s.replace(/\s+/g, ' ').trim())).toEqual([
      '1 Visit /about 1 visitors 100% of the first step',
      '2 Visit /pricing 1 visitors 100% of the first step',
    ]);
    expect(await page.getByLabel('Funnel', { exact: true }).locator('option:checked').innerText()).toBe('About to pricing');

    // A bad one is refused with the server's words next to the form.
    await form.getByLabel('Name').fill('Twice');
    await form.getByLabel('Step 1', { exact: true }).selectOption({ label: 'Signup' });
    await form.getByLabel('Step 2', { exact: true }).selectOption({ label: 'Signup' });
    await form.getByRole('button', { name: 'Save funnel' }).click();
    await form.getByText('is named twice').waitFor();

    await page.getByRole('button', { name: 'Delete this funnel' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete this funnel' }).click();
    await page.getByRole('list', { name: 'Steps of Sign-up' }).waitFor();
    const names = await d.server.db.all<{ name: string }>('SELECT name FROM funnels WHERE site_id = ?', [siteId]);
    expect(names.map((n) => n.name)).toEqual(['Sign-up']);
  });

  it('lets the owner edit a funnel by keyboard: rename, add, reorder and remove steps within 2 to 8', async () => {
    const made = await saveFunnel(d.server.db, siteId, { name: 'Editable', steps: (await goalIds(['Visit /', 'Visit /pricing'])) }, Date.now());
    const page = await d.ownerPage(`/sites/${SITE}/funnels`, { viewport: PHONE });
    await page.getByLabel('Funnel', { exact: true }).selectOption({ label: 'Editable' });
    await page.getByRole('list', { name: 'Steps of Editable' }).waitFor();
    const edit = page.getByRole('button', { name: 'Edit this funnel' });
    await edit.focus();
    await page.keyboard.press('Enter');
    const form = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Edit “Editable”' }) });
    await form.waitFor();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('Editable');
    const chosen = () => form.locator('select').evaluateAll((s) => s.map((e) => (e as HTMLSelectElement).selectedOptions[0]!.text));
    expect(await chosen()).toEqual(['Visit /', 'Visit /pricing']);
    // Two steps: neither can be removed.
    expect(await form.getByRole('button', { name: 'Remove step 1' }).isDisabled()).toBe(true);

    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Pricing first');
    await form.getByRole('button', { name: 'Add a step' }).focus();
    await page.keyboard.press('Enter');
    expect(await chosen()).toEqual(['Visit /', 'Visit /pricing', 'Signup']);
    // Signup moved to the top with the keyboard; focus stays on its button until it can go no further.
    await form.getByRole('button', { name: 'Move step 3 up' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move step 2 up');
    await page.keyboard.press('Enter');
    expect(await chosen()).toEqual(['Signup', 'Visit /', 'Visit /pricing']);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SELECT');
    await form.getByRole('button', { name: 'Remove step 2' }).focus();
    await page.keyboard.press('Enter');
    expect(await chosen()).toEqual(['Signup', 'Visit /pricing']);
    await form.getByRole('button', { name: 'Move step 1 down' }).click();
    expect(await chosen()).toEqual(['Visit /pricing', 'Signup']);
    // Up to eight steps: the site has four goals, so the fifth to eighth repeat one, which the server refuses by name.
    for (let i = 0; i < 6; i++) await form.getByRole('button', { name: 'Add a step' }).click();
    expect(await form.locator('select').count()).toBe(8);
    expect(await form.getByRole('button', { name: 'Add a step' }).isHidden()).toBe(true);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText('is named twice').waitFor();
    for (let i = 8; i > 2; i--) await form.getByRole('button', { name: `Remove step ${i}` }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'funnels-edit-phone-light');

    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('list', { name: 'Steps of Pricing first' }).waitFor();
    expect((await stepTexts(page)).map((s) => s.replace(/\s+/g, ' ').trim())).toEqual([
      '1 Visit /pricing 4 visitors 100% of the first step',
      '2 Signup 3 visitors 75% of the first step',
    ]);
    expect(await page.getByLabel('Funnel', { exact: true }).locator('option:checked').innerText()).toBe('Pricing first');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('SELECT');
    const stored = await d.server.db.all<{ name: string }>('SELECT name FROM funnels WHERE id = ?', [made.funnel.id]);
    expect(stored).toEqual([{ name: 'Pricing first' }]);

    // Escape leaves the editor without saving, focus back on its button.
    await edit.click();
    await form.or(page.locator('section').filter({ has: page.getByRole('heading', { name: 'Edit “Pricing first”' }) })).first().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Edit this funnel');
    expect(await page.getByRole('heading', { name: 'Edit “Pricing first”' }).count()).toBe(0);
  });

  it('gives a viewer no editing controls', async () => {
    const page = await d.newPage();
    const owner = await d.ownerPage('/');
    const res = await owner.request.post(`${d.url}/api/dashboard/users`, { data: { email: 'viewer@funnels.example.com', password: 'viewer password 1', role: 'viewer', sites: [SITE] }, headers: { origin: d.url } });
    expect(res.status(), await res.text()).toBe(200);
    await d.loginAs(page, { email: 'viewer@funnels.example.com', password: 'viewer password 1' }, `/sites/${SITE}/funnels`);
    await page.getByRole('list', { name: 'Steps of Sign-up' }).waitFor();
    expect(await page.getByRole('button', { name: /Edit|Delete|Save/ }).count()).toBe(0);
  });

  it('opens read-only from a shared link whose site has funnels, linked from its header', async () => {
    const owner = await d.ownerPage('/');
    const shareOf = async (domain: string) => {
      const made = await owner.request.post(`${d.url}/api/dashboard/sites/${domain}/shared-links`, { data: { name: 'Board' }, headers: { origin: d.url } });
      expect(made.status(), await made.text()).toBe(200);
      return new URL(((await made.json()) as { link: { url: string } }).link.url).pathname;
    };
    const path = await shareOf(SITE);
    const page = await d.newPage({ viewport: PHONE, colorScheme: 'dark', locale: 'nb-NO' });
    await page.goto(`${d.url}${path}`);
    const toFunnels = page.getByRole('link', { name: 'Trakter', exact: true });
    await toFunnels.waitFor();
    await toFunnels.click();
    await page.waitForURL(`**${path}/funnels`);
    await page.getByRole('list', { name: 'Stegene i Sign-up' }).waitFor();
    expect(await stepTexts(page)).toHaveLength(3);
    // Read-only: no way to make, change or delete a funnel, nor to settings.
    expect(await page.getByRole('button', { name: /Endre|Slett|Lagre/ }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Ny trakt' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Gå til innstillinger' }).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await rawKeysOnPage(page)).toEqual([]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'funnels-shared-nb-phone-dark');
    // Opened straight from its address too (the server answers it with the shell), and back to the shared view.
    await page.reload();
    await page.getByRole('list', { name: 'Stegene i Sign-up' }).waitFor();
    await page.getByRole('link', { name: `← Tilbake til ${SITE}` }).click();
    await page.waitForURL((u) => u.pathname === path);
    await page.locator('.sv-kpi-value').first().waitFor();

    // A site without funnels: its shared view offers no Funnels link.
    const bare = 'no-funnels.example.com';
    await d.server.addSite(bare, 'Europe/Oslo');
    await d.sendPageview(bare, '/');
    const other = await d.newPage();
    const asked = other.waitForResponse((r) => r.url().endsWith(`/api/v1/sites/${bare}/funnels`));
    await other.goto(`${d.url}${await shareOf(bare)}`);
    expect(await (await asked).json()).toEqual({ funnels: [] });
    await other.locator('.sv-kpi-value:not(.sv-skeleton-text)').first().waitFor();
    expect(await other.locator('.sv-funnels').count()).toBe(1);
    expect(await other.getByRole('link', { name: 'Funnels', exact: true }).count()).toBe(0);
  });

  it('saves screenshots for review, without sideways scrolling at 375 px', async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const [variant, options] of SCREEN_VARIANTS) {
      const page = await d.ownerPage(`/sites/${SITE}/funnels`, options);
      await page.getByRole('list', { name: options.locale ? 'Stegene i Sign-up' : 'Steps of Sign-up' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `funnels-${variant}.png`), fullPage: true });
      if (!options.locale) continue;
      await page.getByRole('button', { name: 'Endre denne trakten' }).click();
      await page.getByRole('heading', { name: 'Endre «Sign-up»' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `funnels-edit-${variant}.png`), fullPage: true });
    }
  });
});
