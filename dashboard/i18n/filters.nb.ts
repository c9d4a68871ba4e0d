/** Bokmål strings of the filter dialog's suggestions and values. */
export const filters = {
  'sv.filter.values': 'Verdier',
  'sv.filter.valueHint': 'Skriv for å se verdier fra dette nettstedet; velg flere for å treffe hvilken som helst av dem.',
  'sv.filter.suggestions': 'Forslag',
  'sv.filter.noSuggestions': 'Ingen verdi fra dette nettstedet passer.',
  'sv.filter.removeValue': 'Fjern {value}',
  'sv.filter.props': 'Egendefinerte egenskaper',
  'sv.filter.needValue': 'Velg eller skriv en verdi.',
  'sv.filter.noCountry': 'Ingen land heter «{text}».',
  'sv.filter.severalCountries': 'Flere land passer til «{text}»: velg ett fra listen.',
  'sv.filter.tooManyCountries': '«{text}» finnes i navnet til for mange land: skriv mer av navnet, eller velg land fra listen.',
  'sv.filter.countryContains': 'Lagres som landene der navnet inneholder teksten.',
  'sv.filter.edit': 'Endre dette filteret',
  'sv.filter.editTitle': 'Endre filteret',
  'sv.filter.save': 'Lagre filter',
};
