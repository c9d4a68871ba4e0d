/**
 * Scheduled reports end to end on Node: a real server sends through a real SMTP server on
 * 127.0.0.1, and the mail is read as a client reads it (mailparser). The report due while
 * the server was down goes out once at the next start, in each recipient's language, with
 * numbers equal to the Stats API's for the same queries, the chart inline, and one-click
 * unsubscribe headers whose link works without login; a restart never sends twice.
 */
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGoal, parseGoal } from '../../server/core/goals/goals.ts';
import { setOperator } from '../../server/core/privacy/site-privacy.ts';
import { reportQueries } from '../../server/core/reports/content.ts';
import { periodStarting } from '../../server/core/reports/period.ts';
import { findSite } from '../../server/core/sites.ts';
import { createUser, findUserByEmail, setGrantedSites } from '../../server/core/users.ts';
import { type RunningServer, startServer } from '../../server/node/server.ts';
import { insertVisitWithEvents } from '../core/query/store.ts';
import { MemoryLog, startTestServer, type TestServer } from '../helpers/server.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { call, OWNER, setupOwner } from './dashboard-helpers.ts';

const ADMIN = 'reports-admin-token-0123456789abcdefghij';
const SITE = 'kunde.example';
const CLIENT = 'kunde@client.example';
const VIEWER = 'viewer@teller.example';
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const at = (iso: string) => Date.parse(iso);

let smtp: TestSmtp;
let first: TestServer;
let server: RunningServer;
let now = at('2026-12-03T12:00:00Z'); // a Thursday
let cookie: string;
const clock = () => now;

function restart(): Promise<RunningServer> {
  return startServer({ dbPath: first.dbPath, port: 0, clock, log: new MemoryLog(), env: { TELLER_SMTP_URL: smtp.url, TELLER_MAIL_FROM: 'Byrå AS <rapport@byra.example>', TELLER_COLUMNAR: 'off' }, config: { adminToken: ADMIN } });
}

/** A week of visits: more in the report week than in the one before, from several sources. */
function seed(siteId: number): void {
  const db = first.db;
  let visitor = 1;
  const visit = (day: string, attrs: Record<string, string | null>, paths: string[], signup = false) => {
    const ts = Date.parse(`${day}T10:00:00Z`) / 1000;
    insertVisitWithEvents(db, siteId, { visitor: visitor++, browser: 'Firefox', os: 'Windows', device: 'Desktop', country: 'NO', channel: 'Direct', ...attrs }, [
      ...paths.map((path, i) => ({ ts: ts + i * 30, path })),
      ...(signup ? [{ ts: ts + 100, name: 'Signup', path: paths[0]! }] : []),
    ]);
  };
  for (const day of ['2026-11-24', '2026-11-26', '2026-11-28']) visit(day, { source: 'Google', channel: 'Organic Search', search_engine: 'Google', search_keyword: 'regnskap oslo' }, ['/']);
  const week = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'];
  week.forEach((day, i) => {
    for (let n = 0; n <= i % 4; n++) visit(day, { source: 'Google', channel: 'Organic Search', search_engine: 'Google', search_keyword: n % 2 ? 'regnskap' : 'årsoppgjør', country: n % 2 ? 'SE' : 'NO' }, ['/', '/priser']);
    visit(day, { source: 'Facebook', channel: 'Organic Social', device: 'Mobile', os: 'iOS', browser: 'Safari' }, ['/kontakt'], i % 3 === 0);
    if (i < 3) visit(day, {}, ['/', '/om-oss', '/kontakt']);
  });
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  first = await startTestServer({ clock, env: { TELLER_SMTP_URL: smtp.url, TELLER_COLUMNAR: 'off' }, config: { adminToken: ADMIN } });
  cookie = await setupOwner(first);
  const siteId = await first.addSite(SITE, 'Europe/Oslo');
  const viewer = await createUser(first.db, VIEWER, 'viewer password 123', now, 'viewer');
  await setGrantedSites(first.db, viewer, [siteId]);
  await setOperator(first.db, siteId, 'Byrå AS');
  await addGoal(first.db, siteId, parseGoal({ kind: 'event', eventName: 'Signup' }), now);
  // Only report mail is counted here: the no-events alert, on by default, would mail the owner too.
  expect((await call(first, 'PUT', `/api/dashboard/sites/${SITE}/alerts`, { cookie, json: { emails: [] } })).status).toBe(200);
  // One transaction: the server's first maintenance pass (its ingest thread may boot while the
  // rows are written) sees all the closed days or none, never a day half written.
  first.db.raw.transaction(() => seed(siteId))();
  server = first;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await first?.stop().catch(() => undefined);
  await smtp?.close();
});

const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

function kpisOf(html: string): Record<string, { value: number; change: number | null }> {
  const out: Record<string, { value: number; change: number | null }> = {};
  for (const m of html.matchAll(/data-kpi="(\w+)"[\s\S]*?data-value="([^"]*)"[\s\S]*?data-change="([^"]*)"/g)) {
    out[m[1]!] = { value: Number(m[2]), change: m[3] === '' ? null : Number(m[3]) };
  }
  return out;
}

function listOf(html: string, id: string): Array<[string, number]> {
  const table = html.slice(html.indexOf(`data-list="${id}"`));
  const body = table.slice(0, table.indexOf('</table>'));
  return [...body.matchAll(/<td[^>]*>([^<]*)<\/td><td[^>]*data-value="([^"]*)"/g)].map((m) => [decode(m[1]!), Number(m[2])]);
}

async function stats(body: Record<string, unknown>): Promise<{ results: Array<{ dimensions: string[]; metrics: number[]; comparison?: { change: Array<number | null> } }> }> {
  const res = await fetch(`${server.url}/api/v2/query`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json() as never;
}

/** A header as it was sent, e.g. `<https://…>`; undefined when absent. */
const header = (mail: ParsedMail, name: string) => mail.headerLines.find((h) => h.key === name)?.line.slice(name.length + 1).replace(/\r?\n\s+/g, ' ').trim();
const unsubscribeLink = (mail: ParsedMail) => /^<(.+)>$/.exec(header(mail, 'list-unsubscribe') ?? '')?.[1] ?? '';

const mailTo = (address: string) => smtp.received.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === address);

describe('scheduled reports on Node', () => {
  it('the owner sets up a weekly report for themselves, a viewer and an outside address', async () => {
    const ownerId = (await findUserByEmail(first.db, OWNER.email))!.id;
    const put = await call(first, 'PUT', `/api/dashboard/sites/${SITE}/reports`, {
      cookie,
      json: { weekly: true, monthly: false, logo: `data:image/png;base64,${PNG_1PX}`, recipients: [{ userId: ownerId, lang: 'nb' }, { email: ' Kunde@Client.example ', lang: 'en' }] },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ weekly: true, monthly: false, mailConfigured: true, operator: 'Byrå AS' });
    expect((put.body.recipients as Array<{ email: string }>).map((r) => r.email)).toEqual([OWNER.email, CLIENT]);
    expect((put.body.users as Array<{ email: string }>).map((u) => u.email)).toEqual([OWNER.email, VIEWER]);
    const bad = await call(first, 'PUT', `/api/dashboard/sites/${SITE}/reports`, { cookie, json: { weekly: true, monthly: false, recipients: [{ email: 'not an address', lang: 'en' }] } });
    expect(bad).toMatchObject({ status: 400, body: { error: 'recipients[0].email: not an e-mail address' } });
    const badLogo = await call(first, 'PUT', `/api/dashboard/sites/${SITE}/reports`, { cookie, json: { weekly: true, monthly: false, recipients: [], logo: 'data:image/png;base64,aGVsbG8=' } });
    expect(badLogo).toMatchObject({ status: 400, body: { error: 'logo: a PNG, JPEG or GIF image is expected' } });
    // Nothing is due on a Thursday for a report switched on today: the first is next Monday's.
    expect(smtp.received).toHaveLength(0);
  });

  it('a report due while the server was down goes out once when it is back, in each language', async () => {
    await first.close();
    now = at('2026-12-08T09:00:00Z'); // Tuesday: Monday 06:00 in Oslo passed while down
    server = await restart();
    const mails = await smtp.waitFor(2);
    expect(mails).toHaveLength(2);
    const [nb] = mailTo(OWNER.email);
    const [en] = mailTo(CLIENT);
    expect(nb!.subject).toBe('Ukesrapport for kunde.example: 30. nov. – 6. des. 2026');
    expect(en!.subject).toBe('Weekly report for kunde.example: 30 Nov – 6 Dec 2026');
    expect(nb!.html).toContain('Unike besøkende');
    expect(en!.html).toContain('Unique visitors');
    expect(en!.html).toContain('Sent by Byrå AS');
    expect(en!.from?.text).toBe('"Byrå AS" <rapport@byra.example>');
    expect(en!.text).toContain('Unique visitors: ');
    expect(en!.html).not.toMatch(/<script|src="https?:/i);
  });

  it('has the Stats API’s numbers for the same period, the chart inline and one-click unsubscribe headers', async () => {
    const en = mailTo(CLIENT)[0]! as ParsedMail;
    const nb = mailTo(OWNER.email)[0]! as ParsedMail;
    const site = (await findSite(server.db, SITE))!;
    const q = reportQueries(site, periodStarting('week', '2026-11-30', 'Europe/Oslo'), true);
    const kpis = (await stats(q.kpis)).results[0]!;
    const inMail = kpisOf(en.html as string);
    expect(Object.keys(inMail)).toEqual(['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration']);
    Object.values(inMail).forEach((k, i) => {
      expect(k.value).toBe(kpis.metrics[i]);
      expect(k.change).toBe(kpis.comparison!.change[i]);
    });
    // The seed: 1–4 Google visits a day by weekday, a Facebook visit a day, a direct one the first three days.
    expect(inMail.visitors!.value).toBe(16 + 7 + 3);
    for (const list of q.lists) {
      // Countries come as codes and are named in the reader's language.
      const name = (label: string) => (list.id === 'countries' ? new Intl.DisplayNames(['en-GB'], { type: 'region' }).of(label) : label);
      const answer = (await stats(list.body)).results.map((r) => [name(r.dimensions[0]!), r.metrics[0]]);
      expect(listOf(en.html as string, list.id), list.id).toEqual(answer);
    }
    expect(listOf(en.html as string, 'keywords').map(([w]) => w)).toContain('årsoppgjør');
    expect(listOf(en.html as string, 'goals')).toEqual([['Signup', 3]]);
    expect(listOf(en.html as string, 'countries').map(([c]) => c)).toEqual(['Norway', 'Sweden']);
    expect(listOf(nb.html as string, 'countries').map(([c]) => c)).toEqual(['Norge', 'Sverige']);
    // Devices and "Direct / None" are the engine's English words, given in the reader's language.
    expect(listOf(en.html as string, 'devices').map(([d]) => d)).toContain('Desktop');
    expect(listOf(nb.html as string, 'devices').map(([d]) => d)).toContain('Datamaskin');
    expect(listOf(nb.html as string, 'devices').map(([d]) => d)).not.toContain('Desktop');
    const days = (await stats(q.days)).results.map((r) => `  ${r.dimensions[0]!.slice(0, 10)}  ${r.metrics[0]}`);
    for (const line of days) expect(en.text).toContain(line);

    const chart = en.attachments.find((a) => a.cid === 'chart@teller')!;
    expect(chart.contentType).toBe('image/png');
    expect([...chart.content.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(en.html).toContain('src="cid:chart@teller"');
    expect(en.attachments.find((a) => a.cid === 'logo@teller')?.content.toString('base64')).toBe(PNG_1PX);

    const link = unsubscribeLink(en);
    expect(link).toMatch(new RegExp(`^${first.url}/reports/unsubscribe/\\d+\\.[A-Za-z0-9_-]{43}$`));
    expect(header(en, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(en.text).toContain(`Unsubscribe: ${link}`);
  });

  it('the unsubscribe link asks on GET, unsubscribes on the one-click POST without login, and refuses a forged one', async () => {
    const en = mailTo(CLIENT)[0]!;
    // The link names the address the owner saved from; the restarted server listens elsewhere.
    const link = unsubscribeLink(en).replace(first.url, server.url);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Stop receiving the reports on kunde.example at kunde@client.example?');
    expect(html).toContain('<form method="post"');
    const settings = async () => (await call(server, 'GET', `/api/dashboard/sites/${SITE}/reports`, { cookie })).body.recipients as Array<{ email: string; unsubscribed: boolean }>;
    expect((await settings()).find((r) => r.email === CLIENT)?.unsubscribed).toBe(false);
    const forged = link.replace(/\.[A-Za-z0-9_-]{43}$/, `.${'A'.repeat(43)}`);
    expect((await fetch(forged, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(404);
    // As a mail client sends it (RFC 8058): no cookie, no origin.
    const post = await fetch(link, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('kunde@client.example no longer receives the reports on kunde.example.');
    expect((await settings()).find((r) => r.email === CLIENT)?.unsubscribed).toBe(true);
    expect(await (await fetch(link)).text()).toContain('no longer receives');
  });

  it('a restart in the same period sends nothing again', async () => {
    // A second site due as well, listed after the first: its mail shows the start's pass is over.
    const sentinel = await startTestSiteWithReport('zz-sentinel.example', 'sentinel@client.example');
    await server.close();
    now = at('2026-12-09T09:00:00Z');
    server = await restart();
    await smtp.waitFor(3);
    expect(smtp.received.map((m) => (Array.isArray(m.to) ? '' : m.to!.text))).toEqual([expect.any(String), expect.any(String), 'sentinel@client.example']);
    expect(sentinel).toBeGreaterThan(0);
  });

  it('next Monday the owner gets the new week, the unsubscribed address does not', async () => {
    await server.close();
    now = at('2026-12-14T05:30:00Z'); // 06:30 in Oslo
    server = await restart();
    await smtp.waitFor(5);
    const latest = smtp.received.slice(3).map((m) => `${(m.to as { text: string }).text}: ${m.subject}`).sort();
    expect(latest).toEqual([`${OWNER.email}: Ukesrapport for kunde.example: 7. des. – 13. des. 2026`, 'sentinel@client.example: Weekly report for zz-sentinel.example: 7 Dec – 13 Dec 2026'].sort());
  });

  it('the owner previews the report in the browser and sends one to themselves; a viewer may not', async () => {
    const page = await fetch(`${server.url}/api/dashboard/sites/${SITE}/reports/preview?period=month&lang=nb`, { headers: { cookie: `teller_session=${cookie}` } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('Månedsrapport: kunde.example');
    expect(html).toContain('src="data:image/png;base64,');
    expect(html).not.toContain('cid:');
    const wrong = await call(server, 'GET', `/api/dashboard/sites/${SITE}/reports/preview?period=year`, { cookie });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'period: "week" or "month" is expected' } });
    const before = smtp.received.length;
    const sent = await call(server, 'POST', `/api/dashboard/sites/${SITE}/reports/preview`, { cookie, json: { period: 'week', lang: 'en' } });
    expect(sent).toMatchObject({ status: 200, body: { sentTo: OWNER.email } });
    const [preview] = (await smtp.waitFor(before + 1)).slice(before);
    expect(preview!.subject).toBe('Weekly report for kunde.example: 7 Dec – 13 Dec 2026');
    expect(header(preview!, 'list-unsubscribe')).toBeUndefined();
    const login = await call(server, 'POST', '/api/dashboard/login', { json: { email: VIEWER, password: 'viewer password 123' } });
    const viewerCookie = /teller_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    expect(viewerCookie).toBeTruthy();
    expect((await call(server, 'GET', `/api/dashboard/sites/${SITE}/reports`, { cookie: viewerCookie })).status).toBe(403);
  });
});

/** A site with a weekly report on since long ago, to one outside address. */
async function startTestSiteWithReport(domain: string, email: string): Promise<number> {
  const db = server.db;
  const week = Math.floor(at('2026-11-01T00:00:00Z') / 1000);
  const site = await db.run("INSERT INTO sites (domain, timezone, created_at) VALUES (?, 'Europe/Oslo', ?)", [domain, week]);
  await db.run('INSERT INTO report_settings (site_id, weekly_since, origin, updated_at) VALUES (?, ?, ?, ?)', [site.lastRowId, week, 'https://teller.example', week]);
  await db.run("INSERT INTO report_recipients (site_id, email, lang, created_at) VALUES (?, ?, 'en', ?)", [site.lastRowId, email, week]);
  return site.lastRowId;
}
