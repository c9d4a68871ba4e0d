/** English strings of the Funnels page's editing of a funnel (funnel-form.ts). */
export const funnelsEdit = {
  'funnels.edit': 'Edit this funnel',
  'funnels.edit.title': 'Edit “{name}”',
  'funnels.edit.up': 'Move step {n} up',
  'funnels.edit.down': 'Move step {n} down',
  'funnels.edit.remove': 'Remove step {n}',
  'funnels.edit.removeShort': 'Remove',
  'funnels.edit.save': 'Save changes',
  'funnels.edit.saved': 'Funnel changed',
  'funnels.edit.cancel': 'Cancel',
};
