/** Bokmål: the same key as goal-filter.en.ts. */
import type { goalFilter as English } from './goal-filter.en.ts';

export const goalFilter: Record<keyof typeof English, string> = { 'sv.dim.event:goal': 'Mål' };
