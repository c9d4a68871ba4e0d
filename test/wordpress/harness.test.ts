/**
 * The real-WordPress harness itself (harness.ts), before any test leans on it: Debian's
 * WordPress installs on its private MariaDB, serves a published post under its pretty
 * permalink, lets an administrator log in to wp-admin in Chromium, installs a plugin from a
 * zip both the way a person does (Plugins → Add New → Upload) and the way the other tests do
 * (`installPlugin`), runs its uninstall.php on delete, loads a mysqldump, and leaves no
 * server process running after `stop()`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../helpers/zip-build.ts';
import { launchChromium, newVisitor } from '../e2e/browser.ts';
import { screenshot } from '../e2e/dashboard-harness.ts';
import { type WordPress, startWordPress } from './harness.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'wp-statistics');

/** A plugin that marks every front-end page and keeps one option, removed by its uninstall.php. */
function markerPlugin(slug: string): Uint8Array {
  return buildZip([
    {
      name: `${slug}/${slug}.php`,
      deflate: true,
      data: `<?php
/**
 * Plugin Name: Harness check ${slug}
 * Version: 1.0.0
 */
register_activation_hook(__FILE__, function () { add_option('${slug}_installed', 'yes'); });
add_action('wp_footer', function () { echo '<p id="${slug}-marker">${slug} is active</p>'; });
`,
    },
    { name: `${slug}/uninstall.php`, data: `<?php\nif (!defined('WP_UNINSTALL_PLUGIN')) exit;\ndelete_option('${slug}_installed');\n` },
  ]);
}

let wp: WordPress;
let browser: Browser;

beforeAll(async () => {
  [wp, browser] = await Promise.all([startWordPress(), launchChromium()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await wp?.stop();
});

describe('the real-WordPress harness', { timeout: 120_000 }, () => {
  it('installs WordPress 6 on its own MariaDB and serves a published post under its pretty permalink', async () => {
    const facts = await wp.php<{ version: string; installed: boolean; home: string; db: string }>(`
      global $wp_version, $wpdb;
      return ['version' => $wp_version, 'installed' => is_blog_installed(), 'home' => home_url('/'), 'db' => $wpdb->db_server_info()];`);
    expect(facts.installed).toBe(true);
    expect(facts.version).toMatch(/^6\./);
    expect(facts.home).toBe(`${wp.url}/`);
    expect(facts.db).toContain('MariaDB');

    const post = await wp.createPost('Hello from the harness', { slug: 'hello-harness' });
    expect(post.url).toBe(`${wp.url}/hello-harness/`);
    const served = await wp.request('/hello-harness/');
    expect(served.status).toBe(200);
    expect(served.body).toContain('Hello from the harness');
    expect((await wp.request('/no-such-page/')).status).toBe(404);
  });

  it('logs an administrator in to wp-admin in Chromium', async () => {
    const context = await newVisitor(browser);
    try {
      const page = await context.newPage();
      await wp.login(page, wp.admin);
      await page.waitForSelector('#wpadminbar');
      expect(await page.textContent('#wpbody h1')).toMatch(/Dashboard/);
      await screenshot(page, 'wordpress-harness-dashboard');
    } finally {
      await context.close();
    }
  });

  it('installs and activates a plugin uploaded as a zip through Plugins → Add New, as a person does', async () => {
    const zip = join(wp.dir, 'upload-check.zip');
    writeFileSync(zip, markerPlugin('upload-check'));
    const context = await newVisitor(browser);
    try {
      const page = await context.newPage();
      await wp.login(page, wp.admin);
      await page.goto(`${wp.url}/wp-admin/plugin-install.php?tab=upload`);
      await page.setInputFiles('#pluginzip', zip);
      await Promise.all([page.waitForURL(/update\.php\?action=upload-plugin/), page.click('#install-plugin-submit')]);
      await screenshot(page, 'wordpress-harness-plugin-uploaded');
      await Promise.all([page.waitForURL(/plugins\.php/), page.click('a.button-primary:has-text("Activate Plugin")')]);
      await page.waitForSelector('tr[data-plugin="upload-check/upload-check.php"].active');
      await screenshot(page, 'wordpress-harness-plugin-active');
    } finally {
      await context.close();
    }
    const home = await wp.request('/');
    expect(home.body).toContain('id="upload-check-marker"');
    expect(await wp.php(`return get_option('upload-check_installed');`)).toBe('yes');
  });

  it('installs, activates and deletes a plugin from a zip with installPlugin/deletePlugin, running its uninstall.php', async () => {
    const zip = join(wp.dir, 'helper-check.zip');
    writeFileSync(zip, markerPlugin('helper-check'));
    const file = await wp.installPlugin(zip);
    expect(file).toBe('helper-check/helper-check.php');
    await wp.activatePlugin(file);
    expect((await wp.request('/')).body).toContain('id="helper-check-marker"');
    expect(await wp.php(`return get_option('helper-check_installed');`)).toBe('yes');

    await wp.deactivatePlugin(file);
    expect((await wp.request('/')).body).not.toContain('id="helper-check-marker"');
    await wp.deletePlugin(file);
    expect(await wp.php(`return get_option('helper-check_installed', 'gone');`)).toBe('gone');
    expect(existsSync(join(wp.root, 'wp-content', 'plugins', 'helper-check'))).toBe(false);
  });

  it('creates users with roles and loads a mysqldump (WP Statistics fixture tables) into the database', async () => {
    const editor = await wp.createUser('edna', 'editor');
    expect(await wp.php(`return get_userdata(${editor.id})->roles;`)).toEqual(['editor']);

    await wp.loadSqlFile(join(FIXTURES, 'mysqldump', 'wp_statistics.sql'));
    const counts = await wp.php<Record<string, string>>(`
      global $wpdb;
      return ['visitor' => $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}statistics_visitor"), 'pages' => $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}statistics_pages")];`);
    expect(Number(counts.visitor)).toBeGreaterThan(0);
    expect(Number(counts.pages)).toBeGreaterThan(0);
  });

  it('logs PHP warnings to debugLog(), where the plugin tests look for theirs, and no error of its own', async () => {
    expect(wp.debugLog()).not.toMatch(/PHP (Fatal|Parse) error/);
    await wp.php(`trigger_error('harness log check', E_USER_WARNING); return true;`);
    expect(wp.debugLog()).toMatch(/PHP Warning: {2}harness log check in .*snippet-\d+\.php/);
  });
});

describe('teardown', { timeout: 120_000 }, () => {
  it('stops MariaDB and php -S and removes the directory, even for a second site started beside the first', async () => {
    const other = await startWordPress({ host: 'other.test', locale: 'nb_NO' });
    const mysqldPid = readFileSync(join(other.dir, 'mysqld.pid'), 'utf8').trim();
    expect(await other.php(`return get_locale();`)).toBe('nb_NO');
    expect((await other.request('/')).status).toBe(200);
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
    expect(existsSync(`/proc/${mysqldPid}`)).toBe(false);
    await expect(other.request('/')).rejects.toThrow();
  });
});
