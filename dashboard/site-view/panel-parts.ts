/**
 * What some panels add to the plain rows: the world map (lazy chunk), the UTM tag picker,
 * the search words' "not provided" note, and a custom event's property breakdown.
 * @module
 */
import type { PropertyKeys } from '../../server/core/dashboard-api/contract.ts';
import { type StatsResult, get, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { countryName, formatNumber, formatPercent, t } from '../lib/i18n.ts';
import { cachedQuery } from './cache.ts';
import { flagImage } from './flags.ts';
import { dimensionLabel, plural } from './format.ts';
import { type PanelParts, topRows } from './panel.ts';
import { type TabDef, ALL_COUNTRIES, TOP_ROWS, UTM_DIMENSIONS, eventPropertyTab, storedPrecision, stores } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { notProvidedQueries } from '../../server/core/dashboard-api/view-queries/queries.ts';
import { panelError } from './rows.ts';
import { isFilterValue, withoutFilter } from '../../server/core/dashboard-api/view-queries/state.ts';
import { link } from '../lib/router.ts';
import { settingsHref } from '../lib/route.ts';
import type { View } from './view.ts';

const pickCountry = (view: View) => (code: string) => view.filterBy({ op: 'is', dimension: 'visit:country', values: [code] });

/** The index of the view's `is` filter on countries, which the map zooms to, or -1. */
const countryFilter = (view: View) => view.state.filters.findIndex((f) => f.op === 'is' && f.dimension === 'visit:country');

function mapBody(view: View, result: Promise<StatsResult>): Node {
  const holder = h('div', { class: 'sv-map-holder' }, h('p', { class: 'muted' }, t('sv.map.loading')));
  const tip = h('p', { class: 'sv-map-tip muted', 'aria-live': 'polite' }, '\u00a0');
  const chunk = import('./map.ts');
  // The outlines start loading now, next to the view's queries, not after the countries' answer.
  chunk.then((map) => map.loadShapes()).catch(() => {});
  Promise.all([result, chunk])
    .then(async ([r, map]) => {
      const visitors = new Map(r.results.map((row) => [row.dimensions[0] ?? '', row.metrics[0] ?? 0]));
      const index = countryFilter(view);
      const focus = { codes: view.state.filters[index]?.values ?? [], onWorld: () => view.go(withoutFilter(view.state, index), 'tab:locations:map') };
      const drawn = await map.drawMap(visitors, (code, n) => plural('sv.map.tip', n, { country: countryName(code) }), pickCountry(view), (code, text) => tip.replaceChildren(flagImage(code), text), focus);
      replace(holder, drawn, map.mapLegend(visitors, (n) => formatNumber(n)));
    })
    .catch((error: unknown) => replace(holder, panelError(error)));
  return h('div', null, holder, tip);
}

/** A regions or cities tab of a site that does not store them: why, and for the owner the way to the setting. */
function notStored(view: View, tab: TabDef): Node | null {
  const stored = storedPrecision(view.ctx.site);
  if (stores(stored, tab)) return null;
  return h(
    'div',
    { class: 'sv-empty sv-loc-unstored', 'data-precision': stored },
    h('p', { class: 'muted' }, t(stored === 'country' ? 'sv.loc.countryOnly' : 'sv.loc.regionOnly')),
    view.ctx.mode === 'owner' ? link(settingsHref(view.ctx.site.domain), { 'data-key': 'location-settings' }, t('sv.loc.settings')) : null,
  );
}

export const locationParts: PanelParts = {
  unavailable: notStored,
  rowsShown: (tab) => (tab.id === 'map' ? ALL_COUNTRIES : TOP_ROWS),
  body: (view, tab, result) => (tab.id === 'map' ? mapBody(view, result) : topRows(view, tab, result)),
};

export const sourceParts: PanelParts = {
  extra: (view, tab) => {
    if (tab.id !== 'utm') return null;
    const select = h(
      'select',
      { class: 'input', 'data-key': 'utm-pick', onchange: () => view.go({ ...view.state, tabs: { ...view.state.tabs, sources: select.value.slice(6) } }) },
      UTM_DIMENSIONS.map((d) => h('option', { value: d, selected: d === tab.dimension }, dimensionLabel(d))),
    );
    return h('label', { class: 'sv-field sv-inline' }, h('span', null, t('sv.utm.pick')), select);
  },
};

export const wordParts: PanelParts = {
  // Only search engines hide the words; UTM terms and the site's own search are all there.
  extra: (view, tab) => {
    if (tab.id !== 'keywords') return null;
    const note = h('p', { class: 'muted sv-note' }, '\u00a0');
    const [engines, withoutWords] = notProvidedQueries(view.base).map(cachedQuery) as [Promise<StatsResult>, Promise<StatsResult>];
    Promise.all([engines, withoutWords]).then(
      ([all, none]) => {
        const total = all.results[0]?.metrics[0] ?? 0;
        const hidden = none.results[0]?.metrics[0] ?? 0;
        note.textContent = total > 0 ? t('sv.words.note', { share: formatPercent((hidden / total) * 100) }) : t('sv.words.noteNone');
      },
      () => note.remove(),
    );
    return note;
  },
};

/**
 * With one event filtered, the event's property names as buttons; the chosen one's values
 * replace the event list (`tab.events=prop:<key>`), and "Events" goes back to it.
 */
export function eventParts(view: View): PanelParts {
  const event = isFilterValue(view.state.filters, 'event:name');
  const propertyTab: TabDef | null = eventPropertyTab(view.state.tabs.events, view.state.filters);
  return {
    extra: (_view, _tab, result) => {
      if (!event || event === 'pageview') {
        const hint = h('p', { class: 'muted sv-note' }, t('sv.events.propHint'));
        // No event to click: the hint would point at nothing.
        result.then((r) => r.results.length === 0 && hint.remove(), () => hint.remove());
        return hint;
      }
      const chosen = propertyTab ? propertyTab.dimension.slice(12) : null;
      const show = (key: string | null) => view.go({ ...view.state, tabs: { ...view.state.tabs, events: key === null ? 'events' : `prop:${key}` } });
      const choice = (label: string, key: string | null) =>
        h('button', { type: 'button', class: 'btn btn-ghost sv-prop', 'aria-pressed': String(chosen === key), onclick: () => show(key) }, label);
      const box = h('div', { class: 'sv-props', role: 'group', 'aria-label': t('sv.events.prop', { event }) }, h('span', { class: 'muted' }, t('sv.events.prop', { event })));
      get<PropertyKeys>(sitePath(view.ctx.site.domain, `/properties?event=${encodeURIComponent(event)}`)).then(
        ({ keys }) => {
          if (keys.length === 0) box.append(h('span', { class: 'muted' }, t('sv.events.noProps')));
          else box.append(choice(t('sv.events.all'), null), ...keys.map((key) => choice(key, key)));
        },
        (error: unknown) => box.append(panelError(error)),
      );
      return box;
    },
  };
}
