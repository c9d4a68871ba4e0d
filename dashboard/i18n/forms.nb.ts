/** Bokmålstekster for hjelpere i skjemaene: tidssonevelgeren, passordregelen, lesernes nettsteder. */
import type { forms as English } from './forms.en.ts';

export const forms: Record<keyof typeof English, string> = {
  'tz.placeholder': 'Skriv en by eller region, f.eks. Europe/Oslo',
  'tz.browser': 'Nettleserens tidssone: {zone} ({offset})',
  'tz.useBrowser': 'Bruk den',
  'tz.now': 'Klokken er {time} der nå, {offset}.',
  'tz.required': 'Velg tidssonen rapportene teller døgn i.',
  'tz.unknown': '«{zone}» er ikke en tidssone Teller kjenner: velg en fra listen (et IANA-navn som Europe/Oslo).',
};
