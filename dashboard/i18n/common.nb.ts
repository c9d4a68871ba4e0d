/** Bokmål strings of the common area: the same keys as common.en.ts. */
import type { common as English } from './common.en.ts';

export const common: Record<keyof typeof English, string> = {
};
