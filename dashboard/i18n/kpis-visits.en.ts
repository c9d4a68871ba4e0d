/** English strings of the KPI row under filters and of recent visits' page trail. */
export const kpisVisits = {
  'sv.kpi.conversions': 'Unique conversions',
  'sv.kpi.events': 'Total conversions',
  'sv.kpi.conversion_rate': 'Conversion rate',
  'sv.kpi.conversion_rate.about': 'Unique conversions ÷ unique visitors of the view without the event filter',
  'sv.kpi.note.entered': 'of visits entering on these pages',
  'sv.kpi.note.whole': 'of whole visits with the event',
};
