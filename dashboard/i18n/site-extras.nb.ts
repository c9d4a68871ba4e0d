/** Bokmålstekster for tilleggene i nettstedsvisningen: lenker og 404, vertsnavn, eksport av hele visningen. */
import type { siteExtras as English } from './site-extras.en.ts';

export const siteExtras: Record<keyof typeof English, string> = {
  'sv.panel.links': 'Lenker og manglende sider',
  'sv.tab.outbound': 'Utgående lenker',
  'sv.tab.downloads': 'Nedlastinger',
  'sv.tab.notfound': '404-sider',
  'sv.tab.hostnames': 'Vertsnavn',
  'sv.links.outbound.empty': 'Ingen klikk på lenker til andre nettsteder i denne perioden. Teller teller dem når kodesnutten har data-outbound-links (eller laster script.outbound-links.js).',
  'sv.links.downloads.empty': 'Ingen nedlastinger i denne perioden. Teller teller dem når kodesnutten har data-file-downloads (eller laster script.file-downloads.js).',
  'sv.links.notfound.empty': "Ingen besøk på manglende sider i denne perioden. For å telle dem kaller 404-siden din plausible('404', { props: { path: location.pathname } }).",
  'sv.export': 'Eksporter',
  'sv.export.label': 'Eksporter alle panelene i denne visningen som en ZIP med CSV-filer',
  'sv.export.working': 'Eksporterer …',
  'sv.export.failed': 'Eksporten mislyktes: {message}',
  'sv.export.kpis': 'Sammendrag',
  'sv.export.series': 'Over tid',
  'sv.export.metric': 'Måltall',
  'sv.export.value': 'Verdi',
  'sv.export.comparison': 'Sammenligning',
  'sv.export.time': 'Tid',
  'sv.dim.event:props:url': 'Lenke',
  'sv.dim.event:props:path': 'Sti',
};
