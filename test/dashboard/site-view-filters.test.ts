/**
 * The pure parts of "filters that understand people": country names (English and bokmål)
 * to ISO codes, the filter the dialog makes from chosen and typed values, its suggestion
 * query, the Details search on countries, and the Details dialog's URL state.
 */
import { describe, expect, it } from 'vitest';
import type { StatsResult } from '../../dashboard/lib/api.ts';
import { countries, countryContains, fold, matchCountries, resolveCountry } from '../../server/core/dashboard-api/view-queries/countries.ts';
import { DEFAULT_SORT, countryPage, parseDetails, withDetails } from '../../dashboard/site-view/details-state.ts';
import { filterOf } from '../../dashboard/site-view/filter-values.ts';
import { parseView, serializeView } from '../../server/core/dashboard-api/view-queries/state.ts';
import { countrySuggestions, suggestionQuery, suggestionsOf } from '../../dashboard/site-view/suggest.ts';

const EN = countries('en-GB');
const NB = countries('nb-NO');
const codes = (list: Array<{ code: string }>) => list.map((c) => c.code);

const result = (rows: Array<[string, number]>): StatsResult => ({ results: rows.map(([v, n]) => ({ dimensions: [v], metrics: [n] })), meta: {}, query: {} });

describe('country names', () => {
  it('lists each country once by its name in the language, without groupings or retired codes', () => {
    expect(NB.find((c) => c.code === 'NO')).toEqual({ code: 'NO', name: 'Norge', english: 'Norway' });
    for (const gone of ['EU', 'UN', 'ZZ', 'UK', 'DD', 'XA']) expect(codes(EN)).not.toContain(gone);
    expect(new Set(codes(EN)).size).toBe(EN.length);
    expect(EN.length).toBeGreaterThan(240);
  });

  it('matches typed text against the shown name, the English name and the code, prefix first', () => {
    expect(codes(matchCountries('Norw', EN))).toEqual(['NO']);
    expect(codes(matchCountries('norge', NB))).toEqual(['NO']);
    expect(codes(matchCountries('Norway', NB))).toEqual(['NO']);
    expect(codes(matchCountries('sver', NB))).toEqual(['SE']);
    expect(codes(matchCountries('no', EN))[0]).toBe('NO');
    expect(codes(matchCountries('osterreich', countries('de')))).toEqual(['AT']);
    expect(fold('  Côte ')).toBe('cote');
    expect(matchCountries('', EN)).toEqual([]);
  });

  it('resolves a typed name to one code, or says why not', () => {
    expect(resolveCountry('Norway', EN)).toEqual({ code: 'NO' });
    expect(resolveCountry('NORWAY', EN)).toEqual({ code: 'NO' });
    expect(resolveCountry('Norge', NB)).toEqual({ code: 'NO' });
    expect(resolveCountry('no', NB)).toEqual({ code: 'NO' });
    expect(resolveCountry('Norw', EN)).toEqual({ code: 'NO' });
    expect(resolveCountry('United Kingdom', EN)).toEqual({ code: 'GB' });
    expect(resolveCountry('Nor', EN)).toEqual({ error: 'several' });
    expect(resolveCountry('Atlantis', EN)).toEqual({ error: 'none' });
  });

  it('turns "contains" into the codes of the countries whose names contain the text', () => {
    const north = countryContains('contains', 'Nord', NB);
    expect(north.op).toBe('is');
    expect(north.values).toEqual(expect.arrayContaining(['KP', 'MK']));
    expect(countryContains('contains_not', 'Norge', NB)).toEqual({ op: 'is_not', values: ['NO'] });
  });
});

describe('the filter the dialog makes', () => {
  it('never makes a country filter the API would refuse', () => {
    expect(filterOf('visit:country', 'is', [], 'Norway', 'en-GB')).toEqual({ filter: { op: 'is', dimension: 'visit:country', values: ['NO'] } });
    expect(filterOf('visit:country', 'is', ['SE'], 'Norge', 'nb-NO')).toEqual({ filter: { op: 'is', dimension: 'visit:country', values: ['SE', 'NO'] } });
    expect(filterOf('visit:country', 'is_not', ['NO'], '', 'en-GB')).toEqual({ filter: { op: 'is_not', dimension: 'visit:country', values: ['NO'] } });
    expect(filterOf('visit:country', 'is', [], 'Atlantis', 'en-GB')).toEqual({ error: 'noCountry', text: 'Atlantis' });
    expect(filterOf('visit:country', 'is', [], 'Nor', 'en-GB')).toEqual({ error: 'severalCountries', text: 'Nor' });
    expect(filterOf('visit:country', 'contains', [], 'Atlantis', 'en-GB')).toEqual({ error: 'noCountry', text: 'Atlantis' });
    expect(filterOf('visit:country', 'contains_not', [], 'Sverige', 'nb-NO')).toEqual({ filter: { op: 'is_not', dimension: 'visit:country', values: ['SE'] } });
    expect(filterOf('visit:country', 'is', [], ' ', 'en-GB')).toEqual({ error: 'needValue', text: '' });
    // The API takes 50 values in all: "contains a" (most countries) asks for more of the name.
    expect(filterOf('visit:country', 'contains', [], 'a', 'en-GB')).toEqual({ error: 'tooManyCountries', text: 'a' });
  });

  it('takes several values, the chosen ones and the text still typed', () => {
    expect(filterOf('visit:browser', 'is', ['Firefox'], 'Safari', 'en-GB')).toEqual({ filter: { op: 'is', dimension: 'visit:browser', values: ['Firefox', 'Safari'] } });
    expect(filterOf('event:props:plan', 'is', ['pro', 'team'], '', 'en-GB')).toEqual({ filter: { op: 'is', dimension: 'event:props:plan', values: ['pro', 'team'] } });
    expect(filterOf('event:page', 'contains', [], '/blog', 'en-GB')).toEqual({ filter: { op: 'contains', dimension: 'event:page', values: ['/blog'] } });
    expect(filterOf('event:page', 'is', [], '', 'en-GB')).toEqual({ error: 'needValue', text: '' });
  });

  it('repairs or drops a country in a URL that is no code, so no card answers 400', () => {
    expect(parseView('f=is|visit:country|NORWAY|se|Atlantis|(not set)').filters).toEqual([{ op: 'is', dimension: 'visit:country', values: ['NO', 'SE', '(not set)'] }]);
    expect(parseView('f=is_not|visit:country|Atlantis').filters).toEqual([]);
    expect(parseView('f=contains|visit:country|nor').filters).toEqual([{ op: 'contains', dimension: 'visit:country', values: ['nor'] }]);
  });

  it('keeps several values and a property filter through the URL', () => {
    const state = parseView('');
    state.filters = [
      { op: 'is', dimension: 'visit:country', values: ['NO', 'SE'] },
      { op: 'is', dimension: 'event:props:plan', values: ['pro|max'] },
    ];
    expect(parseView(serializeView(state)).filters).toEqual(state.filters);
  });
});

describe('suggestions', () => {
  const base = { siteId: 'example.com', range: '28d', filters: [{ op: 'is' as const, dimension: 'visit:browser', values: ['Firefox'] }, { op: 'is' as const, dimension: 'visit:country', values: ['NO'] }], compare: null };

  it('ask for the site’s values of the field, narrowed by what was typed and by the view’s other filters', () => {
    expect(suggestionQuery(base, 'event:page', 'blog')).toEqual({
      site_id: 'example.com',
      metrics: ['visitors'],
      date_range: '28d',
      dimensions: ['event:page'],
      filters: [['is', 'visit:browser', ['Firefox']], ['is', 'visit:country', ['NO']], ['contains', 'event:page', ['blog'], { case_sensitive: false }]],
      order_by: [['visitors', 'desc']],
      pagination: { limit: 50, offset: 0 },
    });
    // Countries: every one of the site's, named and matched here; not the country filter itself.
    expect(suggestionQuery(base, 'visit:country', 'Nor')).toMatchObject({ filters: [['is', 'visit:browser', ['Firefox']]], pagination: { limit: 300 } });
  });

  it('offer the site’s matching countries by visitors, then other matching countries, leaving out chosen values', () => {
    const site = result([['SE', 9], ['NO', 5], ['KP', 1]]);
    expect(countrySuggestions(site, 'Nor', EN, [])).toEqual(expect.arrayContaining([{ value: 'NO', visitors: 5 }, { value: 'KP', visitors: 1 }, { value: 'MK', visitors: null }]));
    expect(countrySuggestions(site, 'Nor', EN, [])[0]).toEqual({ value: 'NO', visitors: 5 });
    expect(countrySuggestions(site, 'Norge', NB, ['NO'])).toEqual([]);
    expect(countrySuggestions(site, '', EN, ['SE'])).toEqual([{ value: 'NO', visitors: 5 }, { value: 'KP', visitors: 1 }]);
    expect(suggestionsOf(result([['/a', 3], ['/b', 2]]), '', ['/a'])).toEqual([{ value: '/b', visitors: 2 }]);
    // An event dimension's filter keeps whole visits: their other values are not suggestions.
    expect(suggestionsOf(result([['(none)', 2], ['pro', 1], ['team', 1]]), 'PR', [])).toEqual([{ value: 'pro', visitors: 1 }]);
  });
});

describe('Details', () => {

  it('searches countries by their shown name over every country of the site, paged here', () => {
    const all = result([['NO', 5], ['KP', 3], ['SE', 2], ['MK', 1]]);
    expect(countryPage(all, 'Norge', 'nb-NO', 0, 50)).toMatchObject({ results: [{ dimensions: ['NO'] }], meta: { total_rows: 1 } });
    expect(countryPage(all, 'norway', 'en-GB', 0, 50).results.map((r) => r.dimensions[0])).toEqual(['NO']);
    // "nor" holds Norway, North Korea and North Macedonia, in the API's order; page two of two rows.
    expect(countryPage(all, 'nor', 'en-GB', 2, 2)).toMatchObject({ results: [{ dimensions: ['MK'] }], meta: { total_rows: 3 } });
    expect(countryPage(all, 'Atlantis', 'en-GB', 0, 50)).toMatchObject({ results: [], meta: { total_rows: 0 } });
  });

  it('keeps the open list, its search, sort and page in the URL beside the view’s state', () => {
    const view = 'period=7d&f=is%7Cvisit%3Abrowser%7CFirefox';
    const open = withDetails(view, { panel: 'pages', search: 'blog post', sort: ['value', 'asc'], page: 3 });
    expect(parseDetails(open)).toEqual({ panel: 'pages', search: 'blog post', sort: ['value', 'asc'], page: 3 });
    expect(parseView(open)).toEqual(parseView(view));
    expect(withDetails(open, null)).toBe(view);
    expect(withDetails(view, { panel: 'sources', search: '', sort: DEFAULT_SORT, page: 1 })).toBe(`${view}&details=sources`);
    // A view change (serialised from the state) closes it.
    expect(serializeView(parseView(open))).not.toContain('details');
    expect(parseDetails(view)).toBeNull();
    expect(parseDetails('details=pages&details.sort=bogus&details.page=-2')).toEqual({ panel: 'pages', search: '', sort: DEFAULT_SORT, page: 1 });
    expect(parseDetails('details=<x>')).toBeNull();
  });
});
