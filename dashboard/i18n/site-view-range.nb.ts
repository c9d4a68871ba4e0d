/** Bokmål strings of the site view's range picker; the same keys as the English file. */
import type { siteViewRange as English } from './site-view-range.en.ts';

export const siteViewRange: Record<keyof typeof English, string> = {
  'sv.range.prev': 'Forrige periode',
  'sv.range.next': 'Neste periode',
  'sv.range.withToday': 'i dag medregnet',
};
