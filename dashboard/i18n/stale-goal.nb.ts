/** Bokmål: the same keys as stale-goal.en.ts. */
import type { staleGoal as English } from './stale-goal.en.ts';

export const staleGoal: Record<keyof typeof English, string> = {
  'sv.goal.stale': 'Målet «{name}» finnes ikke lenger: filteret er ikke brukt',
  'sv.goal.staleRemove': 'Fjern filteret på målet «{name}», som ikke finnes lenger',
};
