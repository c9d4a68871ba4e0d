/** English strings of the filter dialog's suggestions and values. */
export const filters = {
  'sv.filter.values': 'Values',
  'sv.filter.valueHint': 'Type to see values from this site; pick several to match any of them.',
  'sv.filter.suggestions': 'Suggestions',
  'sv.filter.noSuggestions': 'No value of this site matches.',
  'sv.filter.removeValue': 'Remove {value}',
  'sv.filter.props': 'Custom properties',
  'sv.filter.needValue': 'Pick or type a value.',
  'sv.filter.noCountry': 'No country is called “{text}”.',
  'sv.filter.severalCountries': 'Several countries match “{text}”: pick one from the list.',
  'sv.filter.tooManyCountries': '“{text}” is in the names of too many countries: type more of the name, or pick countries from the list.',
  'sv.filter.countryContains': 'Saved as the countries whose name contains the text.',
  'sv.filter.edit': 'Change this filter',
  'sv.filter.editTitle': 'Change the filter',
  'sv.filter.save': 'Save filter',
};
