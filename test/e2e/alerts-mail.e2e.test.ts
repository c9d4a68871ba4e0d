/**
 * The alert mail's HTML part as a mail client draws it (Chromium, no scripts, no remote
 * content): the subject as its heading, the sentences and the settings link, in English and
 * bokmål; screenshots for review.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertMail } from '../../server/core/alerts/message.ts';
import { launchChromium } from './browser.ts';
import { SCREENSHOT_DIR } from './dashboard-harness.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const LINK = 'https://teller.example.com/sites/shop.example/settings#alerts';
const facts = { kind: 'spike' as const, domain: 'shop.example', timeZone: 'Europe/Oslo', hourStart: Date.parse('2026-12-05T13:00:00Z') / 1000, visitors: 412, usual: 38, threshold: null };

describe('the alert mail', () => {
  for (const lang of ['en', 'nb'] as const) {
    it(`reads as a mail in ${lang}, with nothing loaded from outside`, async () => {
      const mail = alertMail(facts, lang, 'ops@example.com', LINK);
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 640, height: 180 } });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.setContent(mail.html);
      expect(await page.locator('h1').textContent()).toBe(mail.subject);
      expect(await page.locator('p').first().textContent()).toContain(lang === 'nb' ? '412 besøkende mellom 14:00 og 15:00' : '412 visitors between 14:00 and 15:00');
      expect(await page.locator('a').getAttribute('href')).toBe(LINK);
      expect(mail.text).toContain(LINK);
      expect(requests).toEqual([]);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `alert-mail-${lang}.png`) });
      await context.close();
    });
  }
});
