/** Bokmålstekster for hjelpere i skjemaene: tidssonevelgeren, passordregelen, lesernes nettsteder. */
import type { forms as English } from './forms.en.ts';

export const forms: Record<keyof typeof English, string> = {
  'tz.placeholder': 'By eller region, f.eks. Europe/Oslo',
  'tz.browser': 'Nettleserens tidssone: {zone} ({offset})',
  'tz.useBrowser': 'Bruk den',
  'tz.now': 'Klokken er {time} der nå, {offset}.',
  'tz.required': 'Velg tidssonen rapportene teller døgn i.',
  'tz.unknown': '«{zone}» er ikke en tidssone Teller kjenner: velg en fra listen (et IANA-navn som Europe/Oslo).',
  'password.rule': 'Minst {n} tegn. Noen ord som ikke hører sammen, gir et sterkt passord som er lett å huske.',
  'password.left': 'Minst {n} tegn: {left} til.',
  'password.tooShort': 'For kort: et passord må ha minst {n} tegn.',
  'field.emailRequired': 'Skriv inn en e-postadresse.',
  'field.emailInvalid': '«{email}» er ikke en e-postadresse.',
  'users.noSites.confirm': '{email} ser ingen nettsteder før du krysser av for et her. Vil du likevel legge til denne leseren?',
  'users.noSites.add': 'Legg til uten nettsteder',
  'users.add.doneNoSites': '{email} kan nå logge inn, men ser ingen nettsteder før du krysser av for et.',
  'users.seesNothing': 'Ser ingen nettsteder',
};
