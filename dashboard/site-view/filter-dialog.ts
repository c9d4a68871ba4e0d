/**
 * The "Filter" dialog: a field (any dimension, or a custom property the site has seen), a
 * condition, and one or more values, suggested from the site's own data as one types (a
 * combobox: arrows move, Enter picks). Countries are typed and shown by name in the UI's
 * language and stored as ISO codes; a name that is no country is an error here, never a
 * query the API refuses. "Contains" on countries becomes the list of matching countries.
 * @module
 */
import type { PropertyKeys } from '../../server/core/dashboard-api/contract.ts';
import { FILTER_DIMENSIONS } from '../../server/core/store/schema.ts';
import { get, sitePath } from '../lib/api.ts';
import { h, replace } from '../lib/dom.ts';
import { formatNumber, locale, t } from '../lib/i18n.ts';
import type { Key } from '../i18n/index.ts';
import { cachedQuery } from './cache.ts';
import { countries } from '../../server/core/dashboard-api/view-queries/countries.ts';
import { dimensionLabel, valueLabel } from './format.ts';
import { MAX_VIEW_VALUES, filterOf, valuesLeft } from './filter-values.ts';
import { type Filter, type Op, OPS, withFilter, withoutFilter } from '../../server/core/dashboard-api/view-queries/state.ts';
import { type Suggestion, countrySuggestions, namedValue, suggestionQuery, suggestionsOf } from './suggest.ts';
import type { View } from './view.ts';

/** The schema's filter fields, page first: the field most filters are on, selected when the dialog opens; goals last. */
const FIELDS: readonly string[] = ['event:page', ...FILTER_DIMENSIONS.filter((d) => d !== 'event:page'), 'event:goal'];

const COUNTRY = 'visit:country';
const TYPING_MS = 150;

/** Opens the dialog to add a filter, or with `editing`, to change the view's filter at that index. */
export function openFilterDialog(view: View, editing?: number): void {
  const existing = editing === undefined ? undefined : view.state.filters[editing];
  const dimensions: string[] = [...FIELDS];
  // A filter from a click or a link may be on a field the list leaves out (a property).
  if (existing && !dimensions.includes(existing.dimension)) dimensions.push(existing.dimension);
  const dimension = h('select', { class: 'input', required: true }, dimensions.map((d) => h('option', { value: d }, dimensionLabel(d))));
  const op = h('select', { class: 'input' }, OPS.map((o) => h('option', { value: o }, t(`sv.op.${o}` as Key))));
  const listId = 'sv-filter-suggest';
  const value = h('input', {
    class: 'input',
    type: 'text',
    autocomplete: 'off',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    'aria-describedby': 'sv-filter-hint sv-filter-error',
  });
  const chosenList = h('ul', { class: 'sv-filter-values', 'aria-label': t('sv.filter.values') });
  const list = h('ul', { class: 'sv-suggest', id: listId, role: 'listbox', 'aria-label': t('sv.filter.suggestions'), hidden: true });
  const hint = h('p', { class: 'muted sv-note', id: 'sv-filter-hint' }, t('sv.filter.valueHint'));
  const error = h('p', { class: 'sv-filter-error', id: 'sv-filter-error', role: 'alert' });
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, t('sv.filter.cancel'));
  const props = h('optgroup', { label: t('sv.filter.props') });
  const form = h(
    'form',
    { method: 'dialog', class: 'sv-filter-form', novalidate: true },
    h('header', { class: 'sv-dialog-head' }, h('h2', { id: 'sv-filter-title' }, t(existing ? 'sv.filter.editTitle' : 'sv.filter.title'))),
    h('label', null, h('span', null, t('sv.filter.dimension')), dimension),
    h('label', null, h('span', null, t('sv.filter.op')), op),
    h('div', { class: 'sv-filter-value' }, h('label', null, h('span', null, t('sv.filter.value')), value), list),
    chosenList,
    hint,
    error,
    h('footer', { class: 'sv-dialog-foot' }, cancel, h('button', { type: 'submit', class: 'btn btn-primary' }, t(existing ? 'sv.filter.save' : 'sv.filter.add'))),
  );
  const dialog = h('dialog', { class: 'dialog sv-filter-dialog', 'aria-labelledby': 'sv-filter-title' }, form);

  let chosen: string[] = existing ? [...existing.values] : [];
  let options: Suggestion[] = [];
  let active = -1;
  let added: Filter | null = null;
  let asked = 0;
  let typing: ReturnType<typeof setTimeout> | undefined;

  get<PropertyKeys>(sitePath(view.ctx.site.domain, '/properties')).then(
    ({ keys }) => {
      if (keys.length === 0) return;
      props.append(...keys.filter((key) => !dimensions.includes(`event:props:${key}`)).map((key) => h('option', { value: `event:props:${key}` }, key)));
      dimension.append(props);
    },
    // Without the list the dialog still filters every built-in field.
    () => {},
  );

  const showHint = () => {
    const countryContainsOp = dimension.value === COUNTRY && op.value.startsWith('contains');
    hint.textContent = t(countryContainsOp ? 'sv.filter.countryContains' : 'sv.filter.valueHint');
  };

  const drawChosen = () =>
    replace(
      chosenList,
      chosen.map((v) => {
        const label = valueLabel(dimension.value, v);
        return h(
          'li',
          { class: 'chip sv-chip' },
          label,
          h('button', { type: 'button', class: 'sv-chip-remove', 'aria-label': t('sv.filter.removeValue', { value: label }), onclick: () => unchoose(v) }, '×'),
        );
      }),
    );

  const setActive = (index: number) => {
    active = index;
    list.querySelectorAll('[role="option"]').forEach((el, i) => el.setAttribute('aria-selected', String(i === index)));
    const current = index >= 0 ? list.children[index] : null;
    if (current) {
      value.setAttribute('aria-activedescendant', current.id);
      current.scrollIntoView({ block: 'nearest' });
    } else value.removeAttribute('aria-activedescendant');
  };

  const drawOptions = (next: Suggestion[], text: string) => {
    options = next;
    // What the list answers, for a test (or a reader of the DOM) to know it is current.
    list.dataset.for = text;
    const items = next.map((s, i) =>
      h(
        'li',
        {
          role: 'option',
          id: `${listId}-${i}`,
          'aria-selected': 'false',
          'data-value': s.value,
          // Keeps focus in the box, so the list stays open for the next value.
          onmousedown: (event: Event) => event.preventDefault(),
          onclick: () => choose(s.value),
        },
        h('span', { class: 'sv-suggest-label' }, valueLabel(dimension.value, s.value)),
        s.visitors === null ? null : h('span', { class: 'muted' }, formatNumber(s.visitors)),
      ),
    );
    const typed = value.value.trim() !== '';
    replace(list, items.length ? items : typed ? h('li', { class: 'muted sv-suggest-none' }, t('sv.filter.noSuggestions')) : null);
    list.hidden = items.length === 0 && !typed;
    value.setAttribute('aria-expanded', String(items.length > 0));
    setActive(-1);
  };

  const suggest = () => {
    const text = value.value.trim();
    const dim = dimension.value;
    const ticket = ++asked;
    const label = (v: string) => valueLabel(dim, v);
    cachedQuery(suggestionQuery(view.base, dim, text, label)).then(
      (r) => {
        // A slower answer to an earlier keystroke must not replace a newer list.
        if (ticket !== asked) return;
        drawOptions(dim === COUNTRY ? countrySuggestions(r, text, countries(locale()), chosen) : suggestionsOf(r, text, chosen, label), text);
      },
      () => ticket === asked && drawOptions([], text),
    );
  };

  const others = () => (editing === undefined ? view.state : withoutFilter(view.state, editing)).filters;
  const room = () => valuesLeft(others(), dimension.value, op.value as Op);
  const tooMany = () => {
    error.textContent = t('sv.filter.tooManyValues', { n: MAX_VIEW_VALUES });
    value.focus();
  };

  const choose = (v: string) => {
    if (!chosen.includes(v) && chosen.length >= room()) return tooMany();
    if (!chosen.includes(v)) chosen.push(v);
    value.value = '';
    error.textContent = '';
    drawChosen();
    suggest();
    value.focus();
  };

  const unchoose = (v: string) => {
    chosen = chosen.filter((x) => x !== v);
    drawChosen();
    suggest();
    value.focus();
  };

  value.addEventListener('input', () => {
    error.textContent = '';
    clearTimeout(typing);
    typing = setTimeout(suggest, TYPING_MS);
  });
  value.addEventListener('focus', suggest);
  value.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (options.length === 0) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      // -1 (the typed text) is one stop of the cycle, as in a browser's own lists.
      const stops = options.length + 1;
      setActive(((active + 1 + step + stops) % stops) - 1);
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      choose(options[active]!.value);
    }
  });
  dimension.addEventListener('change', () => {
    chosen = [];
    value.value = '';
    error.textContent = '';
    drawChosen();
    showHint();
    suggest();
  });
  op.addEventListener('change', showHint);
  if (existing) {
    dimension.value = existing.dimension;
    op.value = existing.op;
    drawChosen();
    showHint();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // A shown name typed in full is stored as the API's value ("Mobil" → Mobile).
    const typed = namedValue(dimension.value, value.value, (v) => valueLabel(dimension.value, v)) ?? value.value;
    const outcome = filterOf(dimension.value, op.value as Op, chosen, typed, locale());
    if ('error' in outcome) {
      error.textContent = t(`sv.filter.${outcome.error}`, { text: outcome.text });
      value.focus();
      return;
    }
    if (outcome.filter.values.length > room()) return tooMany();
    added = outcome.filter;
    dialog.close();
  });
  cancel.onclick = () => dialog.close();
  dialog.addEventListener('close', () => {
    clearTimeout(typing);
    dialog.remove();
    if (!added) return;
    view.go(withFilter(editing === undefined ? view.state : withoutFilter(view.state, editing), added));
  });
  view.onDispose(() => dialog.open && dialog.close());
  document.body.appendChild(dialog);
  dialog.showModal();
}
