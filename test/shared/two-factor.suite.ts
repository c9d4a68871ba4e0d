/**
 * Two-factor login over HTTP, the same on every runtime: enrolment from the account page,
 * the code asked after the password (a pending login, no session, until it is given), one
 * step of clock skew either way accepted and two refused, replay refused, recovery codes
 * single-use, throttling apart from passwords, turning it off, the owner's requirement
 * (enrolment straight after the password) and the owner's reset of a viewer's.
 * Codes are computed with otpauth (codeAt) from the secret the server hands out, at the
 * test's clock: the server's is the same machine's, and `clearOfStepEdge` keeps each check
 * inside one 30-second step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAt } from '../../server/core/auth/totp.ts';
import { createUser } from '../../server/core/users.ts';
import { type ApiTarget, type StartTarget, type Visitor } from './target.ts';

const OWNER = { email: 'owner@two-factor.example', password: 'correct horse battery' };
const VIEWER = { email: 'client@two-factor.example', password: 'viewer password 1' };
const STEP_MS = 30_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** Cookies as a browser keeps them for the server: name → value, removed when the server clears one. */
type Jar = Map<string, string>;

/** Leaves at least 8 s before the current 30-second step ends, waiting for the next step if needed. */
export async function clearOfStepEdge(): Promise<void> {
  const left = STEP_MS - (Date.now() % STEP_MS);
  if (left < 8_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

export function describeTwoFactor(runtime: string, start: StartTarget): void {
  describe(`Two-factor login on ${runtime}`, () => {
    let target: ApiTarget;
    let viewerId: number;
    let ownerSecret = '';
    let ownerCodes: string[] = [];
    let viewerCodes: string[] = [];

    const call = async (method: string, path: string, jar: Jar | null, json?: unknown, init: { visitor?: Visitor; origin?: string | null } = {}): Promise<Answer> => {
      const headers: Record<string, string> = {};
      if (method !== 'GET' && init.origin !== null) headers.origin = init.origin ?? target.origin;
      if (jar && jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      if (json !== undefined) headers['content-type'] = 'application/json';
      const res = await target.request(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) }, init.visitor);
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const [name, value] = pair!.split('=') as [string, string];
        if (jar) {
          if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
          else jar.set(name, value);
        }
      }
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { text };
      }
      return { status: res.status, body, headers: res.headers };
    };
    const hasSession = (jar: Jar) => [...jar.keys()].some((k) => k.endsWith('teller_session'));
    const hasPending = (jar: Jar) => [...jar.keys()].some((k) => k.endsWith('teller_pending'));
    const login = async (who: { email: string; password: string }, visitor?: Visitor): Promise<{ jar: Jar; answer: Answer }> => {
      const jar: Jar = new Map();
      return { jar, answer: await call('POST', '/api/dashboard/login', jar, who, { visitor }) };
    };
    /** Password then code; the jar then holds a session. */
    const loginWithCode = async (who: { email: string; password: string }, code: () => string, visitor?: Visitor) => {
      const { jar, answer } = await login(who, visitor);
      expect(answer.body).toEqual({ state: 'two-factor', email: who.email });
      return { jar, answer: await call('POST', '/api/dashboard/login/code', jar, { code: code() }, { visitor }) };
    };

    beforeAll(async () => {
      target = await start();
      await target.addSite('two-factor.example');
      await createUser(target.db, OWNER.email, OWNER.password, Date.now(), 'owner');
      viewerId = await createUser(target.db, VIEWER.email, VIEWER.password, Date.now(), 'viewer');
      await target.execute('INSERT INTO user_sites (user_id, site_id) SELECT ?, id FROM sites', [viewerId]);
    });
    afterAll(() => target?.close());

    it('enrols from the account page: QR code, manual key and address; on only after a right code, with ten recovery codes', async () => {
      const { jar, answer } = await login(OWNER);
      expect(answer.body).toMatchObject({ state: 'in' });
      expect((await call('GET', '/api/dashboard/account/two-factor', jar)).body).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0, required: false });
      // The owner cannot require what they do not have themselves.
      const early = await call('PUT', '/api/dashboard/two-factor-policy', jar, { required: true });
      expect(early.status).toBe(409);
      expect(early.body.error).toMatch(/^required: /);

      const started = await call('POST', '/api/dashboard/account/two-factor/start', jar);
      expect(started.status).toBe(200);
      ownerSecret = started.body.secret as string;
      expect(ownerSecret).toMatch(/^[A-Z2-7]{32}$/);
      expect((started.body.manualKey as string).replace(/ /g, '')).toBe(ownerSecret);
      const uri = new URL(started.body.uri as string);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.searchParams.get('secret')).toBe(ownerSecret);
      expect(uri.searchParams.get('issuer')).toBe(`Teller (${new URL(target.origin).host})`);
      expect(started.body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);

      const wrong = await call('POST', '/api/dashboard/account/two-factor/confirm', jar, { code: codeAt(ownerSecret, Date.now() - 3 * STEP_MS) });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toMatch(/^code: wrong code/);
      expect((await call('GET', '/api/dashboard/account/two-factor', jar)).body).toMatchObject({ enabled: false });

      await clearOfStepEdge();
      const confirmed = await call('POST', '/api/dashboard/account/two-factor/confirm', jar, { code: codeAt(ownerSecret, Date.now()) });
      expect(confirmed.status).toBe(200);
      ownerCodes = confirmed.body.recoveryCodes as string[];
      expect(ownerCodes).toHaveLength(10);
      expect(confirmed.body.session).toBeUndefined();
      expect((await call('GET', '/api/dashboard/account/two-factor', jar)).body).toMatchObject({ enabled: true, recoveryCodesLeft: 10, required: false });
      // On: starting again is refused, so a stolen session cannot move it to another phone.
      expect((await call('POST', '/api/dashboard/account/two-factor/start', jar)).status).toBe(409);
      // Only hashes are stored.
      const stored = JSON.stringify(await target.query('SELECT * FROM recovery_codes'));
      for (const code of ownerCodes) expect(stored).not.toContain(code.replace(/-/g, ''));
      // The same code right after confirming is a replay (its step is used).
      await call('POST', '/api/dashboard/logout', jar);
      const replay = await loginWithCode(OWNER, () => codeAt(ownerSecret, Date.now()));
      expect(replay.answer.status).toBe(401);
      expect(replay.answer.body.error).toMatch(/^code: this code was used already/);
    });

    it('asks for the code after the password: a pending login reads nothing, and the code gives the session', async () => {
      await target.execute('UPDATE two_factor SET last_step = 0');
      const { jar, answer } = await login(OWNER);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ state: 'two-factor', email: OWNER.email });
      expect(hasSession(jar)).toBe(false);
      expect(hasPending(jar)).toBe(true);
      const line = answer.headers.getSetCookie().find((l) => /teller_pending=/.test(l))!;
      expect(line).toMatch(/; HttpOnly/i);
      expect(line).toMatch(/; SameSite=Lax/i);
      expect(line).toMatch(/; Max-Age=600/i);
      expect((await call('GET', '/api/dashboard/session', jar)).body).toEqual({ state: 'two-factor', email: OWNER.email });
      for (const path of ['/api/dashboard/sites', '/api/dashboard/account', '/api/dashboard/users', '/api/dashboard/account/two-factor']) {
        expect((await call('GET', path, jar)).status, path).toBe(401);
      }
      expect((await call('POST', '/api/dashboard/account/two-factor/start', jar)).status).toBe(401);
      // A foreign page cannot submit the code for this browser.
      expect((await call('POST', '/api/dashboard/login/code', jar, { code: '123456' }, { origin: 'https://evil.example' })).status).toBe(403);
      expect((await call('POST', '/api/dashboard/login/code', jar, {})).status).toBe(400);

      const pendingBefore = (await target.query<{ n: number }>('SELECT count(*) AS n FROM login_pending'))[0]!.n;
      await clearOfStepEdge();
      const done = await call('POST', '/api/dashboard/login/code', jar, { code: codeAt(ownerSecret, Date.now()) });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ state: 'in', user: { email: OWNER.email, role: 'owner' } });
      expect(hasSession(jar)).toBe(true);
      expect(hasPending(jar)).toBe(false);
      expect((await call('GET', '/api/dashboard/sites', jar)).status).toBe(200);
      // The pending login is spent.
      expect((await target.query<{ n: number }>('SELECT count(*) AS n FROM login_pending'))[0]!.n).toBe(pendingBefore - 1);
    });

    it('accepts a code one step off either way, refuses two steps off, and refuses a replay', async () => {
      for (const offset of [-2, 2]) {
        await clearOfStepEdge();
        const refused = await loginWithCode(OWNER, () => codeAt(ownerSecret, Date.now() + offset * STEP_MS));
        expect(refused.answer.status, `step ${offset}`).toBe(401);
        expect(refused.answer.body.error).toBe('code: wrong code');
      }
      for (const offset of [-1, 1]) {
        await target.execute('UPDATE two_factor SET last_step = 0');
        await clearOfStepEdge();
        const accepted = await loginWithCode(OWNER, () => codeAt(ownerSecret, Date.now() + offset * STEP_MS));
        expect(accepted.answer.status, `step ${offset}`).toBe(200);
      }
      // After the +1 step's code, the current step's code is older than the last one accepted.
      await clearOfStepEdge();
      const replay = await loginWithCode(OWNER, () => codeAt(ownerSecret, Date.now()));
      expect(replay.answer.status).toBe(401);
      expect(replay.answer.body.error).toMatch(/^code: this code was used already/);
    });

    it('takes a recovery code instead of the code, once', async () => {
      const first = await loginWithCode(OWNER, () => ownerCodes[0]!.toUpperCase());
      expect(first.answer.status).toBe(200);
      expect(first.answer.body).toMatchObject({ state: 'in' });
      expect((await call('GET', '/api/dashboard/account/two-factor', first.jar)).body).toMatchObject({ recoveryCodesLeft: 9 });
      const again = await loginWithCode(OWNER, () => ownerCodes[0]!);
      expect(again.answer.status).toBe(401);
      expect(again.answer.body.error).toBe('code: wrong code');
    });

    it('forgets a pending login after ten minutes', async () => {
      const { jar } = await login(OWNER);
      await target.execute('UPDATE login_pending SET created_at = created_at - 600');
      expect((await call('GET', '/api/dashboard/session', jar)).body).toEqual({ state: 'login' });
      const late = await call('POST', '/api/dashboard/login/code', jar, { code: ownerCodes[1]! });
      expect(late.status).toBe(401);
      expect(late.body.error).toMatch(/^login: /);
      expect(hasPending(jar)).toBe(false);
    });

    it('throttles wrong codes apart from passwords: logging in again does not buy more guesses', async () => {
      const guesser: Visitor = { ip: '198.51.100.20', country: 'XX' };
      const { jar } = await login(OWNER, guesser);
      const wrongCode = (i: number) => String((Number(codeAt(ownerSecret, Date.now())) + 500_000 + i * 7) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 5; i++) expect((await call('POST', '/api/dashboard/login/code', jar, { code: wrongCode(i) }, { visitor: guesser })).status).toBe(401);
      const sixth = await call('POST', '/api/dashboard/login/code', jar, { code: wrongCode(5) }, { visitor: guesser });
      expect(sixth.status).toBe(429);
      expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
      // The right password again does not reset the count of codes.
      const { jar: again } = await login(OWNER, guesser);
      const held = await call('POST', '/api/dashboard/login/code', again, { code: ownerCodes[2]! }, { visitor: guesser });
      expect(held.status).toBe(429);
      // Elsewhere the owner still gets in.
      expect((await loginWithCode(OWNER, () => ownerCodes[2]!)).answer.status).toBe(200);
    });

    it('lets the owner require two-factor login: a viewer without it enrols right after the password, before anything else', async () => {
      const owner = await loginWithCode(OWNER, () => ownerCodes[3]!);
      // A viewer logged in before it is required loses that session: it must enrol too.
      const before = await login(VIEWER);
      expect(before.answer.body).toMatchObject({ state: 'in' });
      expect((await call('GET', '/api/dashboard/sites', before.jar)).status).toBe(200);
      const policy = await call('PUT', '/api/dashboard/two-factor-policy', owner.jar, { required: true });
      expect(policy.status).toBe(200);
      expect(policy.body).toEqual({ required: true });
      expect((await call('GET', '/api/dashboard/two-factor-policy', owner.jar)).body).toEqual({ required: true });
      expect((await call('PUT', '/api/dashboard/two-factor-policy', owner.jar, { required: 'yes' })).status).toBe(400);
      expect((await call('GET', '/api/dashboard/sites', before.jar)).status).toBe(401);

      const { jar, answer } = await login(VIEWER);
      expect(answer.body).toEqual({ state: 'two-factor-enrol', email: VIEWER.email });
      expect(hasSession(jar)).toBe(false);
      expect((await call('GET', '/api/dashboard/sites', jar)).status).toBe(401);
      expect((await call('GET', '/api/dashboard/session', jar)).body).toEqual({ state: 'two-factor-enrol', email: VIEWER.email });
      // A pending enrolment is not a pending code: the code route does not take it.
      expect((await call('POST', '/api/dashboard/login/code', jar, { code: '123456' })).status).toBe(409);
      const started = await call('POST', '/api/dashboard/account/two-factor/start', jar);
      expect(started.status).toBe(200);
      const secret = started.body.secret as string;
      await clearOfStepEdge();
      const confirmed = await call('POST', '/api/dashboard/account/two-factor/confirm', jar, { code: codeAt(secret, Date.now()) });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.recoveryCodes).toHaveLength(10);
      viewerCodes = confirmed.body.recoveryCodes as string[];
      expect(confirmed.body.session).toMatchObject({ state: 'in', user: { email: VIEWER.email, role: 'viewer' } });
      expect(hasSession(jar)).toBe(true);
      expect((await call('GET', '/api/dashboard/sites', jar)).status).toBe(200);
      // Required: it cannot be turned off.
      const off = await call('POST', '/api/dashboard/account/two-factor/disable', jar, { password: VIEWER.password });
      expect(off.status).toBe(409);
      // The users list tells who has it.
      const users = (await call('GET', '/api/dashboard/users', owner.jar)).body.users as Array<{ email: string; twoFactor: boolean }>;
      expect(users.map((u) => [u.email, u.twoFactor]).sort()).toEqual([
        [VIEWER.email, true],
        [OWNER.email, true],
      ].sort());
    });

    it("lets the owner reset a viewer's two-factor login (phone and codes lost), not their own", async () => {
      const owner = await loginWithCode(OWNER, () => ownerCodes[4]!);
      // The viewer's open session ends with the reset: the lost phone may be in a stranger's hands.
      const viewer = await loginWithCode(VIEWER, () => viewerCodes[0]!);
      expect((await call('GET', '/api/dashboard/sites', viewer.jar)).status).toBe(200);
      const viewerOnly = await login(VIEWER);
      expect(viewerOnly.answer.body).toMatchObject({ state: 'two-factor' });
      expect((await call('DELETE', `/api/dashboard/users/${viewerId}/two-factor`, viewerOnly.jar)).status).toBe(401);
      const reset = await call('DELETE', `/api/dashboard/users/${viewerId}/two-factor`, owner.jar);
      expect(reset.status).toBe(200);
      expect(reset.body).toEqual({ reset: true });
      expect((await call('GET', '/api/dashboard/sites', viewer.jar)).status).toBe(401);
      expect((await call('GET', '/api/dashboard/sites', owner.jar)).status).toBe(200);
      // The viewer's pending login went with it; the next login must enrol again (still required).
      expect((await call('GET', '/api/dashboard/session', viewerOnly.jar)).body).toEqual({ state: 'login' });
      expect((await login(VIEWER)).answer.body).toEqual({ state: 'two-factor-enrol', email: VIEWER.email });
      const self = (await target.query<{ id: number }>('SELECT id FROM users WHERE email = ?', [OWNER.email]))[0]!.id;
      expect((await call('DELETE', `/api/dashboard/users/${self}/two-factor`, owner.jar)).status).toBe(400);
      expect((await call('DELETE', '/api/dashboard/users/999999/two-factor', owner.jar)).status).toBe(404);
      // Not required any more: the viewer goes straight in with the password.
      expect((await call('PUT', '/api/dashboard/two-factor-policy', owner.jar, { required: false })).body).toEqual({ required: false });
      expect((await login(VIEWER)).answer.body).toMatchObject({ state: 'in' });
    });

    it('makes new recovery codes and turns it off only with the password or a current code', async () => {
      const owner = await loginWithCode(OWNER, () => ownerCodes[5]!);
      expect((await call('POST', '/api/dashboard/account/two-factor/recovery-codes', owner.jar, {})).status).toBe(400);
      expect((await call('POST', '/api/dashboard/account/two-factor/recovery-codes', owner.jar, { password: 'not the password' })).body.error).toBe('password: wrong password');
      const fresh = await call('POST', '/api/dashboard/account/two-factor/recovery-codes', owner.jar, { password: OWNER.password });
      expect(fresh.status).toBe(200);
      const codes = fresh.body.recoveryCodes as string[];
      expect(codes).toHaveLength(10);
      expect((await loginWithCode(OWNER, () => ownerCodes[6]!)).answer.status).toBe(401);

      expect((await call('POST', '/api/dashboard/account/two-factor/disable', owner.jar, { code: '000000' === codeAt(ownerSecret, Date.now()) ? '111111' : '000000' })).status).toBe(401);
      const off = await call('POST', '/api/dashboard/account/two-factor/disable', owner.jar, { code: codes[0]! });
      expect(off.status).toBe(200);
      expect((await call('GET', '/api/dashboard/account/two-factor', owner.jar)).body).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
      expect((await login(OWNER)).answer.body).toMatchObject({ state: 'in' });
      expect(await target.query('SELECT * FROM recovery_codes WHERE user_id = (SELECT id FROM users WHERE email = ?)', [OWNER.email])).toEqual([]);
    });
  });
}
