/** English strings of the KPI row under filters and of recent visits' page trail. */
export const kpisVisits = {
  'sv.kpi.conversions': 'Unique conversions',
  'sv.kpi.events': 'Total conversions',
  'sv.kpi.conversion_rate': 'Conversion rate',
  'sv.kpi.conversion_rate.about': 'Unique conversions ÷ unique visitors of the view without the event filter',
  'sv.kpi.note.entered': 'of visits entering on these pages',
  'sv.kpi.note.whole': 'of whole visits with the event',
  'sv.visits.trail': 'Pages in order',
  'sv.visits.trail.show': 'Pages: {n}. Show this visit’s pages in order',
  'sv.visits.trail.event': '{name} on {path}',
  'sv.visits.trail.searched': 'searched “{words}”',
  'sv.visits.trail.more': '{n} more not shown',
  'sv.visits.siteSearch': 'site search',
};
