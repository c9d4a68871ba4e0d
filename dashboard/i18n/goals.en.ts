/**
 * English strings of the site view's Goals panel (site-view/goals-panel.ts), which brings
 * them with its own code (loaded after the rest of the view); the settings page gets them
 * with the other pages' strings.
 */
export const goals = {
  'sv.panel.goals': 'Goals',
  'sv.goals.col.visitors': 'Uniques',
  'sv.goals.col.events': 'Total',
  'sv.goals.col.conversion_rate': 'CR',
  'sv.goals.col.total_revenue': 'Revenue',
  'sv.goals.cols': 'Uniques: visitors who converted. Total: the conversions. CR: conversion rate, the share of the view’s visitors who converted.',
  'sv.goals.empty.title': 'No goals yet',
  'sv.goals.empty.body': 'A goal counts the visitors who did what the site is for (signed up, bought, reached the thank-you page) and their conversion rate, over the whole history.',
  'sv.goals.empty.events': 'Add one in one click from the events your site sends:',
  'sv.goals.empty.noEvents': 'Your site sends no custom events yet: start with a page goal, such as your thank-you page.',
  'sv.goals.empty.settings': 'All goal types in settings',
  'sv.goals.empty.viewer': 'The site’s owner adds goals in the site’s settings.',
  'sv.goals.add': 'Add {name} as a goal',
  'sv.goals.none': 'No conversions in this period.',
  'sv.goals.otherCurrencies': 'Not in the revenue: {amounts}, sent in another currency than the goal’s (Teller converts no currencies).',
};
