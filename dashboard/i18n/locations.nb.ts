/** Bokmål for locations.en.ts. */
import type { locations as English } from './locations.en.ts';

export const locations: Record<keyof typeof English, string> = {
  'sv.tab.regions': 'Regioner',
  'sv.tab.cities': 'Byer',
  'sv.dim.visit:region': 'Region',
  'sv.dim.visit:region_name': 'Regionnavn',
  'sv.dim.visit:city_name': 'By',
  'sv.loc.regions.empty': 'Ingen kjent region for disse besøkene',
  'sv.loc.cities.empty': 'Ingen kjent by for disse besøkene',
  'sv.loc.countryOnly': 'Dette nettstedet lagrer bare landet for hvert besøk, så det er ingen regioner eller byer å vise.',
  'sv.loc.regionOnly': 'Dette nettstedet lagrer sted ned til regionen, ikke byen.',
  'sv.loc.settings': 'Endre hva som lagres i innstillingene for nettstedet',
  'sv.map.world': 'Verden',
  'sv.map.worldHint': 'Fjern landfilteret og vis hele verden',
};
