/** Funnel definitions' checks and the conversion figures computed from step counts. */
import { describe, expect, it } from 'vitest';
import { FunnelError, parseFunnel, resolveSteps } from '../../server/core/funnels/funnels.ts';
import { percent, stepResults } from '../../server/core/funnels/query.ts';
import { type Goal, parseGoal } from '../../server/core/goals/goals.ts';

const goal = (id: number, input: Parameters<typeof parseGoal>[0]): Goal => ({ ...parseGoal(input), id, siteId: 1, position: id });
const GOALS = [goal(1, { kind: 'page', pagePath: '/' }), goal(2, { kind: 'event', eventName: 'Signup' }), goal(3, { kind: 'event', eventName: '42' })];

describe('funnel definitions', () => {
  it('trims the name, keeps steps as ids or names, and resolves them to the site goals in order', () => {
    const input = parseFunnel({ name: '  Sign-up ', steps: [2, ' Visit / ', '42'] });
    expect(input).toEqual({ name: 'Sign-up', steps: [2, 'Visit /', '42'] });
    // A step given as text is a display name even when it reads as a number.
    expect(resolveSteps(input, GOALS).map((g) => g.id)).toEqual([2, 1, 3]);
  });

  it('refuses, naming the field: no name, too long, too few or many steps, bad steps, unknown or repeated goals', () => {
    const refused = (input: { name?: unknown; steps?: unknown }, message: RegExp) => expect(() => resolveSteps(parseFunnel(input), GOALS)).toThrow(message);
    refused({ steps: [1, 2] }, /^name: a funnel needs a name$/);
    refused({ name: 'x'.repeat(121), steps: [1, 2] }, /^name: at most 120 characters$/);
    refused({ name: 'A', steps: [1] }, /^steps: a list of 2 to 8 goals/);
    refused({ name: 'A', steps: Array.from({ length: 9 }, (_, i) => i + 1) }, /^steps: a list of 2 to 8 goals/);
    refused({ name: 'A', steps: 'Visit /, Signup' }, /^steps: a list/);
    refused({ name: 'A', steps: [1, 1.5] }, /^steps: step 2 must be a goal's id or display name$/);
    refused({ name: 'A', steps: [1, ' '] }, /^steps: step 2 must be/);
    refused({ name: 'A', steps: [1, 99] }, /^steps: step 2 \(99\) is not a goal of this site$/);
    refused({ name: 'A', steps: [1, 'Visit /'] }, /^steps: goal "Visit \/" is named twice/);
    expect(() => parseFunnel({ name: 'A', steps: [1] })).toThrow(FunnelError);
  });
});

describe('conversion and drop-off', () => {
  it('gives each step its share of the first and of the previous step, and the drop-off', () => {
    const results = stepResults({ steps: [{ visitors: 300, visits: 320 }, { visitors: 120, visits: 121 }, { visitors: 40, visits: 40 }] });
    expect(results).toEqual([
      { visitors: 300, visits: 320, conversionRate: 100, conversionRateStep: 100, dropoff: 0, dropoffRate: 0 },
      { visitors: 120, visits: 121, conversionRate: 40, conversionRateStep: 40, dropoff: 180, dropoffRate: 60 },
      { visitors: 40, visits: 40, conversionRate: 13.33, conversionRateStep: 33.33, dropoff: 80, dropoffRate: 66.67 },
    ]);
  });

  it('reads 0 of nothing as 0, never as NaN', () => {
    expect(percent(0, 0)).toBe(0);
    expect(stepResults({ steps: [{ visitors: 0, visits: 0 }, { visitors: 0, visits: 0 }] }).map((r) => [r.conversionRate, r.conversionRateStep, r.dropoffRate])).toEqual([[0, 0, 0], [0, 0, 0]]);
  });
});
