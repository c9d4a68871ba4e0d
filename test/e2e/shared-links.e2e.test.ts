/**
 * Named shared links end to end in Chromium: the owner makes two, copies one again after a
 * reload, a fresh browser opens it without an account, a protected one asks for its
 * password (wrong, then right), and a revoked one's address says it was revoked. Screenshots
 * of the settings list and the visitor's pages, desktop and 375 px, light and dark.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DashboardHarness, DESKTOP, PHONE, SCREENSHOT_DIR, screenshot, seriousA11yViolations, startDashboard } from './dashboard-harness.ts';

const SITE = 'links.example.com';
const ACME = "For Acme's marketing team";
const BOARD = 'Board';
const BOARD_PASSWORD = 'board reads monthly';

let d: DashboardHarness;

beforeAll(async () => {
  d = await startDashboard();
  await d.ensureOwner();
  await d.server.addSite(SITE);
  expect((await d.sendPageview(SITE, '/')).status).toBe(202);
});

afterAll(async () => {
  await d?.close();
});

const linksSection = (page: Page) => page.locator('section', { has: page.getByRole('heading', { name: 'Shared links', exact: true }) });
const linkItem = (page: Page, name: string): Locator => linksSection(page).locator('li.share-link', { has: page.getByRole('heading', { name, exact: true }) });

/** The settings page is long: its shared links section alone is what to look at. */
async function sectionShot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await linksSection(page).screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
}

async function createLink(page: Page, name: string, options: { password?: string; showVisits?: boolean } = {}): Promise<string> {
  const section = linksSection(page);
  await section.getByLabel('Name', { exact: true }).fill(name);
  if (options.password) await section.getByLabel('Password (optional)').fill(options.password);
  if (options.showVisits) await section.locator('form.share-new').getByLabel('Show recent visits').check();
  await section.getByRole('button', { name: 'Create link' }).click();
  const item = linkItem(page, name);
  await item.waitFor();
  return item.locator('.copy-box input').inputValue();
}

/** The site view of a shared link is drawn: its domain in the header, no login form. */
async function siteViewShown(page: Page): Promise<void> {
  await page.locator('main').getByText(SITE).first().waitFor();
  expect(await page.getByRole('heading', { name: 'Log in' }).count()).toBe(0);
}

describe('shared links', () => {
  let acmeUrl = '';
  let boardUrl = '';

  it('makes two named links, each listed with its address, copied again at any time', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings`);
    await linksSection(page).getByText('There are no shared links.').waitFor();
    // A link needs a name: the server's message appears under the field.
    await linksSection(page).getByRole('button', { name: 'Create link' }).click();
    await linksSection(page).getByText('A link needs a name').waitFor();

    acmeUrl = await createLink(page, ACME, { showVisits: true });
    boardUrl = await createLink(page, BOARD, { password: BOARD_PASSWORD });
    expect(acmeUrl.startsWith(`${d.url}/share/`)).toBe(true);
    expect(boardUrl.startsWith(`${d.url}/share/`)).toBe(true);
    expect(acmeUrl).not.toBe(boardUrl);
    expect(await linkItem(page, BOARD).getByText('Password', { exact: true }).count()).toBe(1);
    expect(await linkItem(page, ACME).getByLabel('Show recent visits').isChecked()).toBe(true);
    expect(await linkItem(page, BOARD).getByLabel('Show recent visits').isChecked()).toBe(false);
    expect(await linkItem(page, ACME).locator('.share-link-meta').innerText()).toMatch(/^Created .+ · never used$/);

    // After a reload, the first link's address is still there to copy.
    await page.reload();
    await linkItem(page, ACME).waitFor();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: d.url });
    await linkItem(page, ACME).getByRole('button', { name: 'Copy' }).click();
    await linkItem(page, ACME).getByText('Copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(acmeUrl);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await sectionShot(page, 'shared-links-settings-desktop-light');
  });

  it('opens a copied link in a fresh browser without an account', async () => {
    const visitor = await d.newPage();
    await visitor.goto(acmeUrl);
    await siteViewShown(visitor);
    expect(await visitor.getByRole('button', { name: 'Log out' }).count()).toBe(0);
    // Its use shows in the owner's list.
    const owner = await d.ownerPage(`/sites/${SITE}/settings`);
    expect(await linkItem(owner, ACME).locator('.share-link-meta').innerText()).toMatch(/ · last used /);
  });

  it('asks for the password of a protected link, refuses a wrong one, and opens with the right one', async () => {
    for (const [variant, options] of [
      ['desktop-light', { viewport: DESKTOP, colorScheme: 'light' as const }],
      ['phone-dark', { viewport: PHONE, colorScheme: 'dark' as const }],
    ] as const) {
      const visitor = await d.newPage(options);
      await visitor.goto(boardUrl);
      await visitor.getByRole('heading', { name: 'This link needs a password' }).waitFor();
      expect(await visitor.locator('main').getByText(SITE).count()).toBe(0);
      await noHorizontalScroll(visitor);
      await visitor.getByLabel('Password').fill('not the password');
      await visitor.getByRole('button', { name: 'Open' }).click();
      await visitor.getByText('Wrong password. Try again.').waitFor();
      expect(await visitor.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
      expect(await seriousA11yViolations(visitor), variant).toEqual([]);
      await screenshot(visitor, `shared-link-password-${variant}`);
      await visitor.getByLabel('Password').fill(BOARD_PASSWORD);
      await visitor.getByRole('button', { name: 'Open' }).click();
      await siteViewShown(visitor);
      expect(new URL(visitor.url()).pathname).toBe(new URL(boardUrl).pathname);
      // The cookie keeps this browser in across a reload.
      await visitor.reload();
      await siteViewShown(visitor);
      // It opens this link only: the other link's cookie-less visitor is unaffected, and vice versa.
      const cookies = await visitor.context().cookies();
      expect(cookies.filter((c) => c.name.startsWith('teller_share_')).map((c) => c.httpOnly)).toEqual([true]);
    }
  });

  it('sets and removes a link\'s password from its row', async () => {
    const owner = await d.ownerPage(`/sites/${SITE}/settings`);
    const acme = linkItem(owner, ACME);
    await acme.getByRole('button', { name: 'Set password' }).click();
    await acme.getByLabel(`New password for ${ACME}`).fill('too short');
    await acme.getByRole('button', { name: 'Save' }).click();
    await linksSection(owner).getByText('At least 10 characters', { exact: true }).waitFor();
    await acme.getByLabel(`New password for ${ACME}`).fill('acme password 2026');
    await acme.getByRole('button', { name: 'Save' }).click();
    await linksSection(owner).getByText('Password saved. Visitors must type it again.').waitFor();
    await linkItem(owner, ACME).getByText('Password', { exact: true }).waitFor();
    const visitor = await d.newPage();
    await visitor.goto(acmeUrl);
    await visitor.getByRole('heading', { name: 'This link needs a password' }).waitFor();

    await linkItem(owner, ACME).getByRole('button', { name: 'Remove password' }).click();
    await linksSection(owner).getByText('Password removed.').waitFor();
    await linkItem(owner, ACME).getByRole('button', { name: 'Set password' }).waitFor();
    await visitor.reload();
    await siteViewShown(visitor);
  });

  it('speaks bokmål on the password page and in the list', async () => {
    const visitor = await d.newPage({ viewport: PHONE, locale: 'nb-NO' });
    await visitor.goto(boardUrl);
    await visitor.getByRole('heading', { name: 'Denne lenken krever passord' }).waitFor();
    await visitor.getByLabel('Passord').fill('feil passord her');
    await visitor.getByRole('button', { name: 'Åpne' }).click();
    await visitor.getByText('Feil passord. Prøv igjen.').waitFor();
    await noHorizontalScroll(visitor);
    await screenshot(visitor, 'shared-link-password-phone-light-nb');
    const owner = await d.ownerPage(`/sites/${SITE}/settings`, { viewport: PHONE, locale: 'nb-NO' });
    await owner.locator('li.share-link').first().waitFor();
    await owner.getByRole('heading', { name: 'Delte lenker' }).waitFor();
    await noHorizontalScroll(owner);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await owner.locator('section', { has: owner.getByRole('heading', { name: 'Delte lenker' }) }).screenshot({ path: join(SCREENSHOT_DIR, 'shared-links-settings-phone-light-nb.png') });
  });

  it('revokes one link: its address then says it was revoked, and the other goes on working', async () => {
    const open = await d.newPage();
    await open.goto(acmeUrl);
    await siteViewShown(open);

    for (const [variant, options] of [
      ['desktop-dark', { viewport: DESKTOP, colorScheme: 'dark' as const }],
      ['phone-light', { viewport: PHONE, colorScheme: 'light' as const }],
    ] as const) {
      const owner = await d.ownerPage(`/sites/${SITE}/settings`, options);
      await linkItem(owner, ACME).waitFor();
      await noHorizontalScroll(owner);
      await sectionShot(owner, `shared-links-settings-${variant}`);
    }
    const owner = await d.ownerPage(`/sites/${SITE}/settings`);
    await linkItem(owner, ACME).getByRole('button', { name: `Revoke ${ACME}` }).click();
    await owner.locator('dialog').getByRole('button', { name: 'Revoke' }).click();
    await linksSection(owner).getByText('Link revoked.').waitFor();
    await linkItem(owner, ACME).waitFor({ state: 'detached' });
    expect(await linkItem(owner, BOARD).count()).toBe(1);

    await open.reload();
    await open.getByRole('heading', { name: 'This link was revoked' }).waitFor();
    expect(await open.locator('main').getByText(SITE).count()).toBe(0);
    expect(await seriousA11yViolations(open)).toEqual([]);
    await screenshot(open, 'shared-link-revoked-desktop-light');
    const phone = await d.newPage({ viewport: PHONE });
    await phone.goto(acmeUrl);
    await phone.getByRole('heading', { name: 'This link was revoked' }).waitFor();
    await noHorizontalScroll(phone);
    await screenshot(phone, 'shared-link-revoked-phone-light');

    // The other link is untouched.
    const board = await d.newPage();
    await board.goto(boardUrl);
    await board.getByRole('heading', { name: 'This link needs a password' }).waitFor();
  });
});
