/** Et delt eller innrammet nettstedsbilde uten besøk ennå: uten kodebiten, som bare eieren kan bruke. */
export const embed = {
  'sv.noVisits.title': 'Ingen besøk ennå',
  'sv.noVisits.text': 'Besøkene vises her når noen har besøkt {domain}.',
};
