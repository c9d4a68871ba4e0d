/** Bokmål strings of the comparison, the chart's tooltip, drill-downs and annotations (issue 19). */
import type { compareChart as English } from './compare-chart.en.ts';

export const compareChart: Record<keyof typeof English, string> = {
  'sv.compare.match': 'Samme ukedag',
  'sv.compare.with': 'Sammenlignet med {period}.',
  'sv.compare.until': '{day} fram til {time}',
  'sv.compare.none': 'Ingenting å sammenligne med: målingen begynte {day}, etter sammenligningsperioden ({period}).',
  'sv.compare.partial': 'Sammenlignet med {period}, men målingen begynte {day}: endringene ser større ut enn de er.',
  'sv.ann.confirm': 'Slette merknaden for {day}, «{text}»?',
  'sv.ann.confirm.yes': 'Slett',
  'sv.ann.confirm.no': 'Behold',
  'sv.ann.missing.text': 'Skriv en merknad for å lagre (hva som skjedde den dagen).',
  'sv.ann.missing.day': 'Velg dagen merknaden gjelder.',
  'sv.ann.cancel': 'Avbryt',
};
