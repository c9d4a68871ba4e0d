/**
 * Two-factor login in Chromium against a real server: the owner enrols on the account page
 * (the key read off the page, the code computed with otpauth as a phone would), logs out,
 * logs in with the password and then a code, and with a recovery code (once only); the
 * owner requires two-factor login, a viewer is sent to enrol straight after the password,
 * and the owner resets the viewer's. Both languages, a phone's width, dark mode, axe-core;
 * screenshots in test/screenshots/two-factor-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAt } from '../../server/core/auth/totp.ts';
import { clearOfStepEdge } from '../shared/two-factor.suite.ts';
import { type DashboardHarness, DESKTOP, OWNER, PHONE, type PageOptions, rawKeysOnPage, screenshot, seriousA11yViolations, startDashboard } from './dashboard-harness.ts';

const VIEWER = { email: 'viewer@example.com', password: 'viewer password 123' };
const STEP_MS = 30_000;

let d: DashboardHarness;
let ownerSecret = '';
let ownerCodes: string[] = [];

beforeAll(async () => {
  d = await startDashboard();
  await d.ensureOwner();
  await d.server.addSite('shop.example.com');
});

afterAll(async () => {
  await d?.close();
});

async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => ![...document.querySelectorAll('main .muted')].some((el) => /^(Loading|Laster)/.test(el.textContent ?? '')));
}

async function noHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
}

/** The password form, as a person fills it. */
async function passwordLogin(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(d.url);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

/** Enrols on the page in view: reads the key, computes the code, turns it on; returns the secret and the recovery codes shown. */
async function enrolOnPage(page: Page, shot?: string): Promise<{ secret: string; codes: string[] }> {
  const qr = page.getByRole('img', { name: 'QR code to scan with your authenticator app' });
  await qr.waitFor();
  await page.waitForFunction(() => (document.querySelector('img.tf-qr') as HTMLImageElement | null)?.complete === true);
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const secret = (await page.getByLabel('Key to type into the app').inputValue()).replace(/ /g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  if (shot) await screenshot(page, shot);
  // A wrong code first: said under the field, nothing turned on.
  await page.getByLabel('Code from the app').fill(codeAt(secret, Date.now() - 5 * STEP_MS));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByText('That code is wrong.', { exact: false }).waitFor();
  await clearOfStepEdge();
  await page.getByLabel('Code from the app').fill(codeAt(secret, Date.now()));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const list = page.getByRole('list', { name: 'Recovery codes' });
  await list.waitFor();
  const codes = await list.locator('li').allInnerTexts();
  expect(codes).toHaveLength(10);
  // The download holds the same codes.
  const href = (await page.getByRole('link', { name: 'Download' }).getAttribute('href'))!;
  const file = decodeURIComponent(href.replace(/^data:text\/plain;charset=utf-8,/, ''));
  for (const code of codes) expect(file).toContain(code);
  return { secret, codes };
}

describe('two-factor login', () => {
  it('enrols from the account page with the QR code and the key, and shows the recovery codes once', async () => {
    const page = await d.ownerPage('/account');
    await page.getByRole('heading', { name: 'Two-factor login' }).waitFor();
    await settled(page);
    await page.getByText('Off: your password alone logs you in.').waitFor();
    await screenshot(page, 'two-factor-account-off');
    await page.getByRole('button', { name: 'Set up two-factor login' }).click();
    ({ secret: ownerSecret, codes: ownerCodes } = await enrolOnPage(page, 'two-factor-enrol-desktop'));
    await page.getByText('Copy or download them now: they are shown only this once.').waitFor();
    await screenshot(page, 'two-factor-recovery-codes-desktop');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText(/^On since /).waitFor();
    await page.getByText('Unused recovery codes: 10 of 10.').waitFor();
    expect(await page.getByRole('list', { name: 'Recovery codes' }).count()).toBe(0);
    await screenshot(page, 'two-factor-account-on');
    // Reloaded, the codes are gone for good.
    await page.reload();
    await page.getByText(/^On since /).waitFor();
    expect(await page.getByRole('list', { name: 'Recovery codes' }).count()).toBe(0);
  }, 60_000);

  it('asks for the code after the password; a wrong code is said so, the next right one logs in', async () => {
    const page = await d.newPage();
    await passwordLogin(page, OWNER);
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    await page.getByText(`Open your authenticator app and enter the 6-digit code for ${OWNER.email}.`).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'two-factor-login-code-desktop');
    // Reloading keeps the step: the pending login lives in its cookie.
    await page.reload();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    await page.getByLabel('Code from the app').fill(codeAt(ownerSecret, Date.now() - 4 * STEP_MS));
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByText('That code is wrong.', { exact: false }).waitFor();
    // The enrolment's step is used: the next step's code (one step ahead, within the skew) gets in.
    await clearOfStepEdge();
    await page.getByLabel('Code from the app').fill(codeAt(ownerSecret, Date.now() + STEP_MS));
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
  });

  it('takes a recovery code instead, only once', async () => {
    const page = await d.newPage();
    await passwordLogin(page, OWNER);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(ownerCodes[0]!);
    await screenshot(page, 'two-factor-login-recovery');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('heading', { name: 'Sites' }).waitFor();

    const again = await d.newPage();
    await passwordLogin(again, OWNER);
    await again.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await again.getByLabel('Recovery code').fill(ownerCodes[0]!);
    await again.getByRole('button', { name: 'Log in', exact: true }).click();
    await again.getByText('That recovery code is wrong or was used already.').waitFor();
    // "Log in as someone else" leaves the pending login.
    await again.getByRole('button', { name: 'Log in as someone else' }).click();
    await again.getByLabel('E-mail').waitFor();
  });

  const variants: Array<[string, PageOptions]> = [
    ['phone-dark', { viewport: PHONE, colorScheme: 'dark' }],
    ['nb-desktop-dark', { viewport: DESKTOP, colorScheme: 'dark', locale: 'nb-NO' }],
  ];
  for (const [name, options] of variants) {
    it(`draws the code step and the account section at ${name}`, async () => {
      const page = await d.newPage(options);
      await page.goto(d.url);
      const nb = options.locale === 'nb-NO';
      await page.getByLabel(nb ? 'E-post' : 'E-mail').fill(OWNER.email);
      await page.getByLabel(nb ? 'Passord' : 'Password').fill(OWNER.password);
      await page.getByRole('button', { name: nb ? 'Logg inn' : 'Log in', exact: true }).click();
      await page.getByRole('heading', { name: nb ? 'Skriv inn koden' : 'Enter your code' }).waitFor();
      expect(await rawKeysOnPage(page)).toEqual([]);
      await noHorizontalScroll(page);
      await screenshot(page, `two-factor-login-code-${name}`);
      await page.getByRole('button', { name: nb ? 'Bruk en gjenopprettingskode i stedet' : 'Use a recovery code instead' }).click();
      await page.getByLabel(nb ? 'Gjenopprettingskode' : 'Recovery code').fill(ownerCodes[name === 'phone-dark' ? 1 : 2]!);
      await page.getByRole('button', { name: nb ? 'Logg inn' : 'Log in', exact: true }).click();
      await page.getByRole('heading', { name: nb ? 'Nettsteder' : 'Sites' }).waitFor();
      await page.goto(`${d.url}/account`);
      await page.getByText(nb ? /^På siden / : /^On since /).waitFor();
      await settled(page);
      expect(await rawKeysOnPage(page)).toEqual([]);
      await noHorizontalScroll(page);
      await screenshot(page, `two-factor-account-${name}`);
    });
  }

  it('lets the owner require it: a viewer enrols right after the password; then the owner resets it', async () => {
    const owner = await d.newPage();
    await passwordLogin(owner, OWNER);
    await owner.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await owner.getByLabel('Recovery code').fill(ownerCodes[3]!);
    await owner.getByRole('button', { name: 'Log in', exact: true }).click();
    await owner.getByRole('heading', { name: 'Sites' }).waitFor();
    const made = await owner.context().request.post(`${d.url}/api/dashboard/users`, { data: { ...VIEWER, role: 'viewer', sites: ['shop.example.com'] }, headers: { origin: d.url } });
    expect(made.status()).toBe(200);
    await owner.goto(`${d.url}/users`);
    const require = owner.getByLabel('Require two-factor login for every account');
    await require.waitFor();
    await owner.waitForFunction(() => !(document.getElementById('tf-require') as HTMLInputElement).disabled);
    await require.check();
    await owner.getByText('Two-factor login is now required for every account.').waitFor();

    for (const [name, options] of [['phone-dark', { viewport: PHONE, colorScheme: 'dark' as const }], ['desktop', { viewport: DESKTOP }]] as const) {
      const viewer = await d.newPage(options);
      await passwordLogin(viewer, VIEWER);
      await viewer.getByRole('heading', { name: 'Set up two-factor login' }).waitFor();
      await viewer.getByText(/requires two-factor login for every account/).waitFor();
      await noHorizontalScroll(viewer);
      if (name === 'phone-dark') {
        await viewer.getByRole('img', { name: 'QR code to scan with your authenticator app' }).waitFor();
        await screenshot(viewer, 'two-factor-required-enrol-phone-dark');
        continue;
      }
      // Nothing else is reachable before enrolling: the site list asks for the same step.
      await viewer.goto(`${d.url}/sites/shop.example.com`);
      await viewer.getByRole('heading', { name: 'Set up two-factor login' }).waitFor();
      await enrolOnPage(viewer, 'two-factor-required-enrol-desktop');
      await viewer.getByRole('button', { name: 'I have saved them' }).click();
      // Then the page asked for, now signed in.
      await viewer.getByRole('heading', { name: 'shop.example.com', level: 1 }).waitFor();
    }

    await owner.reload();
    const row = owner.locator('li.user', { hasText: VIEWER.email });
    await row.getByText('2FA on').waitFor();
    await expect.poll(() => owner.locator('#tf-require').isChecked()).toBe(true);
    await noHorizontalScroll(owner);
    await screenshot(owner, 'two-factor-users');
    const phone = await d.newPage({ viewport: PHONE, colorScheme: 'dark' });
    await passwordLogin(phone, OWNER);
    await phone.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await phone.getByLabel('Recovery code').fill(ownerCodes[4]!);
    await phone.getByRole('button', { name: 'Log in', exact: true }).click();
    await phone.getByRole('heading', { name: 'Sites' }).waitFor();
    await phone.goto(`${d.url}/users`);
    await phone.locator('li.user', { hasText: VIEWER.email }).getByText('2FA on').waitFor();
    await noHorizontalScroll(phone);
    await screenshot(phone, 'two-factor-users-phone-dark');
    await row.getByRole('button', { name: 'Reset two-factor login' }).click();
    await owner.getByRole('dialog').getByRole('button', { name: 'Reset two-factor login' }).click();
    await owner.getByText(`Two-factor login of ${VIEWER.email} was reset.`).waitFor();
    // The list is drawn afresh from the server: the viewer's chip is gone.
    await expect.poll(() => owner.locator('li.user', { hasText: VIEWER.email }).getByText('2FA on').count()).toBe(0);
    // Turning the requirement off again.
    await owner.getByLabel('Require two-factor login for every account').uncheck();
    await owner.getByText('Two-factor login is no longer required.').waitFor();
    const viewer = await d.newPage();
    await passwordLogin(viewer, VIEWER);
    await viewer.getByRole('heading', { name: 'Sites' }).waitFor();
  }, 120_000);
});
