/** English strings of the revenue KPIs under a revenue goal filter (site-view/revenue-kpis.ts, loaded with it). */
export const revenueKpis = {
  'sv.kpi.total_revenue': 'Total revenue',
  'sv.kpi.average_revenue': 'Average revenue',
  'sv.kpi.revenueOther': 'The revenue leaves out {amounts}, sent in another currency than the goal’s (Teller converts no currencies).',
};
