/** Tom tilstand for et nettsted uten besøk ennå: eierens kodebit, eller en skrivebeskyttet visnings merknad. */
import type { emptySite as English } from './empty-site.en.ts';

export const emptySite: Record<keyof typeof English, string> = {
  'sv.empty.title': 'Venter på det første besøket',
  'sv.empty.text': 'Legg denne linjen i <head> på hver side av {domain}. Besøkene vises her noen sekunder etter den første sidevisningen.',
  'sv.empty.copy': 'Kopier kodebiten',
  'sv.empty.copied': 'Kopiert',
  'sv.noVisits.title': 'Ingen besøk ennå',
  'sv.noVisits.text': 'Besøkene vises her når noen har besøkt {domain}.',
};
