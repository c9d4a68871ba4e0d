/** Bokmål: the same keys as funnels-edit.en.ts. */
import type { funnelsEdit as English } from './funnels-edit.en.ts';

export const funnelsEdit: Record<keyof typeof English, string> = {
  'funnels.edit': 'Endre denne trakten',
  'funnels.edit.title': 'Endre «{name}»',
  'funnels.edit.up': 'Flytt steg {n} opp',
  'funnels.edit.down': 'Flytt steg {n} ned',
  'funnels.edit.remove': 'Fjern steg {n}',
  'funnels.edit.removeShort': 'Fjern',
  'funnels.edit.save': 'Lagre endringene',
  'funnels.edit.saved': 'Trakten er endret',
  'funnels.edit.cancel': 'Avbryt',
};
