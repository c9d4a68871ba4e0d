/** A shared or framed site view of a site with no visit yet: no snippet, which only the owner can use. */
export const embed = {
  'sv.noVisits.title': 'No visits yet',
  'sv.noVisits.text': 'Visits show up here once {domain} has been visited.',
};
