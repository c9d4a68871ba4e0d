/** `teller funnel`: add, list, show (counted) and remove a site's funnels in a real database file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/node/cli.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';
import { insertVisitWithEvents } from '../core/query/store.ts';

describe('teller funnel', () => {
  let dir: string;
  let env: Record<string, string | undefined>;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'teller-cli-funnel-'));
    env = { TELLER_DB: join(dir, 'teller.db') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (...argv: string[]) => {
    out = [];
    err = [];
    return runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), prompt: async () => null, env });
  };
  const at = (time: string) => Date.parse(`2024-05-10T${time}Z`) / 1000;

  async function siteWithGoals(): Promise<void> {
    expect(await run('site', 'add', 'example.com')).toBe(0);
    expect(await run('goal', 'add', '--site', 'example.com', '--page', '/pricing')).toBe(0);
    expect(await run('goal', 'add', '--site', 'example.com', '--event', 'Signup')).toBe(0);
    expect(await run('goal', 'add', '--site', 'example.com', '--event', 'Purchase')).toBe(0);
  }

  it('adds a funnel by goal names and ids, changes its steps, lists and removes it', async () => {
    await siteWithGoals();
    expect(await run('funnel', 'add', '--site', 'example.com', '--name', 'Checkout', 'Visit /pricing', 'Signup')).toBe(0);
    expect(out).toEqual([expect.stringMatching(/^Added funnel \d+ "Checkout" to example\.com: Visit \/pricing → Signup\.$/)]);
    const id = /funnel (\d+)/.exec(out[0]!)![1]!;
    expect(await run('funnel', 'add', '--site', 'example.com', '--name', 'Checkout', 'Visit /pricing', 'Signup', 'Purchase')).toBe(0);
    expect(out[0]).toBe(`Changed the steps of funnel ${id} "Checkout" to example.com: Visit /pricing → Signup → Purchase.`);
    expect(await run('funnel', 'list', '--site', 'example.com')).toBe(0);
    expect(out).toEqual([`${id}\tCheckout\tVisit /pricing → Signup → Purchase`]);

    // A goal that is a step is not deleted.
    expect(await run('goal', 'list', '--site', 'example.com')).toBe(0);
    const signup = out.find((l) => l.includes('\tSignup\t'))!.split('\t')[0]!;
    expect(await run('goal', 'remove', '--site', 'example.com', signup)).toBe(1);
    expect(err.join('\n')).toContain(`goal ${signup} is a step of the funnel "Checkout"`);

    expect(await run('funnel', 'remove', '--site', 'example.com', id)).toBe(0);
    expect(out).toEqual([`Removed funnel ${id} from example.com.`]);
    expect(await run('funnel', 'list', '--site', 'example.com')).toBe(0);
    expect(out[0]).toContain('has no funnels');
    expect(await run('goal', 'remove', '--site', 'example.com', signup)).toBe(0);
  });

  it('refuses bad funnels and unknown ones clearly', async () => {
    await siteWithGoals();
    expect(await run('funnel', 'add', '--site', 'example.com', 'Signup', 'Purchase')).toBe(2);
    expect(err.join('\n')).toContain('--name: a funnel needs a name');
    expect(await run('funnel', 'add', '--site', 'example.com', '--name', 'One', 'Signup')).toBe(2);
    expect(err.join('\n')).toContain('goals: a list of 2 to 8 goals');
    expect(await run('funnel', 'add', '--site', 'example.com', '--name', 'X', 'Signup', 'Nope')).toBe(1);
    expect(err.join('\n')).toContain('goals: step 2 ("Nope") is not a goal of this site');
    expect(await run('funnel', 'show', '--site', 'example.com', '42')).toBe(1);
    expect(await run('funnel', 'remove', '--site', 'example.com', 'abc')).toBe(2);
    expect(await run('funnel', 'rename', '--site', 'example.com')).toBe(2);
    expect(await run('funnel', 'list', '--site', 'nowhere.example')).toBe(1);
  });

  it('shows the counts per step over a period', async () => {
    await siteWithGoals();
    expect(await run('funnel', 'add', '--site', 'example.com', '--name', 'Checkout', 'Visit /pricing', 'Signup', 'Purchase')).toBe(0);
    const id = /funnel (\d+)/.exec(out[0]!)![1]!;
    const db = openSqlite(env.TELLER_DB!);
    try {
      const site = (db.raw.prepare('SELECT id FROM sites').get() as { id: number }).id;
      insertVisitWithEvents(db, site, { visitor: 1 }, [{ ts: at('10:00:00'), path: '/pricing' }, { ts: at('10:01:00'), name: 'Signup', path: '/' }, { ts: at('10:02:00'), name: 'Purchase', path: '/' }]);
      insertVisitWithEvents(db, site, { visitor: 2 }, [{ ts: at('11:00:00'), path: '/pricing' }, { ts: at('11:01:00'), name: 'Signup', path: '/' }]);
      insertVisitWithEvents(db, site, { visitor: 3 }, [{ ts: at('12:00:00'), path: '/pricing' }]);
      insertVisitWithEvents(db, site, { visitor: 4 }, [{ ts: at('13:00:00'), path: '/' }]);
    } finally {
      db.close();
    }
    expect(await run('funnel', 'show', '--site', 'example.com', id, '--period', '2024-05-01,2024-05-31')).toBe(0);
    expect(out).toEqual([
      'Checkout, 2024-05-01 to 2024-05-31',
      'step\tvisitors\tof first\tof previous\tdropped\tgoal',
      '1\t3\t100%\t100%\t0\tVisit /pricing',
      '2\t2\t66.67%\t66.67%\t1\tSignup',
      '3\t1\t33.33%\t50%\t1\tPurchase',
    ]);
    expect(await run('funnel', 'show', '--site', 'example.com', id, '--period', 'fortnight')).toBe(2);
    expect(err.join('\n')).toContain('--period: ');
  });
});
