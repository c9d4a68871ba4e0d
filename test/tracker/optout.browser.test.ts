/**
 * The opt-out widget (/optout.js) in Chromium: language, keyboard use, the flag it sets
 * (both names), and that the tracker on the same site then sends nothing.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type PrivacySignals, htmlPage, waitFor } from '../e2e/browser.ts';
import { eventRequestsMadeBy, useTrackerBrowser } from './harness.ts';

const env = useTrackerBrowser();

async function privacyPage(
  { lang = 'en', divAttrs = '', scriptAttrs = '', domain = 'optout.example' } = {},
  signals: PrivacySignals = {},
): Promise<Page> {
  const context = await env.visitor(signals);
  const path = `/privacy-${Math.random().toString(36).slice(2)}`;
  env.site.page(
    path,
    htmlPage({
      lang,
      head: `<script defer data-domain="${domain}" src="${env.stub.origin}/script.js"></script>`,
      body: `<h1>Privacy</h1><div id="teller-optout" ${divAttrs}></div><script defer ${scriptAttrs} src="${env.stub.origin}/optout.js"></script>`,
    }),
  );
  const page = await context.newPage();
  await page.goto(env.site.origin() + path);
  return page;
}

const flags = (page: Page) =>
  page.evaluate(() => [localStorage.getItem('teller_ignore'), localStorage.getItem('plausible_ignore')]);
const status = (page: Page) => page.locator('#teller-optout-status').textContent();
const probe = (page: Page) =>
  page.evaluate(() => new Promise((resolve) => window.teller!('Probe', { callback: (r?: unknown) => resolve(r ?? 'ignored') })));

describe('opt-out widget', () => {
  it('is a labelled checkbox operated with the keyboard that sets and clears both flags', async () => {
    const domain = 'keyboard.example';
    const page = await privacyPage({ domain });
    const box = page.getByRole('checkbox', { name: 'Count my visits in the anonymous statistics of this website' });
    await expect.poll(() => box.isChecked()).toBe(true);
    expect(await status(page)).toBe('Your visits are counted anonymously, without cookies.');
    expect(await box.getAttribute('aria-describedby')).toBe('teller-optout-status');
    expect(await page.locator('#teller-optout-status').getAttribute('aria-live')).toBe('polite');
    await waitFor('the pageview before opting out', () => env.stub.events(domain).length === 1);

    await page.keyboard.press('Tab');
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(false);
    expect(await flags(page)).toEqual(['true', 'true']);
    expect(await status(page)).toBe('Your visits are not counted. Your choice is saved in this browser, not in a cookie.');
    expect(await probe(page)).toBe('ignored');

    // On the next visit the tracker sends nothing and the widget shows the choice.
    const sent = await eventRequestsMadeBy(page, env.stub.origin, () => page.reload());
    expect(sent).toEqual([]);
    expect(await box.isChecked()).toBe(false);

    await box.focus();
    await page.keyboard.press('Space');
    expect(await flags(page)).toEqual([null, null]);
    expect(await status(page)).toBe('Your visits are counted anonymously, without cookies.');
    expect(await probe(page)).toEqual({ status: 202 });
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('shows a flag set by Plausible (plausible_ignore) as opted out', async () => {
    const page = await privacyPage();
    await page.evaluate(() => localStorage.setItem('plausible_ignore', 'true'));
    await page.reload();
    await expect.poll(() => page.getByRole('checkbox').isChecked()).toBe(false);
    expect(await probe(page)).toBe('ignored');
  });

  it('speaks Norwegian (bokmål) for nb/no/nn pages or data-lang, English otherwise', async () => {
    const nb = 'Tell besøkene mine i den anonyme statistikken for dette nettstedet';
    const en = 'Count my visits in the anonymous statistics of this website';
    const cases: Array<[Parameters<typeof privacyPage>[0], string]> = [
      [{ lang: 'nb' }, nb],
      [{ lang: 'no-NO' }, nb],
      [{ lang: 'nn' }, nb],
      [{ lang: 'de' }, en],
      [{ lang: 'nb', divAttrs: 'data-lang="en"' }, en],
      [{ lang: 'en', scriptAttrs: 'data-lang="nb"' }, nb],
    ];
    for (const [options, label] of cases) {
      const page = await privacyPage(options);
      await expect.poll(() => page.locator('#teller-optout label').textContent(), { message: JSON.stringify(options) }).toBe(` ${label}`);
    }
    const page = await privacyPage({ lang: 'nb' });
    expect(await status(page)).toBe('Besøkene dine telles anonymt, uten informasjonskapsler.');
  });

  it('shows Do-Not-Track and Global Privacy Control as not counted, and cannot override them', async () => {
    for (const signals of [{ dnt: true }, { gpc: true }]) {
      const page = await privacyPage({}, signals);
      const box = page.getByRole('checkbox');
      await expect.poll(() => box.isDisabled()).toBe(true);
      expect(await box.isChecked()).toBe(false);
      expect(await status(page)).toContain('Do Not Track or Global Privacy Control');
    }
  });
});
