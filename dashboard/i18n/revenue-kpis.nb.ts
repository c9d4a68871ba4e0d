/** Bokmål strings of the revenue KPIs under a revenue goal filter (site-view/revenue-kpis.ts, loaded with it). */
export const revenueKpis = {
  'sv.kpi.total_revenue': 'Total inntekt',
  'sv.kpi.average_revenue': 'Snittinntekt',
  'sv.kpi.revenueOther': 'Inntekten utelater {amounts}, sendt i en annen valuta enn målets (Teller regner ikke om valutaer).',
};
