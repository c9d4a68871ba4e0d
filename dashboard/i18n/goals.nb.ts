/** Bokmål strings of the site view's Goals panel: the same keys as goals.en.ts. */
import type { goals as English } from './goals.en.ts';

export const goals: Record<keyof typeof English, string> = {
  'sv.panel.goals': 'Mål',
  'sv.goals.col.visitors': 'Unike',
  'sv.goals.col.events': 'Totalt',
  'sv.goals.col.conversion_rate': 'KR',
  'sv.goals.col.total_revenue': 'Inntekt',
  'sv.goals.cols': 'Unike: besøkende som konverterte. Totalt: konverteringene. KR: konverteringsrate, andelen av visningens besøkende som konverterte.',
  'sv.goals.empty.title': 'Ingen mål ennå',
  'sv.goals.empty.body': 'Et mål teller de besøkende som gjorde det nettstedet er til for (meldte seg på, kjøpte, nådde takkesiden) og konverteringsraten deres, over hele historikken.',
  'sv.goals.empty.events': 'Legg til ett med ett klikk fra hendelsene nettstedet ditt sender:',
  'sv.goals.empty.noEvents': 'Nettstedet ditt sender ingen egendefinerte hendelser ennå: begynn med et sidemål, for eksempel takkesiden din.',
  'sv.goals.empty.settings': 'Alle typer mål i innstillingene',
  'sv.goals.empty.viewer': 'Eieren av nettstedet legger til mål i innstillingene for nettstedet.',
  'sv.goals.add': 'Legg til {name} som mål',
  'sv.goals.none': 'Ingen konverteringer i denne perioden.',
  'sv.goals.otherCurrencies': 'Ikke med i inntekten: {amounts}, sendt i en annen valuta enn målets (Teller regner ikke om valuta).',
};
