/** English strings of the comparison, the chart's tooltip, drill-downs and annotations (issue 19). */
export const compareChart = {
  'sv.compare.match': 'Match day of week',
  'sv.compare.with': 'Compared with {period}.',
  'sv.compare.until': '{day} until {time}',
  'sv.compare.none': 'Nothing to compare: tracking began on {day}, after the comparison period ({period}).',
  'sv.compare.partial': 'Compared with {period}, but tracking began on {day}: changes look larger than they are.',
  'sv.ann.confirm': 'Delete the annotation of {day}, “{text}”?',
  'sv.ann.confirm.yes': 'Delete',
  'sv.ann.confirm.no': 'Keep',
  'sv.ann.missing.text': 'Write a note to save (what happened that day).',
  'sv.ann.missing.day': 'Pick the day the note is about.',
  'sv.ann.cancel': 'Cancel',
} as const;
