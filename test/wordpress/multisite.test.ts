/**
 * The plugin on a WordPress network: two sites of one network (subdomains, made by the
 * harness without the Network Setup screen, which refuses a port other than 80/443), each
 * connected to its own Teller site with its own token. Each keeps its own settings (the
 * plugin's options are per site), each counts into its own Teller site, and uninstalling the
 * plugin removes its options from every site of the network and nothing else.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORDPRESS_SCOPES, createToken } from '../../server/core/tokens.ts';
import { launchChromium, newVisitor, waitFor } from '../e2e/browser.ts';
import { SCREENSHOT_DIR } from '../e2e/dashboard-harness.ts';
import { logInAt, phpString } from './harness.ts';
import { PLUGIN, type PluginSettings, type TellerAndWordPress, startTellerAndWordPress } from './teller-wordpress.ts';

let site: TellerAndWordPress;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** The network's second site and its Teller site. */
let two: { id: number; url: string; host: string; siteId: number; token: string };

beforeAll(async () => {
  [site, browser] = await Promise.all([startTellerAndWordPress({ network: true }), launchChromium()]);
  await site.configure();
  const added = await site.wp.addNetworkSite('two', 'Site two');
  const siteId = await site.teller.addSite(added.host);
  two = { ...added, siteId, token: await createToken(site.teller.db, { siteId, scopes: WORDPRESS_SCOPES }, Date.now()) };
  const settings: PluginSettings = { url: site.teller.url, token: two.token, domain: two.host, exclude_roles: ['administrator', 'editor'], outbound_links: false, file_downloads: false, proxy: false };
  await site.wp.php(`
    switch_to_blog(${two.id});
    $result = activate_plugin(${phpString(PLUGIN)});
    if (is_wp_error($result)) throw new Exception($result->get_error_message());
    update_option('teller_settings', json_decode(${phpString(JSON.stringify(settings))}, true));
    restore_current_blog();
    return true;`, { as: 'admin' });
}, 180_000);
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await site?.stop();
});

/** Each site's saved domain and token, read on that site. */
const savedSettings = () =>
  site.wp.php<Record<string, { domain: string; token: string }>>(`
    $out = [];
    foreach (get_sites(['fields' => 'ids']) as $id) {
      switch_to_blog($id);
      $s = get_option('teller_settings');
      $out[$id] = ['domain' => $s['domain'] ?? '', 'token' => $s['token'] ?? ''];
      restore_current_blog();
    }
    return $out;`);

describe('a WordPress network', { timeout: 120_000 }, () => {
  it('keeps each site’s own Teller domain and token', async () => {
    expect(await site.wp.php('return is_multisite() && is_subdomain_install();')).toBe(true);
    expect(await savedSettings()).toEqual({
      1: { domain: site.domain, token: site.token },
      [two.id]: { domain: two.host, token: two.token },
    });

    // Settings → Teller on site two shows its own domain, and its token passes Teller's test.
    const context = await newVisitor(browser);
    contexts.push(context);
    const page = await context.newPage();
    await logInAt(page, two.url, site.wp.admin);
    await page.goto(`${two.url}/wp-admin/options-general.php?page=teller-settings`);
    expect(await page.inputValue('#teller-domain')).toBe(two.host);
    await Promise.all([page.waitForURL(/page=teller-settings/), page.locator('form:has(input[value="teller_test"]) [type=submit]').click()]);
    const verdict = page.locator('.teller-verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-code')).toBe('ok');
    expect(await verdict.innerText()).toContain(two.host);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'wordpress-network-site-two-settings.png'), fullPage: true });
  });

  it('counts each site into its own Teller site', async () => {
    const mainPost = await site.wp.createPost('On the main site', { slug: 'main-post' });
    const twoPost = await site.wp.php<{ url: string }>(`
      switch_to_blog(${two.id});
      $id = wp_insert_post(['post_title' => 'On site two', 'post_name' => 'two-post', 'post_status' => 'publish', 'post_author' => 1, 'post_content' => '<p>two</p>'], true);
      if (is_wp_error($id)) throw new Exception($id->get_error_message());
      $url = get_permalink($id);
      restore_current_blog();
      return ['url' => $url];`);
    expect(new URL(twoPost.url).host).toBe(`${two.host}:${site.wp.port}`);

    const context = await newVisitor(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(mainPost.url);
    expect(await page.locator('script[data-domain]').getAttribute('data-domain')).toBe(site.domain);
    await page.goto(twoPost.url);
    expect(await page.locator('script[data-domain]').getAttribute('data-domain')).toBe(two.host);

    const paths = (siteId: number) => site.teller.db.all<{ path: string; hostname: string }>('SELECT path, hostname FROM events WHERE site_id = ? ORDER BY id', [siteId]);
    await waitFor('both pageviews', async () => (await paths(site.siteId)).length === 1 && (await paths(two.siteId)).length === 1);
    // Teller keeps a path without its trailing slash.
    const pathOf = (url: string) => new URL(url).pathname.replace(/\/$/, '');
    expect(await paths(site.siteId)).toEqual([{ path: pathOf(mainPost.url), hostname: site.domain }]);
    expect(await paths(two.siteId)).toEqual([{ path: pathOf(twoPost.url), hostname: two.host }]);
    expect(pathOf(twoPost.url)).toMatch(/two-post$/);
  });

  it('uninstall removes the plugin’s options from every site of the network, and nothing else', async () => {
    const ours = (table: string) => `SELECT option_name FROM ${table} WHERE option_name LIKE 'teller\\_%' OR option_name LIKE '\\_transient\\_teller\\_%' OR option_name LIKE '\\_transient\\_timeout\\_teller\\_%'`;
    const others = (table: string) => `SELECT COUNT(*) FROM ${table} WHERE option_name NOT LIKE '%teller%'`;
    const tables = ['wp_options', `wp_${two.id}_options`];
    for (const table of tables) expect(await site.wp.sql(ours(table))).toContain('teller_settings');
    const before = await Promise.all(tables.map((t) => site.wp.sql(others(t))));

    await site.wp.php(`switch_to_blog(${two.id}); deactivate_plugins(${phpString(PLUGIN)}); restore_current_blog(); return true;`, { as: 'admin' });
    await site.wp.deletePlugin(PLUGIN);

    for (const table of tables) expect((await site.wp.sql(ours(table))).trim()).toBe('');
    expect(await Promise.all(tables.map((t) => site.wp.sql(others(t))))).toEqual(before);
  });
});
