/** Bokmål for polish.en.ts. */
import type { polish as English } from './polish.en.ts';

export const polish: Record<keyof typeof English, string> = {
  'share.rename': 'Gi nytt navn',
  'share.renameOne': 'Gi «{name}» nytt navn',
  'share.newName': 'Nytt navn på «{name}»',
  'share.renamed': 'Nytt navn lagret.',
  'sv.filter.tooManyValues': 'En visning kan filtrere på høyst {n} verdier i alt: fjern noen før du legger til flere.',
};
