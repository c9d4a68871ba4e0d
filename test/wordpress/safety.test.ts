/**
 * The plugin when things go wrong, for real: Teller that accepts connections and never
 * answers (wp-admin still renders, with a notice, and once Teller was found down, the next
 * page does not wait again), the last good numbers kept while Teller is away; WordPress'
 * guidelines on the plugin's admin actions (capability checks, nonces) tried by users who may
 * not; settings input sanitised; what Teller returns escaped in wp-admin.
 */
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newVisitor, waitFor } from '../e2e/browser.ts';
import { SCREENSHOT_DIR } from '../e2e/dashboard-harness.ts';
import { sendEvent } from '../helpers/server.ts';
import type { WordPressUser } from './harness.ts';
import { type TellerAndWordPress, startTellerAndWordPress } from './teller-wordpress.ts';

let site: TellerAndWordPress;
let browser: Browser;
/**
 * Teller's address as the plugin knows it: a TCP gateway to the real Teller that, once told
 * to hang, takes connections and never says a word (Teller stuck, at the same address).
 */
let gateway: Server;
let hang = false;
/** Connections taken while hanging. */
const held: Socket[] = [];
/** Every connection, closed at the end (a gateway closes only when none is left). */
const sockets = new Set<Socket>();
let gatewayUrl: string;
const contexts: BrowserContext[] = [];
let editor: WordPressUser;
let subscriber: WordPressUser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startTellerAndWordPress(), launchChromium()]);
  const tellerPort = Number(new URL(site.teller.url).port);
  gateway = createServer((socket) => {
    sockets.add(socket);
    if (hang) {
      held.push(socket);
      return;
    }
    const upstream = connect(tellerPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  await site.configure({ url: gatewayUrl });
  editor = await site.wp.createUser('eddie', 'editor');
  subscriber = await site.wp.createUser('suzy', 'subscriber');
}, 180_000);
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => gateway?.close(resolve));
  await browser?.close();
  await site?.stop();
});

async function pageAs(user: WordPressUser): Promise<Page> {
  const context = await newVisitor(browser);
  contexts.push(context);
  const page = await context.newPage();
  await site.wp.login(page, user);
  return page;
}

/** Forgets the plugin's cached answers, as if minutes had passed. */
const forgetCaches = () => site.wp.sql("DELETE FROM wp_options WHERE option_name LIKE '\\_transient\\_%teller\\_%'");
/** Forgets the fresh answers and the shared link only: what is left is the last good copy, kept for a day. */
const expireFresh = () =>
  site.wp.sql("DELETE FROM wp_options WHERE option_name LIKE '\\_transient\\_%teller\\_q\\_%' OR option_name = 'teller_shared_link'");

describe('Teller slow or down', { timeout: 120_000 }, () => {
  it('keeps wp-admin whole: the widget shows the last numbers with a notice, the Statistics page says why, and a known-down Teller is not waited for again', async () => {
    expect((await sendEvent(site.teller, { n: 'pageview', u: `${site.wp.url}/kept/`, d: site.domain }, { 'x-forwarded-for': '84.208.20.9' })).status).toBe(202);
    await waitFor('the pageview', async () => (await site.teller.db.all('SELECT id FROM events WHERE site_id = ?', [site.siteId])).length === 1);
    const admin = await pageAs(site.wp.admin);
    await admin.goto(`${site.wp.url}/wp-admin/`);
    await admin.locator('#teller_dashboard .teller-kpi[data-kpi="today"]').waitFor();
    expect(await admin.locator('#teller_dashboard .teller-kpi[data-kpi="today"]').innerText()).toMatch(/^1\s/);

    // Teller stops answering, and the fresh answers have expired.
    hang = true;
    await expireFresh();
    await admin.goto(`${site.wp.url}/wp-admin/`);
    const widget = admin.locator('#teller_dashboard');
    await widget.locator('.teller-notice').waitFor();
    // The plugin's own words first; WordPress' transport error only as the smaller second line.
    expect(await widget.locator('.teller-notice').innerText()).toMatch(/^Teller is not answering; these numbers may be out of date\.\nTechnical detail: \S/);
    expect(await widget.locator('.teller-notice .teller-detail').innerText()).toMatch(/^Technical detail: /);
    expect(await widget.locator('.teller-kpi[data-kpi="today"]').innerText()).toMatch(/^1\s/);
    await admin.locator('#wpfooter').waitFor({ state: 'attached' });
    expect(held.length).toBeGreaterThan(0);
    await widget.screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-widget-teller-down-en.png') });

    await admin.goto(`${site.wp.url}/wp-admin/admin.php?page=teller`);
    expect(await admin.locator('.teller-stats .notice-error').innerText()).toMatch(/^The statistics cannot be shown: Teller is not answering right now; try again in a few minutes\.\nTechnical detail: \S/);
    await admin.locator('.teller-stats .notice-error').screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-stats-teller-down-en.png') });
    // Found down: the plugin stopped asking for a while, so no request of this page waited on Teller.
    const before = held.length;
    await admin.goto(`${site.wp.url}/wp-admin/edit.php`);
    await admin.locator('#wpfooter').waitFor({ state: 'attached' });
    expect(held.length).toBe(before);

    // In bokmål, the same notices in the plugin's Norwegian words.
    const nb = await pageAs(await site.wp.createUser('hilde', 'administrator', { locale: 'nb_NO' }));
    await nb.goto(`${site.wp.url}/wp-admin/admin.php?page=teller`);
    expect(await nb.locator('.teller-stats .notice-error').innerText()).toMatch(/^Statistikken kan ikke vises: Teller svarer ikke akkurat nå; prøv igjen om noen minutter\.\nTeknisk detalj: \S/);
    await nb.locator('.teller-stats .notice-error').screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-stats-teller-down-nb.png') });
    hang = false;
    for (const socket of held.splice(0)) socket.destroy();
  });
});

describe('WordPress’ guidelines on admin actions', { timeout: 120_000 }, () => {
  it('lets only administrators open the settings, and editors (not subscribers) see the numbers', async () => {
    const asEditor = await pageAs(editor);
    const settings = await asEditor.goto(`${site.wp.url}/wp-admin/options-general.php?page=teller-settings`);
    expect(settings?.status()).toBe(403);
    await asEditor.goto(`${site.wp.url}/wp-admin/`);
    expect(await asEditor.locator('#teller_dashboard').count()).toBe(1);
    expect(await asEditor.locator('#adminmenu a[href="admin.php?page=teller"]').count()).toBe(1);

    const asSubscriber = await pageAs(subscriber);
    await asSubscriber.goto(`${site.wp.url}/wp-admin/`);
    expect(await asSubscriber.locator('#teller_dashboard').count()).toBe(0);
    expect((await asSubscriber.goto(`${site.wp.url}/wp-admin/admin.php?page=teller`))?.status()).toBe(403);
  });

  it('refuses the admin actions without a nonce, and to users without the capability', async () => {
    const asAdmin = await pageAs(site.wp.admin);
    // Posted from the page itself, with the user's cookies, as a forged form would be.
    const post = (page: Page, path: string, form: Record<string, string>) =>
      page.evaluate(
        async ([url, fields]) => {
          const response = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual', credentials: 'same-origin' });
          return { status: response.status, text: await response.text() };
        },
        [`${site.wp.url}${path}`, form] as const,
      );
    // No nonce: WordPress' "link expired" refusal, and the settings unchanged.
    for (const action of ['teller_test', 'teller_refresh_privacy']) {
      expect((await post(asAdmin, '/wp-admin/admin-post.php', { action })).status).toBe(403);
    }
    expect((await post(asAdmin, '/wp-admin/admin-ajax.php', { action: 'teller_import_start' })).status).toBe(403);
    expect((await post(asAdmin, '/wp-admin/options.php', { option_page: 'teller', action: 'update', 'teller_settings[url]': 'http://evil.example' })).status).toBe(403);

    // An editor is refused for who they are, before any nonce is looked at.
    const asEditor = await pageAs(editor);
    const importing = await post(asEditor, '/wp-admin/admin-ajax.php', { action: 'teller_import_start' });
    expect(importing.status).toBe(403);
    expect(importing.text).toContain('You may not import statistics.');
    const testing = await post(asEditor, '/wp-admin/admin-post.php', { action: 'teller_test' });
    expect(testing.status).toBe(403);
    expect(testing.text).toContain('You may not change Teller');
    expect(await site.wp.php(`return teller_settings()['url'];`)).toBe(gatewayUrl);
  });

  it('keeps the saved address when a bad one is typed, saying so', async () => {
    const page = await pageAs(site.wp.admin);
    await page.goto(`${site.wp.url}/wp-admin/options-general.php?page=teller-settings`);
    await page.fill('#teller-url', 'javascript:alert(1)');
    await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
    expect(await page.locator('#setting-error-teller-url').innerText()).toContain('must be an http or https address');
    expect(await page.inputValue('#teller-url')).toBe(gatewayUrl);
  });

  it('escapes what Teller returns: a search word with markup is shown as text in the widget', async () => {
    await forgetCaches();
    const word = '<img src=x onerror="document.title=1">';
    expect((await sendEvent(site.teller, { n: 'pageview', u: `${site.wp.url}/?s=${encodeURIComponent(word)}`, d: site.domain }, { 'x-forwarded-for': '84.208.20.10' })).status).toBe(202);
    await waitFor('the search', async () => (await site.teller.db.all('SELECT id FROM events WHERE site_id = ? AND site_search IS NOT NULL', [site.siteId])).length === 1);
    const page = await pageAs(site.wp.admin);
    await page.goto(`${site.wp.url}/wp-admin/`);
    const cells = page.locator('#teller_dashboard .teller-table td');
    await cells.first().waitFor();
    expect(await cells.allInnerTexts()).toContain(word);
    expect(await page.locator('#teller_dashboard img').count()).toBe(0);
  });
});

describe('PHP', () => {
  it('logs no PHP warning, notice or error from the plugin', () => {
    expect(site.wp.debugLog().split('\n').filter((line) => line.includes('/plugins/teller/'))).toEqual([]);
  });
});
