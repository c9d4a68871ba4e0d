/**
 * Where the note on imported history goes, under the chart: empty unless the chart's answer
 * says imported data was counted in or left out for a reason worth telling, or the view
 * leaves it out on purpose. The note itself (and the list of imports it names) loads only then.
 * And a panel's hint when its tab could not count imported days in while the view does.
 * @module
 */
import type { StatsResult } from '../lib/api.ts';
import { h } from '../lib/dom.ts';
import { t } from '../lib/i18n.ts';
import type { View } from './view.ts';

/** Reasons the note tells: a site without imports, or a period without imported days, has nothing to say. */
const TOLD = ['unsupported_interval', 'unsupported_query'];

export function importsNote(view: View, series: Promise<StatsResult>): HTMLElement {
  const slot = h('div', { class: 'sv-imports', hidden: true });
  series.then((r) => {
    const { imports_included: included, imports_skip_reason: reason } = r.meta;
    if (view.state.imports ? included === true || TOLD.includes(String(reason)) : true) {
      void import('./imports-note.ts').then((m) => m.renderImportsNote(view, slot, r));
    }
  }, () => {});
  return slot;
}

/** Above a panel's rows: said when imported days are counted in elsewhere but its tab cannot have them. */
export function importsPanelHint(view: View, result: Promise<StatsResult>): HTMLElement {
  const hint = h('p', { class: 'sv-imports-hint', hidden: true }, t('sv.imports.panel'));
  result.then((r) => {
    hint.hidden = !(view.state.imports && r.meta.imports_skip_reason === 'unsupported_query');
  }, () => {});
  return hint;
}
