/**
 * The locations panel's regions and cities: what they ask the Stats API (two dimensions
 * each, searched and sorted by the name shown), which tabs a site's location precision
 * leaves (in the view and in the ZIP export), and a precision the dashboard was not given.
 */
import { describe, expect, it } from 'vitest';
import { exportTabs } from '../../dashboard/site-view/export-tabs.ts';
import { PANELS, storedPrecision, stores } from '../../server/core/dashboard-api/view-queries/panels.ts';
import { breakdownQuery } from '../../server/core/dashboard-api/view-queries/queries.ts';

const locations = PANELS.find((p) => p.id === 'locations')!;
const tab = (id: string) => locations.tabs.find((t) => t.id === id)!;
const base = { siteId: 'example.com', range: 'day' as const, filters: [], compare: null };

describe('regions and cities', () => {
  it('come after the map and the countries, as in Plausible', () => {
    expect(locations.tabs.map((t) => t.id)).toEqual(['map', 'countries', 'regions', 'cities']);
  });

  it('ask for a region’s code and name, a city’s country and name, without the visits that have none', () => {
    const regions = breakdownQuery(base, tab('regions'), { limit: 9 });
    expect(regions.dimensions).toEqual(['visit:region', 'visit:region_name']);
    expect(regions.filters).toEqual([['is_not', 'visit:region', ['(not set)']]]);
    const cities = breakdownQuery(base, tab('cities'), { limit: 9 });
    expect(cities.dimensions).toEqual(['visit:country', 'visit:city_name']);
    expect(cities.filters).toEqual([['is_not', 'visit:city_name', ['(not set)']]]);
    // Details searches what the reader sees: a region by its name, not its code.
    expect(breakdownQuery(base, tab('regions'), { limit: 50, search: 'Osl' }).filters).toContainEqual(['contains', 'visit:region_name', ['Osl']]);
    expect(breakdownQuery(base, tab('cities'), { limit: 50, search: 'Berg' }).filters).toContainEqual(['contains', 'visit:city_name', ['Berg']]);
  });

  it('are shown and exported only as far as the site stores location', () => {
    const names = (precision: 'country' | 'region' | 'city') => exportTabs([], precision).map((t) => t.name).filter((n) => n.startsWith('locations-'));
    expect(names('country')).toEqual(['locations-countries']);
    expect(names('region')).toEqual(['locations-countries', 'locations-regions']);
    expect(names('city')).toEqual(['locations-countries', 'locations-regions', 'locations-cities']);
    expect(stores('country', tab('countries'))).toBe(true);
    expect(stores('region', tab('cities'))).toBe(false);
  });

  it('read a site without a (known) precision as the default, region', () => {
    expect(storedPrecision({})).toBe('region');
    expect(storedPrecision({ location_precision: 'street' })).toBe('region');
    expect(storedPrecision({ location_precision: 'country' })).toBe('country');
    expect(storedPrecision({ location_precision: 'city' })).toBe('city');
  });
});
