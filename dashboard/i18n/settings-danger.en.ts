/** English strings of the settings' danger zone (reset, purge) and the first-visit check's drop notes. */
export const settingsDanger = {
  'settings.reset.title': 'Reset statistics',
  'settings.reset.intro':
    'Deletes all statistics of this site, today’s included: the test visits you sent while setting up too. The site, its settings, tokens, viewers, shared links and annotations stay. This cannot be undone.',
  'settings.reset.submit': 'Reset all statistics',
  'settings.reset.done': 'Deleted. Events: {events}, visits: {visits}. The site counts anew from now.',
  'settings.purge.title': 'Delete data before a day',
  'settings.purge.intro':
    'Deletes all statistics before the day you choose (in the site’s timezone, {timezone}); that day and later stay. To delete today’s data too, reset the statistics instead. This cannot be undone.',
  'settings.purge.before': 'Delete everything before',
  'settings.purge.submit': 'Delete data before this day',
  'settings.purge.done': 'Data before {day} deleted, with its sums (raw events and visits: {rows}).',
  'settings.confirm.label': 'Type {domain} to confirm',
  'sites.check.dropped': 'A test visit from {host} was not counted: {why}',
  'sites.check.drop.localhost': 'pages on localhost are not counted unless the script tag has data-local. Add data-local to test from your own computer.',
  'sites.check.drop.hostname-not-allowed': 'its host is not among the allowed hostnames. Add {host} to Allowed hostnames in the site’s settings, or test from the site itself.',
  'sites.check.drop.excluded-ip': 'your address is excluded in the site’s settings (Exclusions, IP addresses and ranges).',
  'sites.check.drop.excluded-path': 'the page is excluded in the site’s settings (Exclusions, Pages).',
  'sites.check.drop.do-not-track': 'the browser sends Do Not Track, which Teller honours. Test in a browser without it.',
  'sites.check.drop.global-privacy-control': 'the browser sends Global Privacy Control, which Teller honours. Test in a browser without it.',
  'sites.check.local':
    'Testing from your own computer (localhost)? Add data-local to the script tag: <script defer data-local data-domain="…" src="…"></script>. With allowed hostnames set, add localhost or 127.0.0.1 to them as well.',
};
