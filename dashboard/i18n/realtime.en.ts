/** English strings of the realtime view (site-view/realtime.ts). */
export const realtime = {
  'rt.title': 'Realtime',
  'rt.open': 'Open the realtime view',
  'rt.back': 'Back to the dashboard',
  'rt.now': 'Current visitors (last 5 minutes)',
  'rt.visitors': 'Visitors (last 30 minutes)',
  'rt.pageviews': 'Pageviews (last 30 minutes)',
  'rt.pages': 'Pages (last 30 minutes)',
  'rt.sources': 'Sources (last 30 minutes)',
  'rt.none': 'Nothing in the last 30 minutes.',
  'rt.updated': 'Updates by itself every {seconds} seconds. Last update {time}.',
};
