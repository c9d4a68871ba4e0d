/** English strings of the admin forms' helpers: the timezone picker, the password rule, viewers' sites. */
export const forms = {
  'tz.placeholder': 'City or region, e.g. Europe/Oslo',
  'tz.browser': "Your browser's zone: {zone} ({offset})",
  'tz.useBrowser': 'Use it',
  'tz.now': 'Now {time} there, {offset}.',
  'tz.required': 'Choose the timezone your reports count days in.',
  'tz.unknown': '"{zone}" is not a timezone Teller knows: pick one from the list (an IANA name such as Europe/Oslo).',
  'password.rule': 'At least {n} characters. A few unrelated words make a strong password that is easy to remember.',
  'password.left': 'At least {n} characters: {left} more to go.',
  'password.tooShort': 'Too short: a password needs at least {n} characters.',
  'field.emailRequired': 'Enter an e-mail address.',
  'field.emailInvalid': '"{email}" is not an e-mail address.',
  'users.noSites.confirm': '{email} will see no site until you tick one for them here. Add this viewer anyway?',
  'users.noSites.add': 'Add without sites',
  'users.add.doneNoSites': '{email} can now log in, but sees no site until you tick one.',
  'users.seesNothing': 'Sees no site',
};
