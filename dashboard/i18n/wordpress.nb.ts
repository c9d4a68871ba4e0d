/** Bokmål strings of "Koble til WordPress" and of tokens' scopes: the same keys as wordpress.en.ts. */
import type { wordpress as English } from './wordpress.en.ts';

export const wordpress: Record<keyof typeof English, string> = {
  'wp.title': 'Koble til WordPress',
  'wp.intro': 'Tellers WordPress-utvidelse teller nettstedet, viser statistikken i wp-admin, holder personvernerklæringen oppdatert og kan ta med historikken fra WP Statistics.',
  'wp.step.download': 'Last ned utvidelsen og installer den i WordPress: Utvidelser → Legg til ny → Last opp utvidelse, og aktiver den.',
  'wp.download': 'Last ned utvidelsen (teller.zip)',
  'wp.step.paste': 'Åpne Innstillinger → Teller i WordPress og lim inn denne adressen og en nøkkel laget for nettstedet.',
  'wp.address': 'Teller-adresse',
  'wp.import': 'La den også importere historikken fra WP Statistics',
  'wp.import.hint': 'Utvidelsen kan da flytte besøkene WP Statistics har lagret, over til Teller. La det være av hvis nettstedet aldri har brukt WP Statistics.',
  'wp.create': 'Lag nøkkel for WordPress',
  'wp.created': 'Nøkkelen er laget. Lim den inn i utvidelsen nå: den vises ikke igjen.',
  'wp.token': 'Nøkkel for WordPress',
  'add.tabs': 'Slik installerer du',
  'add.tab.snippet': 'Skriptkode',
  'add.tab.wordpress': 'WordPress',
  'settings.tokens.scopes': 'Tilgang',
  'token.scope.stats': 'statistikk',
  'token.scope.privacy': 'personverntekst',
  'token.scope.share': 'delt lenke',
  'token.scope.proxy': 'proxy',
  'token.scope.import': 'import',
};
