/**
 * Goal definitions (goals/goals.ts) on a real migrated SQLite store: validation naming the
 * field, find-or-create, unique names, rename, delete, reorder, and the SQL condition the
 * query side uses agreeing with the pure `goalMatchesEvent` over random events.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addGoal,
  type GoalDefinition,
  goalEventCondition,
  GoalError,
  goalMatchesEvent,
  listGoals,
  parseGoal,
  removeGoal,
  renameGoal,
  reorderGoals,
} from '../../server/core/goals/goals.ts';
import { addSite, insertVisitWithEvents, openTestStore, type TestStore } from './query/store.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
let store: TestStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

const problem = (input: Parameters<typeof parseGoal>[0]) => {
  try {
    parseGoal(input);
    return null;
  } catch (e) {
    if (e instanceof GoalError) return e.message;
    throw e;
  }
};

describe('parseGoal', () => {
  it('checks a page goal as Plausible does: trimmed, leading slash, default name', () => {
    expect(parseGoal({ kind: 'page', pagePath: ' blog/* ' })).toEqual({ kind: 'page', pagePath: '/blog/*', displayName: 'Visit /blog/*' });
    expect(parseGoal({ kind: 'page', pagePath: '/x', displayName: ' Pricing ' }).displayName).toBe('Pricing');
  });

  it('checks an event goal with one property and a currency', () => {
    expect(parseGoal({ kind: 'event', eventName: 'Signup', prop: { plan: 'pro' }, currency: 'eur' })).toEqual({
      kind: 'event',
      eventName: 'Signup',
      prop: { key: 'plan', value: 'pro' },
      currency: 'EUR',
      displayName: 'Signup (plan: pro)',
    });
    expect(parseGoal({ kind: 'event', eventName: 'Signup', prop: {} })).toMatchObject({ prop: null, currency: null, displayName: 'Signup' });
    expect(parseGoal({ kind: 'event', eventName: 'Signup', pagePath: '', currency: '' })).toMatchObject({ eventName: 'Signup', currency: null });
  });

  it.each([
    [{}, 'goal_type: must be page or event'],
    [{ kind: 'scroll' }, 'goal_type: must be page or event'],
    [{ kind: 'page' }, 'page_path: is required'],
    [{ kind: 'page', pagePath: '  ' }, 'page_path: is required'],
    [{ kind: 'page', pagePath: 5 }, 'page_path: must be a string'],
    [{ kind: 'page', pagePath: '/a', eventName: 'x' }, 'event_name: only for an event goal'],
    [{ kind: 'page', pagePath: '/a', currency: 'EUR' }, 'currency: only for an event goal'],
    [{ kind: 'event' }, 'event_name: is required'],
    [{ kind: 'event', eventName: 'x'.repeat(121) }, 'event_name: at most 120'],
    [{ kind: 'event', eventName: 'pageview' }, 'event_name: "pageview" is not a custom event; make a page goal'],
    [{ kind: 'event', eventName: 'engagement' }, 'event_name: "engagement" is not a custom event'],
    [{ kind: 'event', eventName: 'S', pagePath: '/a' }, 'page_path: only for a page goal'],
    [{ kind: 'event', eventName: 'S', prop: { a: '1', b: '2' } }, 'custom_props: at most one property'],
    [{ kind: 'event', eventName: 'S', prop: { a: 1 } }, 'custom_props: the value of a must be a string'],
    [{ kind: 'event', eventName: 'S', prop: { a: '' } }, 'custom_props: a property value is 1 to 2000'],
    [{ kind: 'event', eventName: 'S', prop: ['a'] }, 'custom_props: must be an object'],
    [{ kind: 'event', eventName: 'S', currency: 'EURO' }, 'currency: an ISO 4217 currency code'],
    [{ kind: 'event', eventName: 'S', displayName: 'x'.repeat(121) }, 'display_name: at most 120'],
  ])('%j is refused naming the field', (input, message) => {
    expect(problem(input)).toContain(message);
  });

  it('refuses NUL, which SQL text cannot hold, and a goal stored with one before never matches', () => {
    expect(() => parseGoal({ kind: 'page', pagePath: '/a\u0000' })).toThrow('page_path: must not contain a NUL character');
    expect(() => parseGoal({ kind: 'event', eventName: 'A', prop: { k: 'v\u0000' } })).toThrow('custom_props: must not contain a NUL character');
    expect(goalEventCondition({ kind: 'event', eventName: 'A\u0000', prop: null, currency: null, displayName: 'A' }).sql).toBe('FALSE');
  });

  it('names the fields as the CLI calls them when asked', () => {
    const names = { kind: 'goal type', pagePath: '--page', eventName: '--event', prop: '--prop', currency: '--currency', displayName: '--name' };
    expect(() => parseGoal({ kind: 'event', eventName: 'S', currency: 'E' }, names)).toThrow('--currency: an ISO 4217');
  });
});

describe('stored goals', () => {
  async function site() {
    store = openTestStore();
    return { db: store.db, siteId: (await addSite(store.db, 'goals.example')).id, otherId: (await addSite(store.db, 'other.example')).id };
  }

  it('finds or creates, in order of creation, per site', async () => {
    const { db, siteId, otherId } = await site();
    const signup = await addGoal(db, siteId, parseGoal({ kind: 'event', eventName: 'Signup' }), NOW);
    expect(signup.created).toBe(true);
    const page = await addGoal(db, siteId, parseGoal({ kind: 'page', pagePath: '/thanks' }), NOW);
    const again = await addGoal(db, siteId, parseGoal({ kind: 'event', eventName: 'Signup', displayName: 'Other name', currency: 'NOK' }), NOW);
    expect(again).toEqual({ goal: signup.goal, created: false });
    const pro = await addGoal(db, siteId, parseGoal({ kind: 'event', eventName: 'Signup', prop: { plan: 'pro' } }), NOW);
    expect(pro.created).toBe(true);
    expect((await listGoals(db, siteId)).map((g) => [g.displayName, g.position])).toEqual([
      ['Signup', 0],
      ['Visit /thanks', 1],
      ['Signup (plan: pro)', 2],
    ]);
    expect(page.goal).toMatchObject({ kind: 'page', pagePath: '/thanks', siteId });
    expect((await addGoal(db, otherId, parseGoal({ kind: 'event', eventName: 'Signup' }), NOW)).goal.position).toBe(0);
    expect(await listGoals(db, otherId)).toHaveLength(1);
  });

  it('refuses a display name another goal of the site has', async () => {
    const { db, siteId, otherId } = await site();
    await addGoal(db, siteId, parseGoal({ kind: 'event', eventName: 'Signup' }), NOW);
    await expect(addGoal(db, siteId, parseGoal({ kind: 'page', pagePath: '/s', displayName: 'Signup' }), NOW)).rejects.toThrow('display_name: another goal');
    expect((await addGoal(db, otherId, parseGoal({ kind: 'page', pagePath: '/s', displayName: 'Signup' }), NOW)).created).toBe(true);
  });

  it('renames, deletes and reorders only the site\'s own goals', async () => {
    const { db, siteId, otherId } = await site();
    const a = (await addGoal(db, siteId, parseGoal({ kind: 'event', eventName: 'A' }), NOW)).goal;
    const b = (await addGoal(db, siteId, parseGoal({ kind: 'event', eventName: 'B' }), NOW)).goal;
    const c = (await addGoal(db, siteId, parseGoal({ kind: 'page', pagePath: '/c' }), NOW)).goal;
    expect(await renameGoal(db, siteId, a.id, ' First ')).toBe(true);
    expect(await renameGoal(db, siteId, a.id, 'First')).toBe(true);
    await expect(renameGoal(db, siteId, a.id, 'B')).rejects.toThrow('display_name: another goal of this site is called "B"');
    await expect(renameGoal(db, siteId, a.id, ' ')).rejects.toThrow('display_name: cannot be blank');
    expect(await renameGoal(db, otherId, a.id, 'Nope')).toBe(false);
    expect((await reorderGoals(db, siteId, [c.id, a.id, b.id])).map((g) => g.displayName)).toEqual(['Visit /c', 'First', 'B']);
    await expect(reorderGoals(db, siteId, [c.id, a.id])).rejects.toThrow('goal_ids: name each of the site\'s 3 goals once');
    await expect(reorderGoals(db, siteId, [c.id, a.id, a.id])).rejects.toThrow(GoalError);
    expect(await removeGoal(db, otherId, b.id)).toBe(false);
    expect(await removeGoal(db, siteId, b.id)).toBe(true);
    expect(await removeGoal(db, siteId, b.id)).toBe(false);
    expect((await listGoals(db, siteId)).map((g) => g.id)).toEqual([c.id, a.id]);
    const d = (await addGoal(db, siteId, parseGoal({ kind: 'event', eventName: 'D' }), NOW)).goal;
    expect((await listGoals(db, siteId)).at(-1)!.id).toBe(d.id);
  });
});

describe('goalEventCondition', () => {
  it('selects exactly the events goalMatchesEvent accepts', async () => {
    store = openTestStore();
    const { db } = store;
    const siteId = (await addSite(db, 'match.example')).id;
    const name = fc.constantFrom('pageview', 'Signup', 'Download');
    const path = fc.constantFrom('/', '/blog', '/blog/a', '/blog/a/b', '/p?x=[1]', '/thanks');
    const props = fc.dictionary(fc.constantFrom('plan', 'tier'), fc.constantFrom('pro', 'free'), { maxKeys: 2 });
    const event = fc.record({ name, path, props });
    const goal: fc.Arbitrary<GoalDefinition> = fc.oneof(
      fc.constantFrom('/blog/*', '/blog', '/*', '/p?x=[1]', '/b**a').map((pagePath) => parseGoal({ kind: 'page', pagePath })),
      fc.record({ eventName: fc.constantFrom('Signup', 'Download'), prop: fc.option(props.filter((p) => Object.keys(p).length === 1), { nil: undefined }) }).map((g) => parseGoal({ kind: 'event', ...g })),
    );
    let visitor = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 8 }), goal, async (events, g) => {
        db.raw.prepare('DELETE FROM event_props').run();
        db.raw.prepare('DELETE FROM events').run();
        insertVisitWithEvents(db, siteId, { visitor: ++visitor, country: 'NO' }, events.map((e, i) => ({ ...e, ts: 1_700_000_000 + i })));
        const stored = db.raw.prepare('SELECT id, name, path FROM events ORDER BY ts').all() as Array<{ id: number; name: string; path: string }>;
        const expected = stored.filter((_, i) => goalMatchesEvent(g, { name: events[i]!.name, path: events[i]!.path, props: Object.entries(events[i]!.props) })).map((e) => e.id);
        const condition = goalEventCondition(g);
        const rows = await db.all<{ id: number }>(`SELECT e.id FROM events e WHERE ${condition.sql} ORDER BY e.ts`, condition.params);
        expect(rows.map((r) => r.id)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
