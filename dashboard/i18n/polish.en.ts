/** Leftovers of issue 19: renaming a shared link, the filter dialog's limit of values. */
export const polish = {
  'share.rename': 'Rename',
  'share.renameOne': 'Rename “{name}”',
  'share.newName': 'New name of “{name}”',
  'share.renamed': 'Renamed.',
  'sv.filter.tooManyValues': 'A view can filter on at most {n} values in all: remove some before adding more.',
};
