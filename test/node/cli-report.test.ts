/** `teller report send|list`: a real database file and a real SMTP server on 127.0.0.1. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setOperator } from '../../server/core/privacy/site-privacy.ts';
import { saveReportSettings, setRecipients } from '../../server/core/reports/store.ts';
import { createSite } from '../../server/core/sites.ts';
import { runCli } from '../../server/node/cli.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
import { migrate } from '../../server/node/migrate.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

let dir: string;
let smtp: TestSmtp;
let env: Record<string, string | undefined>;
let out: string[] = [];
let err: string[] = [];

const run = async (argv: string[], extra: Record<string, string> = {}) => {
  out = [];
  err = [];
  return runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => null, env: { ...env, ...extra } });
};

beforeAll(async () => {
  smtp = await startTestSmtp();
  dir = mkdtempSync(join(tmpdir(), 'teller-cli-report-'));
  env = { TELLER_DB: join(dir, 'teller.db') };
  const db = openSqlite(env.TELLER_DB!);
  migrate(db.raw);
  const site = await createSite(db, { domain: 'kunde.example', timezone: 'Europe/Oslo' }, Date.now());
  await setOperator(db, site.id, 'Byrå AS');
  await saveReportSettings(db, site.id, { weekly: true, monthly: false, origin: 'https://stats.byra.example' }, Date.parse('2026-11-02T00:00:00Z') / 1000);
  await setRecipients(db, site.id, [{ email: 'kunde@client.example', lang: 'nb' }], Date.parse('2026-11-02T00:00:00Z') / 1000);
  db.close();
});

afterAll(async () => {
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('teller report', () => {
  it('lists the schedule and the recipients', async () => {
    expect(await run(['report', 'list', '--site', 'kunde.example'])).toBe(0);
    expect(out).toEqual([
      'weekly\ton since 2026-11-02',
      'monthly\toff',
      'signed by\tByrå AS',
      'mail\tnot configured (TELLER_SMTP_URL is unset)',
      'kunde@client.example\tnb\toutside address\tsubscribed',
    ]);
  });

  it('sends the last whole period now, with the recipient’s own unsubscribe link when listed', async () => {
    const mailEnv = { TELLER_SMTP_URL: smtp.url, TELLER_MAIL_FROM: 'Byrå AS <rapport@byra.example>' };
    expect(await run(['report', 'send', '--site', 'kunde.example', '--period', 'month', '--to', 'kunde@client.example', '--lang', 'nb'], mailEnv)).toBe(0);
    expect(out[0]).toMatch(/^Sent the monthly report of kunde\.example for \d{4}-\d{2}-01 to \d{4}-\d{2}-\d{2} to kunde@client\.example\.$/);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toMatch(/^Månedsrapport for kunde\.example: /);
    expect(mail!.headerLines.find((h) => h.key === 'list-unsubscribe')?.line.replace(/\r?\n\s+/g, ' ')).toMatch(/^List-Unsubscribe: <https:\/\/stats\.byra\.example\/reports\/unsubscribe\/1\./);
    expect(await run(['report', 'send', '--site', 'kunde.example', '--period', 'week', '--to', 'someone@else.example'], mailEnv)).toBe(0);
    const [, other] = await smtp.waitFor(2);
    expect(other!.subject).toMatch(/^Weekly report for kunde\.example: /);
    expect(other!.headerLines.find((h) => h.key === 'list-unsubscribe')).toBeUndefined();
  });

  it('says what is missing', async () => {
    expect(await run(['report', 'send', '--site', 'kunde.example', '--period', 'week', '--to', 'a@b.example'])).toBe(1);
    expect(err).toEqual(['teller: no mail is configured: set TELLER_SMTP_URL (smtp://user:password@host:587) and TELLER_MAIL_FROM']);
    expect(await run(['report', 'send', '--site', 'kunde.example', '--period', 'year', '--to', 'a@b.example'])).toBe(2);
    expect(err[0]).toBe('teller: report send: --period week or --period month');
    expect(await run(['report', 'send', '--site', 'kunde.example', '--period', 'week', '--to', 'nobody'])).toBe(2);
    expect(err[0]).toBe('teller: --to: "nobody" is not an e-mail address');
    expect(await run(['report', 'list', '--site', 'unknown.example'])).toBe(1);
  });
});
