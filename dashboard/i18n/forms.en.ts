/** English strings of the admin forms' helpers: the timezone picker, the password rule, viewers' sites. */
export const forms = {
  'tz.placeholder': 'Type a city or region, e.g. Europe/Oslo',
  'tz.browser': "Your browser's zone: {zone} ({offset})",
  'tz.useBrowser': 'Use it',
  'tz.now': 'Now {time} there, {offset}.',
  'tz.required': 'Choose the timezone your reports count days in.',
  'tz.unknown': '"{zone}" is not a timezone Teller knows: pick one from the list (an IANA name such as Europe/Oslo).',
};
