/**
 * The plugin in wp-admin, for real: an administrator connects it on Settings → Teller in
 * Chromium and "Test connection" names what is wrong (wrong token, another site's token,
 * unreachable, clock skew) or that it works; the dashboard widget, the Statistics page (Teller's
 * shared link, framed in the admin's language and colour scheme) and the Posts list's Views
 * column show the numbers Teller holds; WordPress' privacy policy guide holds Teller's own text,
 * in English and, on a Norwegian site, in bokmål, with the owner's notes marked as not to copy;
 * and deleting the plugin leaves no option or transient of its own behind.
 *
 * Screenshots (test/screenshots/wordpress-*.png) of the settings page, widget, Statistics page,
 * Posts list and privacy guide, in English and Norwegian.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSite } from '../../server/core/sites.ts';
import { createToken } from '../../server/core/tokens.ts';
import { SCREENSHOT_DIR } from '../e2e/dashboard-harness.ts';
import { launchChromium, newVisitor, waitFor } from '../e2e/browser.ts';
import { FIREFOX_WINDOWS, sendEvent } from '../helpers/server.ts';
import type { WordPressUser } from './harness.ts';
import { PLUGIN, type TellerAndWordPress, startTellerAndWordPress } from './teller-wordpress.ts';

let site: TellerAndWordPress;
let browser: Browser;
/** Added to Teller's clock, to put it out of step with WordPress'. */
let skewMs = 0;
const contexts: BrowserContext[] = [];
const posts: Record<string, { id: number; url: string }> = {};

beforeAll(async () => {
  [site, browser] = await Promise.all([startTellerAndWordPress({ dashboard: true, clock: () => Date.now() + skewMs }), launchChromium()]);
  for (const slug of ['popular-post', 'quiet-post', 'unread-post']) {
    posts[slug] = await site.wp.createPost(slug.replace('-', ' '), { slug });
  }
}, 180_000);
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

/** wp-admin as a user (the administrator unless told), in a fresh browser context. */
async function adminPage(user: WordPressUser = site.wp.admin): Promise<Page> {
  const context = await newVisitor(browser);
  contexts.push(context);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await site.wp.login(page, user);
  return page;
}

/** A viewport-sized screenshot from the top of the page (wp-admin's bar is fixed, so no full page). */
async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

const settingsUrl = () => `${site.wp.url}/wp-admin/options-general.php?page=teller-settings`;

async function testConnection(page: Page): Promise<{ code: string; text: string }> {
  await page.goto(settingsUrl());
  await Promise.all([page.waitForURL(/page=teller-settings/), page.locator('form:has(input[value="teller_test"]) [type=submit]').click()]);
  const verdict = page.locator('.teller-verdict');
  await verdict.waitFor();
  return { code: (await verdict.getAttribute('data-code')) ?? '', text: (await verdict.innerText()).trim() };
}

async function saveSettings(page: Page, fields: { url?: string; token?: string; domain?: string }): Promise<void> {
  await page.goto(settingsUrl());
  if (fields.url !== undefined) await page.fill('#teller-url', fields.url);
  if (fields.token !== undefined) await page.fill('#teller-token', fields.token);
  if (fields.domain !== undefined) await page.fill('#teller-domain', fields.domain);
  await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
}

describe('Settings → Teller', { timeout: 120_000 }, () => {
  it('connects with the address and token, and Test connection says what is wrong until it works', async () => {
    const page = await adminPage();
    await page.goto(settingsUrl());
    expect(await page.inputValue('#teller-domain')).toBe(site.domain);
    expect((await testConnection(page)).code).toBe('not-configured');

    await saveSettings(page, { url: site.teller.url, token: 'tlr_mistyped0000000000000000000000000000000' });
    expect((await testConnection(page)).code).toBe('invalid-token');

    const otherId = (await createSite(site.teller.db, { domain: 'other.example' }, Date.now())).id;
    await saveSettings(page, { token: await createToken(site.teller.db, { siteId: otherId, scopes: ['stats'] }, Date.now()) });
    const mismatch = await testConnection(page);
    expect(mismatch.code).toBe('site-mismatch');
    expect(mismatch.text).toContain('other.example');

    await saveSettings(page, { url: 'http://127.0.0.1:9', token: site.token });
    expect((await testConnection(page)).code).toBe('unreachable');

    await saveSettings(page, { url: site.teller.url });
    skewMs = 10 * 60_000;
    try {
      expect((await testConnection(page)).code).toBe('clock-skew');
    } finally {
      skewMs = 0;
    }

    const ok = await testConnection(page);
    expect(ok.code).toBe('ok');
    expect(ok.text).toContain(site.domain);
    // The token is saved but never shown again, not even in the page's HTML.
    expect(await page.content()).not.toContain(site.token);
    await shot(page, 'wordpress-settings-en');
    expect(await site.wp.php(`return teller_settings()['token'];`)).toBe(site.token);
  });

  it('speaks bokmål to an administrator whose language is Norwegian', async () => {
    const nils = await site.wp.createUser('nils', 'administrator', { locale: 'nb_NO' });
    const page = await adminPage(nils);
    await page.goto(settingsUrl());
    expect((await page.locator('label[for="teller-url"]').innerText()).trim()).toBe('Teller-adresse');
    const ok = await testConnection(page);
    expect(ok.code).toBe('ok');
    expect(ok.text).not.toContain('Connected');
    await shot(page, 'wordpress-settings-nb');
  });
});

describe('the numbers in wp-admin', { timeout: 120_000 }, () => {
  const path = (slug: string) => new URL(posts[slug]!.url).pathname;

  beforeAll(async () => {
    await site.configure();
    // Five visitors today: three read the popular post (one of them the quiet one too), two search.
    const visits: Array<[string, string]> = [
      ['84.208.20.1', path('popular-post')],
      ['84.208.20.1', path('quiet-post')],
      ['84.208.20.2', path('popular-post')],
      ['84.208.20.3', path('popular-post')],
      ['84.208.20.4', '/?s=kaffe'],
      ['84.208.20.5', '/?s=kaffe'],
    ];
    for (const [address, at] of visits) {
      const response = await sendEvent(site.teller, { n: 'pageview', u: `${site.wp.url}${at}`, d: site.domain }, { 'x-forwarded-for': address, 'user-agent': FIREFOX_WINDOWS });
      expect(response.status).toBe(202);
    }
    await waitFor('the seeded pageviews', async () => (await site.teller.db.first<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE site_id = ?', [site.siteId]))?.n === visits.length);
    // wp-admin pages opened before (after logging in) cached Teller's answers for minutes: start afresh.
    await site.wp.sql("DELETE FROM wp_options WHERE option_name LIKE '\\_transient\\_%teller\\_%'");
  });

  /** The administrator in English with WordPress' default (light) colours, and a Norwegian editor who chose Midnight. */
  const viewers = (): Array<{ lang: 'en' | 'nb'; theme: 'light' | 'dark'; user: WordPressUser }> => [
    { lang: 'en', theme: 'light', user: site.wp.admin },
    { lang: 'nb', theme: 'dark', user: norwegian },
  ];
  let norwegian: WordPressUser;
  beforeAll(async () => {
    norwegian = await site.wp.createUser('nora', 'editor', { locale: 'nb_NO' });
    await site.wp.php(`update_user_meta(${norwegian.id}, 'admin_color', 'midnight'); return true;`);
  });

  it('shows visitors today and in the last 7 days, top pages and search words in the dashboard widget', async () => {
    for (const { lang, user } of viewers()) {
      const page = await adminPage(user);
      await page.goto(`${site.wp.url}/wp-admin/`);
      const widget = page.locator('#teller_dashboard');
      await widget.waitFor();
      expect(await widget.locator('.teller-notice').count()).toBe(0);
      expect(await widget.locator('.teller-kpi[data-kpi="today"]').innerText()).toMatch(lang === 'en' ? /^5\s+Visitors today$/ : /^5\s+Besøkende i dag$/);
      expect(await widget.locator('.teller-kpi[data-kpi="week"]').innerText()).toMatch(/^5\s/);
      const [pages, searches] = await Promise.all(
        [0, 1].map((i) => widget.locator('.teller-table').nth(i).locator('tr').evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent?.trim())))),
      );
      expect(pages).toEqual([
        ['/popular-post', '3'],
        ['/', '2'],
        ['/quiet-post', '1'],
      ]);
      expect(searches).toEqual([['kaffe', '2']]);
      // The searches' heading stands apart from the pages' table above it.
      const gap = await widget.evaluate((box) => box.querySelectorAll('h3')[1]!.getBoundingClientRect().top - box.querySelector('.teller-table')!.getBoundingClientRect().bottom);
      expect(gap).toBeGreaterThanOrEqual(12);
      await shot(page, `wordpress-widget-${lang}`);
      await widget.screenshot({ path: join(SCREENSHOT_DIR, `wordpress-widget-box-${lang}.png`) });
    }
  });

  it('shows pageviews of the last 30 days in the Views column of the Posts list', async () => {
    for (const { lang, user } of viewers()) {
      const page = await adminPage(user);
      await page.goto(`${site.wp.url}/wp-admin/edit.php`);
      const header = page.locator('th#teller_views');
      await header.waitFor();
      expect((await header.innerText()).trim()).toBe(lang === 'en' ? 'Views' : 'Visninger');
      const views = async (slug: string) => (await page.locator(`#post-${posts[slug]!.id} td.column-teller_views`).innerText()).trim();
      expect(await views('popular-post')).toBe('3');
      expect(await views('quiet-post')).toBe('1');
      expect(await views('unread-post')).toBe('0');
      await shot(page, `wordpress-posts-views-${lang}`);
    }
  });

  it('frames Teller’s site view on the Statistics page, without Teller’s top bar, in the admin’s language and colour scheme', async () => {
    let firstSrc: string | undefined;
    for (const { lang, theme, user } of viewers()) {
      const page = await adminPage(user);
      await page.goto(`${site.wp.url}/wp-admin/admin.php?page=teller`);
      const frame = page.locator('iframe.teller-frame');
      await frame.waitFor();
      const src = new URL((await frame.getAttribute('src')) ?? '');
      expect(`${src.origin}${src.pathname}`).toMatch(new RegExp(`^${site.teller.url}/share/[A-Za-z0-9_-]+$`));
      expect(Object.fromEntries(src.searchParams)).toMatchObject({ embed: '1', lang, theme });
      // One WordPress link for the site, whoever looks.
      firstSrc ??= `${src.origin}${src.pathname}`;
      expect(`${src.origin}${src.pathname}`).toBe(firstSrc);
      const inside = page.frameLocator('iframe.teller-frame');
      await inside.getByRole('heading', { name: site.domain }).waitFor();
      await inside.getByText(lang === 'en' ? 'Visitors' : 'Besøkende').first().waitFor();
      const framed = page.frames().find((f) => f.url().startsWith(firstSrc!))!;
      expect(await framed.evaluate(() => ({ lang: document.documentElement.lang, theme: document.documentElement.dataset.theme, topbar: document.querySelectorAll('.topbar').length }))).toEqual({ lang, theme, topbar: 0 });
      await shot(page, `wordpress-statistics-page-${lang}-${theme}`);
    }
    expect((await site.teller.db.all("SELECT id FROM shared_links WHERE site_id = ? AND name = 'WordPress'", [site.siteId])).length).toBe(1);
  });
});

describe('the privacy policy guide', { timeout: 120_000 }, () => {
  /** Teller's own privacy text for the site, as the token reads it. */
  async function tellerText(lang: 'en' | 'nb'): Promise<string> {
    const response = await fetch(`${site.teller.url}/api/v1/sites/${site.domain}/privacy-text?lang=${lang}&format=html`, {
      headers: { authorization: `Bearer ${site.token}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  }

  /** The paragraphs of an HTML fragment, as text, owner notes apart. */
  async function paragraphs(page: Page, html: string): Promise<{ visitor: string[]; owner: string[] }> {
    return page.evaluate((fragment) => {
      const doc = new DOMParser().parseFromString(fragment, 'text/html');
      const text = (p: Element) => (p.textContent ?? '').replace(/\s+/g, ' ').trim();
      const all = Array.from(doc.querySelectorAll('p'));
      return { visitor: all.filter((p) => !p.classList.contains('teller-owner-note')).map(text).filter(Boolean), owner: all.filter((p) => p.classList.contains('teller-owner-note')).map(text) };
    }, html);
  }

  for (const [lang, locale] of [['en', ''], ['nb', 'nb_NO']] as const) {
    it(`holds Teller’s text in ${lang === 'en' ? 'English' : 'bokmål'} on a site in ${locale || 'English'}, owner notes marked not to copy`, async () => {
      await site.configure();
      await site.wp.php(`update_option('WPLANG', '${locale}'); return true;`);
      try {
        const page = await adminPage();
        await page.goto(`${site.wp.url}/wp-admin/privacy-policy-guide.php`);
        // WordPress 6.1 lists each plugin's text in a closed accordion panel, named by the plugin.
        const trigger = page.locator('button.privacy-settings-accordion-trigger[aria-controls="privacy-settings-accordion-block-teller"]');
        expect((await trigger.locator('.title').innerText()).trim()).toBe('Teller');
        await trigger.click();
        const section = page.locator('#privacy-settings-accordion-block-teller');
        await section.waitFor();
        const expected = await paragraphs(page, await tellerText(lang));
        expect(expected.visitor.length).toBeGreaterThan(0);
        expect(expected.owner.length).toBeGreaterThan(0);
        const texts = async (selector: string) => (await section.locator(selector).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
        const shown = await texts(':scope > p:not(.privacy-policy-tutorial)');
        for (const paragraph of expected.visitor.slice(0, 3)) expect(shown).toContain(paragraph);
        const notes = await texts(':scope > p.privacy-policy-tutorial');
        for (const note of expected.owner) expect(notes).toContain(note);
        await section.scrollIntoViewIfNeeded();
        await section.screenshot({ path: join(SCREENSHOT_DIR, `wordpress-privacy-guide-${lang}.png`) });
      } finally {
        await site.wp.php(`update_option('WPLANG', ''); return true;`);
      }
    });
  }
});

describe('uninstall', { timeout: 120_000 }, () => {
  it('deleting the plugin removes its options and transients and nothing else', async () => {
    await site.configure({ proxy: true });
    // Fill the caches: a wp-admin page that asks Teller, and the privacy text.
    const page = await adminPage();
    await page.goto(`${site.wp.url}/wp-admin/`);
    await page.locator('#teller_dashboard .teller-kpi').first().waitFor();
    const ours = `SELECT option_name FROM wp_options WHERE option_name LIKE 'teller\\_%' OR option_name LIKE '\\_transient\\_teller\\_%' OR option_name LIKE '\\_transient\\_timeout\\_teller\\_%' ORDER BY option_name`;
    const before = await site.wp.php<string[]>(`global $wpdb; return $wpdb->get_col("${ours}");`);
    expect(before).toContain('teller_settings');
    expect(before).toContain('teller_proxy_secret');
    expect(before.some((name) => name.startsWith('_transient_teller_'))).toBe(true);
    const others = `SELECT COUNT(*) FROM wp_options WHERE option_name NOT LIKE '%teller%'`;
    const othersBefore = await site.wp.php<string>(`global $wpdb; return $wpdb->get_var("${others}");`);

    await site.wp.deletePlugin(PLUGIN);
    expect(await site.wp.php<string[]>(`global $wpdb; return $wpdb->get_col("${ours}");`)).toEqual([]);
    expect(await site.wp.php<string>(`global $wpdb; return $wpdb->get_var("${others}");`)).toBe(othersBefore);
  });
});

describe('PHP', () => {
  it('logs no PHP warning, notice or error from the plugin', () => {
    expect(site.wp.debugLog().split('\n').filter((line) => line.includes('/plugins/teller/'))).toEqual([]);
  });
});
