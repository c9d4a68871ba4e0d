/** Bokmål strings of the settings' danger zone and the first-visit check: the same keys as settings-danger.en.ts. */
import type { settingsDanger as English } from './settings-danger.en.ts';

export const settingsDanger: Record<keyof typeof English, string> = {
  'settings.reset.title': 'Nullstill statistikken',
  'settings.reset.intro':
    'Sletter all statistikk for nettstedet, også dagens: også testbesøkene du sendte mens du satte det opp. Nettstedet, innstillingene, tokenene, leserne, de delte lenkene og merknadene beholdes. Dette kan ikke angres.',
  'settings.reset.submit': 'Nullstill all statistikk',
  'settings.reset.done': 'Slettet. Hendelser: {events}, besøk: {visits}. Nettstedet teller på nytt fra nå.',
  'settings.purge.title': 'Slett data før en dag',
  'settings.purge.intro':
    'Sletter all statistikk før dagen du velger (i nettstedets tidssone, {timezone}); den dagen og senere beholdes. For å slette også dagens data, nullstill statistikken i stedet. Dette kan ikke angres.',
  'settings.purge.before': 'Slett alt før',
  'settings.purge.submit': 'Slett data før denne dagen',
  'settings.purge.done': 'Data før {day} er slettet, med summene (hendelser og besøk: {rows}).',
  'settings.confirm.label': 'Skriv {domain} for å bekrefte',
  'sites.check.dropped': 'Et testbesøk fra {host} ble ikke telt: {why}',
  'sites.check.drop.localhost': 'sider på localhost telles ikke med mindre skriptkoden har data-local. Legg til data-local for å teste fra din egen maskin.',
  'sites.check.drop.hostname-not-allowed': 'vertsnavnet er ikke blant de tillatte vertsnavnene. Legg {host} til under Tillatte vertsnavn i nettstedets innstillinger, eller test fra selve nettstedet.',
  'sites.check.drop.excluded-ip': 'adressen din er utelatt i nettstedets innstillinger (Unntak, IP-adresser og adresseområder).',
  'sites.check.drop.excluded-path': 'siden er utelatt i nettstedets innstillinger (Unntak, Sider).',
  'sites.check.drop.do-not-track': 'nettleseren sender Do Not Track, som Teller respekterer. Test i en nettleser uten det.',
  'sites.check.drop.global-privacy-control': 'nettleseren sender Global Privacy Control, som Teller respekterer. Test i en nettleser uten det.',
  'sites.check.local':
    'Tester du fra din egen maskin (localhost)? Legg til data-local i skriptkoden: <script defer data-local data-domain="…" src="…"></script>. Er tillatte vertsnavn satt, legg også til localhost eller 127.0.0.1 der.',
};
