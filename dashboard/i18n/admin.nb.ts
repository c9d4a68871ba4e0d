/** Bokmål strings of the admin area: the same keys as admin.en.ts. */
import type { admin as English } from './admin.en.ts';

export const admin: Record<keyof typeof English, string> = {
};
