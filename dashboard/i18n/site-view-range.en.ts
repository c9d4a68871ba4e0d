/** English strings of the site view's range picker (arrows, the days a range covers). */
export const siteViewRange = {
  'sv.range.prev': 'Previous period',
  'sv.range.next': 'Next period',
  'sv.range.withToday': 'today included',
};
