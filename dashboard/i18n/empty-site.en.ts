/** The empty state of a site with no visit yet (site-view/empty-site.ts, loaded when drawn): the owner's snippet, or a read-only view's note. */
export const emptySite = {
  'sv.empty.title': 'Waiting for the first visit',
  'sv.empty.text': 'Add this line to the <head> of every page on {domain}. Visits show up here within seconds of the first page view.',
  'sv.empty.copy': 'Copy snippet',
  'sv.empty.copied': 'Copied',
  'sv.noVisits.title': 'No visits yet',
  'sv.noVisits.text': 'Visits show up here once {domain} has been visited.',
};
