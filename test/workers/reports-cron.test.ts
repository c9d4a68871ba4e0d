/**
 * Scheduled reports in workerd: the Worker's `scheduled` handler, driven through Miniflare
 * at a chosen time, sends the week's report through the `send_email` binding (Miniflare
 * 4.20260426 runs it locally: it writes the message's parts to files and logs where), and
 * a second cron run in the same period sends nothing (the sent-log claims before sending);
 * the mail's unsubscribe link works in the Worker.
 */
import { readFileSync } from 'node:fs';
import { Log, LogLevel } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type D1, type TellerWorker, startWorker } from './harness.ts';

/** Miniflare's log, kept: the send_email binding reports each message there. */
class KeptLog extends Log {
  readonly lines: string[] = [];
  override logWithLevel(level: LogLevel, message: string): void {
    this.lines.push(message);
    super.logWithLevel(level, message);
  }
}

const at = (iso: string) => Date.parse(iso) / 1000;
let worker: TellerWorker;
let db: D1;
const log = new KeptLog(LogLevel.WARN);

beforeAll(async () => {
  worker = await startWorker({ vars: { TELLER_MAIL_FROM: 'Byrå AS <rapport@byra.example>' }, email: { send_email: [{ name: 'EMAIL' }] }, log });
  db = worker.db;
  const site = await db.prepare("INSERT INTO sites (domain, timezone, operator, created_at) VALUES ('kunde.example', 'Europe/Oslo', 'Byrå AS', 0) RETURNING id").first<{ id: number }>();
  const since = at('2026-11-01T00:00:00Z');
  await db.prepare("INSERT INTO report_settings (site_id, weekly_since, origin, updated_at) VALUES (?, ?, 'https://stats.byra.example', ?)").bind(site!.id, since, since).run();
  await db.prepare("INSERT INTO report_recipients (site_id, email, lang, created_at) VALUES (?, 'kunde@client.example', 'nb', ?)").bind(site!.id, since).run();
  for (const [visitor, day] of [[1, '2026-12-01'], [2, '2026-12-02'], [3, '2026-12-02']] as const) {
    const start = at(`${day}T10:00:00Z`);
    const visit = await db
      .prepare("INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, events, entry_page, exit_page, hostname, channel, country, browser, os, device) VALUES (?, ?, ?, ?, 1, 0, '/', '/', 'kunde.example', 'Direct', 'NO', 'Firefox', 'Windows', 'Desktop') RETURNING id")
      .bind(site!.id, visitor, start, start)
      .first<{ id: number }>();
    await db.prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (?, ?, ?, ?, 'pageview', 'kunde.example', '/')").bind(site!.id, visit!.id, visitor, start).run();
  }
}, 120_000);

afterAll(() => worker?.close());

async function runCron(iso: string): Promise<void> {
  const result = await worker.scheduled({ scheduledTime: new Date(iso), cron: '7 * * * *' });
  expect(result.outcome).toBe('ok');
}

const sends = () => log.lines.filter((l) => l.includes('send_email binding called'));

describe('reports from the cron trigger', () => {
  it('sends the week due on Monday morning through the send_email binding, once', async () => {
    await runCron('2026-12-07T05:07:00Z'); // 06:07 in Oslo
    await expect.poll(() => sends().length).toBe(1);
    const message = sends()[0]!;
    expect(message).toContain('From: "Byrå AS" <rapport@byra.example>');
    expect(message).toContain('To: kunde@client.example');
    expect(message).toContain('Subject: Ukesrapport for kunde.example: 30. nov. – 6. des. 2026');
    const htmlFile = /HTML: (\S+)/.exec(message)![1]!;
    const html = readFileSync(htmlFile, 'utf8');
    expect(html).toContain('Unike besøkende');
    expect(html).toMatch(/data-kpi="visitors"[\s\S]*?data-value="3"/);
    expect(html).toContain('https://stats.byra.example/reports/unsubscribe/1.');
    const chartFile = /Attachment \(inline\): visitors\.png -> (\S+)/.exec(message)![1]!;
    // Miniflare keeps each part with request.text(), so bytes that are not UTF-8 arrive
    // replaced; the PNG's chunk names are ASCII and show the chart was handed over whole.
    const chart = readFileSync(chartFile, 'latin1');
    for (const name of ['PNG', 'IHDR', 'PLTE', 'IDAT', 'IEND']) expect(chart).toContain(name);
    const row = await db.prepare('SELECT kind, period_start, recipient, sent_at IS NOT NULL AS sent, error FROM report_sent').first();
    expect(row).toEqual({ kind: 'week', period_start: '2026-11-30', recipient: 'kunde@client.example', sent: 1, error: null });

    await runCron('2026-12-07T06:07:00Z');
    expect(sends()).toHaveLength(1);
    expect((await db.prepare('SELECT count(*) AS n FROM report_sent').first<{ n: number }>())!.n).toBe(1);

    // The mail's unsubscribe link, one-click as RFC 8058 has a mail client send it, reaches the Worker.
    const link = /https:\/\/stats\.byra\.example\/reports\/unsubscribe\/[\w.-]+/.exec(html)![0];
    const page = await worker.mf.dispatchFetch(link);
    expect(await page.text()).toContain('Slutte å få rapportene om kunde.example til kunde@client.example?');
    const post = await worker.mf.dispatchFetch(link, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('kunde@client.example får ikke lenger rapportene om kunde.example.');
    expect((await db.prepare('SELECT unsubscribed_at IS NOT NULL AS gone FROM report_recipients').first<{ gone: number }>())!.gone).toBe(1);
  });
});
