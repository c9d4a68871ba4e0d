/** Which goal names of a view's filters the site no longer has (site-view/stale-goal-filter.ts). */
import { describe, expect, it } from 'vitest';
import { splitStaleGoals } from '../../dashboard/site-view/stale-goal-filter.ts';

describe('splitStaleGoals', () => {
  const page = { op: 'is' as const, dimension: 'event:page', values: ['/old'] };
  it('leaves out names the site has no goal of, dropping a filter left with none', () => {
    expect(splitStaleGoals([page, { op: 'is', dimension: 'event:goal', values: ['Old'] }], ['Signup'])).toEqual({ applied: [page], stale: ['Old'] });
    expect(splitStaleGoals([{ op: 'is_not', dimension: 'event:goal', values: ['Signup', 'Gone'] }], ['Signup'])).toEqual({
      applied: [{ op: 'is_not', dimension: 'event:goal', values: ['Signup'] }],
      stale: ['Gone'],
    });
  });
  it('compares names exactly, as the Stats API does, and keeps "contains" (which may match none)', () => {
    expect(splitStaleGoals([{ op: 'is', dimension: 'event:goal', values: ['signup'] }], ['Signup']).stale).toEqual(['signup']);
    const contains = { op: 'contains' as const, dimension: 'event:goal', values: ['zzz'] };
    expect(splitStaleGoals([contains], ['Signup'])).toEqual({ applied: [contains], stale: [] });
  });
});
