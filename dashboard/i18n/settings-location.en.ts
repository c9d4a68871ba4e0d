/** English strings of the settings' visitor-location section. */
export const settingsLocation = {
  'settings.location.title': 'Visitor location',
  'settings.location.intro':
    'Where visitors are is looked up from their IP address when the visit arrives; the address itself is not kept for it. Choose how precisely the place is stored with each visit. The privacy text says which.',
  'settings.location.label': 'Store',
  'settings.location.country': 'Country only',
  'settings.location.region': 'Country and region (county or state)',
  'settings.location.city': 'Country, region and city',
  'settings.location.hint': 'Applies to visits from now on; visits already stored keep what they have.',
};
