/** Bokmål strings of the settings' visitor-location section: the same keys as settings-location.en.ts. */
import type { settingsLocation as English } from './settings-location.en.ts';

export const settingsLocation: Record<keyof typeof English, string> = {
  'settings.location.title': 'Besøkendes sted',
  'settings.location.intro':
    'Hvor de besøkende er, slås opp fra IP-adressen deres når besøket kommer inn; selve adressen lagres ikke for dette. Velg hvor nøyaktig stedet lagres med hvert besøk. Personvernteksten sier hva som lagres.',
  'settings.location.label': 'Lagre',
  'settings.location.country': 'Bare land',
  'settings.location.region': 'Land og region (fylke eller delstat)',
  'settings.location.city': 'Land, region og by',
  'settings.location.hint': 'Gjelder besøk fra nå av; besøk som alt er lagret, beholder det de har.',
};
