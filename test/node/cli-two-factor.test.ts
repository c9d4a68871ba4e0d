/**
 * `teller user reset-2fa <email>`: the operator's way back in for someone (the only owner
 * included) who lost both phone and recovery codes. Then the password alone logs in, or,
 * when the owner requires two-factor login, the enrolment comes straight after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { owedStep } from '../../server/core/auth/login-pending.ts';
import { codeAt } from '../../server/core/auth/totp.ts';
import { confirmEnrolment, hasTwoFactor, setTwoFactorRequired, startEnrolment } from '../../server/core/auth/two-factor.ts';
import { createSession, sessionCount } from '../../server/core/auth/sessions.ts';
import { createUser, findUserByEmail } from '../../server/core/users.ts';
import { runCli } from '../../server/node/cli.ts';
import { migrate } from '../../server/node/migrate.ts';
import { openSqlite, type SqliteDb } from '../../server/node/sqlite-db.ts';

describe('teller user reset-2fa', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'teller-cli-2fa-'));
    env = { TELLER_DB: join(dir, 'teller.db') };
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...argv: string[]) => runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => null, env });
  const withDb = async <T>(use: (db: SqliteDb) => Promise<T>): Promise<T> => {
    const db = openSqlite(env.TELLER_DB!);
    migrate(db.raw);
    try {
      return await use(db);
    } finally {
      db.close();
    }
  };

  it('turns off the owner’s two-factor login, says what happens next, and lists who has it', async () => {
    const now = Date.now();
    await withDb(async (db) => {
      const id = await createUser(db, 'owner@example.com', 'correct horse battery', now);
      const secret = (await startEnrolment(db, id, now))!;
      expect('recoveryCodes' in (await confirmEnrolment(db, id, codeAt(secret, now), now))).toBe(true);
      await setTwoFactorRequired(db, true, now);
      await createSession(db, id, now);
    });
    expect(await run('user', 'list')).toBe(0);
    expect(out).toEqual(['owner@example.com\towner\tall sites\t2fa']);
    out.length = 0;

    expect(await run('user', 'reset-2fa', 'Owner@Example.com')).toBe(0);
    expect(out).toEqual(['Turned off two-factor login of owner@example.com and ended their sessions: they set it up again right after their password (it is required).']);
    await withDb(async (db) => {
      const user = (await findUserByEmail(db, 'owner@example.com'))!;
      expect(await hasTwoFactor(db, user.id)).toBe(false);
      expect(await owedStep(db, user)).toBe('enrol');
      expect(db.raw.prepare('SELECT count(*) AS n FROM recovery_codes').get()).toEqual({ n: 0 });
      expect(await sessionCount(db, user.id, Date.now())).toBe(0);
    });

    out.length = 0;
    expect(await run('user', 'reset-2fa', 'owner@example.com')).toBe(0);
    expect(out).toEqual(['owner@example.com had no two-factor login; nothing changed.']);
  });

  it('names an unknown user and a missing address', async () => {
    expect(await run('user', 'reset-2fa', 'nobody@example.com')).toBe(1);
    expect(err.join('\n')).toContain('no user nobody@example.com');
    err.length = 0;
    expect(await run('user', 'reset-2fa')).not.toBe(0);
    expect(err.join('\n')).toContain('missing e-mail address');
  });
});
