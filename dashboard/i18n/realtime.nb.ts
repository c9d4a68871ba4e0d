/** Bokmål strings of the realtime view (same keys as realtime.en.ts). */
import type { realtime as English } from './realtime.en.ts';

export const realtime: Record<keyof typeof English, string> = {
  'rt.title': 'Sanntid',
  'rt.open': 'Åpne sanntidsvisningen',
  'rt.back': 'Tilbake til oversikten',
  'rt.now': 'Besøkende nå (siste 5 minutter)',
  'rt.visitors': 'Besøkende (siste 30 minutter)',
  'rt.pageviews': 'Sidevisninger (siste 30 minutter)',
  'rt.pages': 'Sider (siste 30 minutter)',
  'rt.sources': 'Kilder (siste 30 minutter)',
  'rt.none': 'Ingenting de siste 30 minuttene.',
  'rt.updated': 'Oppdateres av seg selv hvert {seconds}. sekund. Sist oppdatert {time}.',
};
