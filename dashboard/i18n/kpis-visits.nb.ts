/** Bokmål strings of the KPI row under filters and of recent visits' page trail. */
import type { kpisVisits as English } from './kpis-visits.en.ts';

export const kpisVisits: Record<keyof typeof English, string> = {
  'sv.kpi.conversions': 'Unike konverteringer',
  'sv.kpi.events': 'Konverteringer totalt',
  'sv.kpi.conversion_rate': 'Konverteringsrate',
  'sv.kpi.conversion_rate.about': 'Unike konverteringer ÷ unike besøkende i visningen uten hendelsesfilteret',
  'sv.kpi.note.entered': 'av besøk som startet på disse sidene',
  'sv.kpi.note.whole': 'av hele besøk med hendelsen',
  'sv.visits.trail': 'Sider i rekkefølge',
  'sv.visits.trail.show': 'Sider: {n}. Vis sidene i dette besøket i rekkefølge',
  'sv.visits.trail.event': '{name} på {path}',
  'sv.visits.trail.searched': 'søkte «{words}»',
  'sv.visits.trail.more': '{n} til er ikke vist',
  'sv.visits.siteSearch': 'søk på nettstedet',
};
