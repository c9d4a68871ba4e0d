/** Bokmål: the same key as goal-filter.en.ts. */
import type { goalFilter as English } from './goal-filter.en.ts';

export const goalFilter: Record<keyof typeof English, string> = {
  'sv.dim.event:goal': 'Mål',
  'sv.goal.stale': 'Målet «{name}» finnes ikke lenger: filteret er ikke brukt',
  'sv.goal.staleRemove': 'Fjern filteret på målet «{name}», som ikke finnes lenger',
};
