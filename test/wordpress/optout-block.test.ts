/**
 * The opt-out block and the privacy guide's freshness, in the real WordPress with Chromium.
 *
 * An administrator inserts Teller's opt-out block (`teller/optout`) into a new page in the block
 * editor and publishes it; the published page shows Teller's checkbox, and a visitor who unticks
 * it is no longer counted (shown against a later visitor who is). Then a change made in Teller
 * (the site's location precision, as the Sites API and the dashboard set it) reaches WordPress'
 * privacy policy guide the next time the guide is opened, not an hour later.
 *
 * Screenshots: test/screenshots/wordpress-optout-block-editor.png, -page.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { updateSite } from '../../server/core/sites.ts';
import { SCREENSHOT_DIR } from '../e2e/dashboard-harness.ts';
import { launchChromium, newVisitor, waitFor } from '../e2e/browser.ts';
import { type TellerAndWordPress, startTellerAndWordPress } from './teller-wordpress.ts';

let site: TellerAndWordPress;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [site, browser] = await Promise.all([startTellerAndWordPress(), launchChromium()]);
  await site.configure();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 180_000);
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

async function freshPage(): Promise<Page> {
  const context = await newVisitor(browser);
  contexts.push(context);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  return page;
}

async function adminPage(): Promise<Page> {
  const page = await freshPage();
  await site.wp.login(page, site.wp.admin);
  return page;
}

const pageviews = async (path: string) =>
  (await site.teller.db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM events WHERE site_id = ? AND name = 'pageview' AND path = ?`, [site.siteId, path]))?.n ?? 0;

describe('the opt-out block', { timeout: 180_000 }, () => {
  it('inserted in the block editor and published, shows Teller’s checkbox; unticking it stops counting', async () => {
    const editor = await adminPage();
    await editor.goto(`${site.wp.url}/wp-admin/post-new.php?post_type=page`);
    await editor.waitForFunction(() => {
      const wp = (window as unknown as { wp?: { blocks?: { getBlockType(name: string): unknown } } }).wp;
      return Boolean(wp?.blocks?.getBlockType('teller/optout'));
    });
    // The first visit to the editor opens its welcome guide over the page.
    const guide = editor.locator('.edit-post-welcome-guide');
    if (await guide.isVisible()) await editor.keyboard.press('Escape');
    await guide.waitFor({ state: 'hidden' });

    await editor.evaluate(() => {
      const wp = (window as unknown as { wp: any }).wp;
      wp.data.dispatch('core/editor').editPost({ title: 'Personvern', slug: 'personvern' });
      wp.data.dispatch('core/block-editor').insertBlocks([wp.blocks.createBlock('core/paragraph', { content: 'How we count.' }), wp.blocks.createBlock('teller/optout')]);
    });
    const placeholder = editor.locator('.teller-optout-placeholder');
    await placeholder.waitFor();
    expect(await placeholder.innerText()).toContain('visitors see a checkbox here');
    await editor.screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-optout-block-editor.png') });

    const link = await editor.evaluate(async () => {
      const wp = (window as unknown as { wp: any }).wp;
      wp.data.dispatch('core/editor').editPost({ status: 'publish' });
      await wp.data.dispatch('core/editor').savePost();
      return wp.data.select('core/editor').getPermalink() as string;
    });
    const saved = await site.wp.php<{ status: string; content: string }>(
      `$p = get_page_by_path('personvern', OBJECT, 'page'); return ['status' => $p->post_status, 'content' => $p->post_content];`,
    );
    expect(saved.status).toBe('publish');
    expect(saved.content).toContain('<!-- wp:teller/optout /-->');

    // A visitor opens the published page and unticks the box.
    const visitor = await freshPage();
    const sent: string[] = [];
    visitor.on('request', (r) => void (r.url().endsWith('/api/event') && sent.push(r.url())));
    await visitor.goto(link);
    const box = visitor.getByLabel('Count my visits in the anonymous statistics of this website');
    await box.waitFor();
    expect(await box.isChecked()).toBe(true);
    await visitor.locator('#teller-optout').screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-optout-block-page.png') });
    await visitor.screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-optout-block-page-full.png') });
    const path = new URL(link).pathname.replace(/\/$/, '');
    await waitFor('the visitor’s pageview of the page, before opting out', async () => (await pageviews(path)) === 1);

    await box.uncheck();
    await visitor.getByText('Your visits are not counted.').waitFor();
    sent.length = 0;
    await visitor.reload();
    await visitor.waitForFunction(() => document.readyState === 'complete');
    expect(await visitor.getByLabel('Count my visits in the anonymous statistics of this website').isChecked()).toBe(false);

    // Another visitor who counts, last: once that is stored, the reload before would have been too.
    const counted = await freshPage();
    await counted.goto(`${link}?counted=1`);
    await waitFor('the counting visitor’s pageview', async () => (await pageviews(path)) === 2);
    expect(sent).toEqual([]);
  });
});

describe('the privacy policy guide after a change in Teller', { timeout: 120_000 }, () => {
  /** The Teller section of the guide, as text, after opening its panel. */
  async function guideText(page: Page): Promise<string> {
    await page.goto(`${site.wp.url}/wp-admin/privacy-policy-guide.php`);
    await page.locator('button.privacy-settings-accordion-trigger[aria-controls="privacy-settings-accordion-block-teller"]').click();
    const section = page.locator('#privacy-settings-accordion-block-teller');
    await section.waitFor();
    return (await section.innerText()).replace(/\s+/g, ' ');
  }

  it('shows the new location precision the next time the guide is opened, while other wp-admin pages keep the cached copy', async () => {
    await site.wp.sql("DELETE FROM wp_options WHERE option_name LIKE '\\_transient\\_%teller\\_%'");
    await updateSite(site.teller.db, site.domain, { locationPrecision: 'country' });
    const page = await adminPage();
    // Logging in opened wp-admin, which cached the text for an hour.
    const cached = await site.wp.php<string>(`return (string) get_transient('teller_privacy_en');`);
    expect(cached).toContain('the country');
    expect(cached).not.toContain('region');
    expect(await guideText(page)).not.toContain('the country, region (such as a county or state) and city');

    await updateSite(site.teller.db, site.domain, { locationPrecision: 'city' });
    // Another wp-admin page does not ask Teller again: the hourly copy stands.
    await page.goto(`${site.wp.url}/wp-admin/`);
    expect(await site.wp.php<string>(`return (string) get_transient('teller_privacy_en');`)).toBe(cached);
    // The guide asks again once its last look is more than a minute old (here: forgotten).
    await site.wp.php(`delete_transient('teller_privacy_guide_en'); return true;`);
    expect(await guideText(page)).toContain('the country, region (such as a county or state) and city');
    expect(await site.wp.php<string>(`return (string) get_option('teller_privacy_en');`)).toContain('and city');
  });

  it('asks Teller at most once a minute from the guide, however often it is reloaded', async () => {
    const page = await adminPage();
    await guideText(page);
    await updateSite(site.teller.db, site.domain, { locationPrecision: 'region' });
    const text = await guideText(page);
    expect(text).toContain('the country, region (such as a county or state) and city');
  });
});
