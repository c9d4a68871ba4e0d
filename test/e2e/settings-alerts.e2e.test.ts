/**
 * The settings' Alerts section in Chromium: the defaults shown, a bad webhook URL refused
 * beside its field, settings saved, a test alert posted to a real receiver on 127.0.0.1 and
 * listed under recent alerts; screenshots at desktop and 375 px, light and dark, English
 * and bokmål.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardHarness, rawKeysOnPage, SCREEN_VARIANTS, SCREENSHOT_DIR, seriousA11yViolations, startDashboard } from './dashboard-harness.ts';

const SITE = 'alerts.example.com';

let d: DashboardHarness;
let receiver: Server;
let hookUrl: string;
const hooks: Array<{ text: string; content: string }> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      hooks.push(JSON.parse(body));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  d = await startDashboard();
  await d.server.addSite(SITE, 'Europe/Oslo');
});

afterAll(async () => {
  await d?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

const stored = async () => d.server.db.first<{ webhook_url: string; spike: number; spike_visitors: number | null; emails: string | null; lang: string }>('SELECT webhook_url, spike, spike_visitors, emails, lang FROM alert_settings');

describe('settings: alerts', () => {
  it('shows the defaults, refuses a bad webhook beside its field, saves, and sends a test alert', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings`);
    const section = page.locator('#alerts');
    const noEvents = section.getByLabel('No events arrive for a while');
    await noEvents.waitFor();
    expect(await noEvents.isChecked()).toBe(true);
    expect(await section.getByLabel('Hours without events').inputValue()).toBe('24');
    expect(await section.getByLabel('Traffic spikes').isChecked()).toBe(false);
    expect(await section.getByLabel('Tracking is back').isChecked()).toBe(true);
    expect(await section.getByLabel(/^To the owners \(owner@example\.com\)/).isChecked()).toBe(true);
    await section.getByText('This server sends no mail').waitFor();
    await section.getByText('No alerts sent yet.').waitFor();

    const webhook = section.getByLabel('Webhook URL (Slack, Microsoft Teams or Discord)');
    await webhook.fill('http://hooks.example.com/T1');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Must start with https://').waitFor();
    expect(await webhook.getAttribute('aria-invalid')).toBe('true');
    expect(await stored()).toBeNull();

    await webhook.fill(hookUrl);
    expect(await section.getByLabel('At this many visitors in an hour').isDisabled()).toBe(true);
    await section.getByLabel('Traffic spikes').check();
    await section.getByLabel('At this many visitors in an hour').fill('400');
    await section.getByLabel('Language of the alerts').selectOption('nb');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('Saved').waitFor();
    expect(await stored()).toEqual({ webhook_url: hookUrl, spike: 1, spike_visitors: 400, emails: null, lang: 'nb' });

    await section.getByRole('button', { name: 'Send a test alert' }).click();
    await section.getByText('Test alert sent to the webhook.').waitFor();
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.text).toContain(`Testvarsel for ${SITE}`);
    await section.locator('.alert-log li').filter({ hasText: 'Test' }).getByText('the webhook · sent').waitFor();

    await page.reload();
    await section.getByLabel('Traffic spikes').waitFor();
    expect(await section.getByLabel('Traffic spikes').isChecked()).toBe(true);
    expect(await section.getByLabel('At this many visitors in an hour').inputValue()).toBe('400');
    expect(await section.getByLabel('Webhook URL (Slack, Microsoft Teams or Discord)').inputValue()).toBe(hookUrl);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await rawKeysOnPage(page)).toEqual([]);
  });

  it('saves screenshots of the section for review, without sideways scrolling at 375 px', async () => {
    for (const [variant, options] of SCREEN_VARIANTS) {
      const page = await d.ownerPage(`/sites/${SITE}/settings`, options);
      const section = page.locator('#alerts');
      await section.locator('.alert-log li').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
      await section.scrollIntoViewIfNeeded();
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await section.screenshot({ path: join(SCREENSHOT_DIR, `settings-alerts-${variant}.png`) });
    }
  });
});
