/**
 * End to end, through the real tracker in Chromium: a hash-routed page opened at a reset
 * link (`#/account/reset?token=…&email=…`), a custom event whose prop is the page's own
 * address, a tagged link and an outbound link with a query. Nothing of those queries may
 * reach the database, the rollups, the export, the Stats API or the dashboard's APIs; the
 * paths and link addresses without them must. Then the owner's side of the privacy text:
 * the property names the page sent are offered in the settings, and listed only once ticked.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { ROLLUP_TABLES } from '../../server/core/store/site-days.ts';
import { unzip } from '../helpers/privacy-zip.ts';
import { type PageServer, htmlPage, newVisitor, startPageServer, waitFor } from './browser.ts';
import { type DashboardHarness, startDashboard } from './dashboard-harness.ts';

const DOMAIN = 'shop.test';
const SECRETS = 'token=SECRET-7731&email=jane@example.com';
/** What must be found nowhere: the token's value and the address. */
const LEAK = /SECRET-7731|jane@example\.com|jane%40example\.com/;

let d: DashboardHarness;
let site: PageServer;
let visitor: BrowserContext;

beforeAll(async () => {
  [d, site] = await Promise.all([startDashboard(), startPageServer()]);
  await d.server.addSite(DOMAIN);
  visitor = await newVisitor(d.browser);
});
afterAll(async () => {
  await visitor?.close();
  await Promise.all([d?.close(), site?.close()]);
});

interface Row {
  name: string;
  path: string;
  props: string | null;
}

const stored = () =>
  d.server.db.all<Row>(
    `SELECT e.name, e.path, (SELECT json_group_object(key, value) FROM event_props p WHERE p.event_id = e.id) AS props
       FROM events e ORDER BY e.name, e.path`,
  );

/** Every row of every table named, as text, to look for a leak anywhere in it. */
async function dump(tables: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const table of tables) parts.push(JSON.stringify(await d.server.db.all(`SELECT * FROM ${table}`)));
  return parts.join('\n');
}

describe('query strings and fragments through the real tracker', () => {
  it('are stored nowhere: hash-routed page, custom prop, tagged and outbound links', async () => {
    const partner = `${site.origin('partner.test')}/checkout`;
    site.page('/checkout', htmlPage({ body: '<h1>Partner</h1>' }));
    const tag = `<script defer data-domain="${DOMAIN}" data-hash data-outbound-links data-tagged-events src="${d.url}/script.extras.js"></script>`;
    const body = `<a id="tagged" class="plausible-event-name=Reset+Password" href="#/account/reset?${SECRETS}">reset</a>
      <a id="out" href="${partner}?${SECRETS}#pay">partner</a>`;
    site.page('/app', htmlPage({ head: tag, body }));
    const page = await visitor.newPage();
    const app = `${site.origin()}/app`;

    await page.goto(`${app}#/account/reset?${SECRETS}`);
    await waitFor('the first pageview', async () => (await stored()).length === 1);
    await page.evaluate(() => (location.hash = '#/orders?session=SECRET-7731'));
    await page.evaluate(() => new Promise((resolve) => window.teller!('Signup', { props: { return_to: location.href }, callback: resolve })));
    await page.click('#tagged');
    await waitFor('the tagged click and its pageview', async () => (await stored()).length === 5);
    await page.click('#out');
    await page.waitForURL(`${partner}?${SECRETS}#pay`);
    const rows = await waitFor('the outbound click', async () => {
      const all = await stored();
      return all.length === 6 && all;
    });

    expect(rows).toEqual([
      { name: 'Outbound Link: Click', path: '/app#/account/reset', props: JSON.stringify({ url: partner }) },
      { name: 'Reset Password', path: '/app#/orders', props: JSON.stringify({ url: app }) },
      { name: 'Signup', path: '/app#/orders', props: JSON.stringify({ return_to: app }) },
      { name: 'pageview', path: '/app#/account/reset', props: '{}' },
      { name: 'pageview', path: '/app#/account/reset', props: '{}' },
      { name: 'pageview', path: '/app#/orders', props: '{}' },
    ]);
    const raw = await dump(['events', 'event_props', 'visits']);
    expect(raw).toContain('/app#/account/reset');
    expect(raw).not.toMatch(LEAK);
    expect(raw).not.toContain('session=');
    // Not in any page of the database file or its WAL either.
    const file = ['', '-wal'].map((suffix) => d.server.dbPath + suffix).filter(existsSync);
    expect(Buffer.concat(file.map((f) => readFileSync(f))).toString('latin1')).not.toMatch(LEAK);
  });

  it('are in no rollup, export or answer of the Stats API and the dashboard', async () => {
    // Two days on, today is a closed day: maintenance rolls it up.
    for (let i = 0; i < 3 && (await runMaintenance(d.server.db, Date.now() + 2 * 86_400_000)).daysRolledUp > 0; i++);
    const rollups = await dump(ROLLUP_TABLES);
    expect(rollups).toContain('/app#/account/reset');
    expect(rollups).not.toMatch(LEAK);

    const owner = await d.ownerPage(`/sites/${DOMAIN}/settings`);
    const zip = await owner.request.get(`${d.url}/api/v1/sites/${DOMAIN}/export`);
    expect(zip.status()).toBe(200);
    const files = unzip(await zip.body());
    const exported = [...files.values()].join('\n');
    expect(exported).toContain('/app#/account/reset');
    expect(exported).toContain(`${site.origin('partner.test')}/checkout`);
    expect(exported).not.toMatch(LEAK);

    const answers: string[] = [];
    for (const dimension of ['event:page', 'visit:entry_page', 'visit:exit_page', 'event:props:url', 'event:props:return_to']) {
      const res = await owner.request.post(`${d.url}/api/v2/query`, {
        data: { site_id: DOMAIN, metrics: ['visitors', 'events'], date_range: 'all', dimensions: [dimension] },
        headers: { origin: d.url },
      });
      expect(res.status(), dimension).toBe(200);
      answers.push(await res.text());
    }
    for (const path of ['/visits?date_range=%22all%22', '/properties']) {
      const res = await owner.request.get(`${d.url}/api/dashboard/sites/${DOMAIN}${path}`);
      expect(res.status(), path).toBe(200);
      answers.push(await res.text());
    }
    const all = answers.join('\n');
    expect(all).toContain('/app#/orders');
    expect(all).toContain(`${site.origin('partner.test')}/checkout`);
    expect(all).not.toMatch(LEAK);
  });

  it('the privacy text lists a property name the page sent only once the owner ticks it', async () => {
    const owner = await d.ownerPage(`/sites/${DOMAIN}/settings`);
    const privacy = owner.locator('section', { has: owner.getByRole('heading', { name: 'Privacy policy' }) });
    const text = () => privacy.locator('textarea').inputValue();
    await waitFor('the privacy text', async () => (await text()).includes('Visitor statistics'));
    const returnTo = privacy.getByRole('checkbox', { name: 'List return_to in the privacy text' });
    const url = privacy.getByRole('checkbox', { name: 'List url in the privacy text' });
    expect(await returnTo.isChecked()).toBe(false);
    expect(await url.isChecked()).toBe(false);
    expect(await text()).not.toContain('return_to');
    expect(await text()).toContain('2 property names received with events are not named above');

    await returnTo.check();
    await waitFor('return_to in the text', async () => (await text()).includes('with these details: `return_to`;'));
    expect(await text()).toContain('one property name received with events is not named above');
    await owner.reload();
    const again = owner.getByRole('checkbox', { name: 'List return_to in the privacy text' });
    await again.waitFor();
    expect(await again.isChecked()).toBe(true);
  });
});
