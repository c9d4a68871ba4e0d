/**
 * The E-mail reports section in Chromium: the owner switches the weekly report on, picks a
 * viewer and an outside address with their languages, uploads a logo and saves; the
 * server's answer is what the reloaded page shows. "Send me a preview" arrives at a real
 * SMTP server; the preview page renders the mail. Screenshots of the section (desktop,
 * 375 px, dark, bokmål), of the preview page, and of the received mail as a mail client
 * shows it (its cid: images as data: URLs) for docs/report-mail.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { setOperator } from '../../server/core/privacy/site-privacy.ts';
import { encodePng, type IndexedImage } from '../../server/core/reports/png.ts';
import { createUser, setGrantedSites } from '../../server/core/users.ts';
import { insertVisitWithEvents } from '../core/query/store.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { type DashboardHarness, OWNER, PHONE, rawKeysOnPage, SCREEN_VARIANTS, screenshot, SCREENSHOT_DIR, seriousA11yViolations, startDashboard } from './dashboard-harness.ts';

const SITE = 'kunde.example';
const VIEWER = 'anne@kunde.example';
const NOW = Date.parse('2026-12-08T09:00:00Z');
const DOCS = join(import.meta.dirname, '..', '..', 'docs');

let d: DashboardHarness;
let smtp: TestSmtp;
let logoFile: string;

/** A small logo: a ring and three bars in the agency's colour, drawn with the report's own encoder. */
async function logoPng(): Promise<Buffer> {
  const width = 120;
  const height = 40;
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot(x - 20, y - 20);
      const bar = [52, 68, 84].findIndex((bx, i) => x >= bx && x < bx + 10 && y >= 30 - i * 10 && y < 36);
      if ((r > 11 && r < 17) || bar >= 0) pixels[y * width + x] = 1;
    }
  }
  const image: IndexedImage = { width, height, palette: [[255, 255, 255], [13, 148, 136]], pixels };
  return Buffer.from(await encodePng(image));
}

function seed(siteId: number): void {
  let visitor = 1;
  const days = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'];
  const sources: Array<Record<string, string>> = [
    { source: 'Google', channel: 'Organic Search', search_engine: 'Google', search_keyword: 'regnskapsfører oslo' },
    { source: 'Google', channel: 'Organic Search', search_engine: 'Google', search_keyword: 'årsoppgjør enkeltpersonforetak' },
    { source: 'Bing', channel: 'Organic Search', search_engine: 'Bing', search_keyword: 'regnskap pris' },
    { source: 'Facebook', channel: 'Organic Social' },
    { source: 'Nyhetsbrev', channel: 'Email' },
  ];
  const pages = ['/', '/tjenester', '/priser', '/kontakt', '/blogg/mva-frister'];
  const countries = ['NO', 'NO', 'NO', 'SE', 'DK'];
  const devices = [['Desktop', 'Windows', 'Chrome'], ['Mobile', 'iOS', 'Safari'], ['Mobile', 'Android', 'Chrome'], ['Desktop', 'Mac', 'Safari']];
  const addVisit = (day: string, n: number) => {
    const ts = Date.parse(`${day}T08:00:00Z`) / 1000 + n * 600;
    const [device, os, browser] = devices[n % devices.length]!;
    const path = pages[(n * 7) % pages.length]!;
    insertVisitWithEvents(d.server.db, siteId, { visitor: visitor++, device, os, browser, country: countries[n % countries.length]!, channel: 'Direct', ...sources[n % 6] }, [
      { ts, path },
      ...(n % 3 === 0 ? [{ ts: ts + 40, path: '/kontakt' }] : []),
      ...(n % 9 === 0 ? [{ ts: ts + 90, name: 'Kontaktskjema', path: '/kontakt' }] : []),
    ]);
  };
  days.forEach((day, i) => {
    for (let n = 0; n < [38, 45, 41, 52, 36, 14, 11][i]!; n++) addVisit(day, n);
  });
  ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'].forEach((day) => {
    for (let n = 0; n < 35; n++) addVisit(day, n);
  });
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  d = await startDashboard({ clock: () => NOW, env: { TELLER_SMTP_URL: smtp.url, TELLER_MAIL_FROM: 'Regnskapsbyrået Nord AS <rapport@byraa.example>', TELLER_COLUMNAR: 'off' } });
  const siteId = await d.server.addSite(SITE, 'Europe/Oslo');
  await setOperator(d.server.db, siteId, 'Regnskapsbyrået Nord AS');
  await addGoal(d.server.db, siteId, parseGoal({ kind: 'event', eventName: 'Kontaktskjema' }), NOW);
  // The owner first: the first-run setup makes the owner only while no account exists.
  await d.ensureOwner();
  const viewer = await createUser(d.server.db, VIEWER, 'viewer password 123', NOW, 'viewer');
  await setGrantedSites(d.server.db, viewer, [siteId]);
  // One transaction: the server's first maintenance pass (its ingest thread may boot while the
  // rows are written) sees all the closed days or none, never a day half written.
  d.server.db.raw.transaction(() => seed(siteId))();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  logoFile = join(SCREENSHOT_DIR, 'report-logo.png');
  writeFileSync(logoFile, await logoPng());
}, 120_000);

afterAll(async () => {
  await d?.close();
  await smtp?.close();
});

const recipients = () => d.server.db.all<{ email: string; user_id: number | null; lang: string }>('SELECT email, user_id, lang FROM report_recipients ORDER BY id');

describe('settings: e-mail reports', () => {
  it('the owner switches the weekly report on for a viewer and an outside address, with a logo, and the saved settings come back', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings#reports`);
    const section = page.locator('#reports');
    const weekly = section.getByLabel(/^Weekly/);
    await weekly.waitFor();
    expect(await section.getByText('No mail is configured').count()).toBe(0);
    expect(await section.getByText('Signed “Regnskapsbyrået Nord AS”.').count()).toBe(1);
    await weekly.check();
    await section.getByRole('checkbox', { name: VIEWER }).check();
    await section.getByLabel(`Language for ${VIEWER}`).selectOption('en');
    const address = section.getByLabel('E-mail address to add');
    await address.fill('not an address');
    await section.getByRole('button', { name: 'Add', exact: true }).click();
    await section.getByText('That is not an e-mail address.').waitFor();
    await address.fill('Dagleg.Leiar@Kunde.example');
    await address.press('Enter');
    await section.getByText('dagleg.leiar@kunde.example').waitFor();
    await section.getByLabel(/^Logo/).setInputFiles(logoFile);
    await section.getByRole('img', { name: 'The logo the reports show' }).waitFor();
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    await section.getByText('Saved.').waitFor();
    expect(await recipients()).toEqual([
      { email: '', user_id: expect.any(Number), lang: 'en' },
      { email: 'dagleg.leiar@kunde.example', user_id: null, lang: 'nb' },
    ]);

    await page.reload();
    await section.getByLabel(/^Weekly/).waitFor();
    expect(await section.getByLabel(/^Weekly/).isChecked()).toBe(true);
    expect(await section.getByLabel(/^Monthly/).isChecked()).toBe(false);
    expect(await section.getByRole('checkbox', { name: VIEWER }).isChecked()).toBe(true);
    expect(await section.getByRole('checkbox', { name: OWNER.email }).isChecked()).toBe(false);
    expect(await section.getByLabel(`Language for ${VIEWER}`).inputValue()).toBe('en');
    expect(await section.getByRole('img', { name: 'The logo the reports show' }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(120);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await rawKeysOnPage(page)).toEqual([]);
  });

  it('"Send me a preview" mails the owner; the received mail is screenshotted as a mail client shows it', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings#reports`);
    const section = page.locator('#reports');
    await section.getByRole('button', { name: 'Send me a preview' }).click();
    await section.getByText(`Sent to ${OWNER.email}.`).waitFor();
    const mail = await smtp.waitForMatch((m) => m.subject?.startsWith('Ukesrapport') === true);
    expect(mail.subject).toBe('Ukesrapport for kunde.example: 30. nov. – 6. des. 2026');
    let html = mail.html as string;
    for (const image of mail.attachments) html = html.replaceAll(`cid:${image.cid}`, `data:${image.contentType};base64,${image.content.toString('base64')}`);
    expect(html).not.toContain('cid:');
    const view = await d.newPage({ viewport: { width: 680, height: 900 } });
    await view.setContent(html);
    expect(await view.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0))).toEqual([true, true]);
    await screenshot(view, 'report-mail');
    await view.screenshot({ path: join(DOCS, 'report-mail.png'), fullPage: true });
  });

  it('the preview page renders the report in the browser, without sideways scrolling on a phone', async () => {
    const page = await d.ownerPage(`/sites/${SITE}/settings#reports`);
    const section = page.locator('#reports');
    await section.getByRole('button', { name: 'Send me a preview' }).waitFor();
    await section.getByLabel('Period').selectOption('month');
    await section.getByLabel('Language', { exact: true }).selectOption('en');
    const [preview] = await Promise.all([page.context().waitForEvent('page'), section.getByRole('link', { name: 'Open preview' }).click()]);
    await preview.waitForLoadState();
    await preview.getByText('Monthly report: kunde.example').waitFor();
    expect(await preview.getByText('November 2026').count()).toBe(1);
    // November's five seeded days of 35 visitors and the 30th's 38.
    expect(await preview.locator('[data-kpi="visitors"] [data-value]').getAttribute('data-value')).toBe('213');
    expect(await preview.getByRole('img', { name: 'Bar chart of visitors per day' }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1120);
    await screenshot(preview, 'report-preview-desktop');
    // A phone's mail app is as narrow: the key figures wrap instead of widening the mail.
    const phone = await d.ownerPage(`/api/dashboard/sites/${SITE}/reports/preview?period=week&lang=nb`, { viewport: PHONE });
    await phone.getByText('Ukesrapport: kunde.example').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone, 'report-preview-phone');
  });

  it('saves screenshots of the section for review, without sideways scrolling at 375 px', async () => {
    for (const [variant, options] of SCREEN_VARIANTS) {
      const page = await d.ownerPage(`/sites/${SITE}/settings`, options);
      const section = page.locator('#reports');
      await section.getByRole('checkbox').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
      await section.scrollIntoViewIfNeeded();
      await section.screenshot({ path: join(SCREENSHOT_DIR, `settings-reports-${variant}.png`) });
    }
  });
});
