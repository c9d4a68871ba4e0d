/** English strings of the locations panel's regions and cities and the map's zoom (site-view/locations.ts, map.ts). */
export const locations = {
  'sv.tab.regions': 'Regions',
  'sv.tab.cities': 'Cities',
  'sv.dim.visit:region': 'Region',
  'sv.dim.visit:region_name': 'Region name',
  'sv.dim.visit:city_name': 'City',
  'sv.loc.regions.empty': 'No region known for these visits',
  'sv.loc.cities.empty': 'No city known for these visits',
  'sv.loc.countryOnly': 'This site stores only the country of each visit, so there are no regions or cities to show.',
  'sv.loc.regionOnly': 'This site stores location down to the region, not the city.',
  'sv.loc.settings': 'Change what is stored in the site’s settings',
  'sv.map.world': 'World',
  'sv.map.worldHint': 'Remove the country filter and show the whole world',
};
