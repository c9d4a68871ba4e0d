/** The bokmål catalogue: the same keys as en.ts, checked by the type and by test/dashboard/i18n.test.ts. */
import type { Key } from './index.ts';
import { strings as base } from './base-nb.ts';
import { strings as pages } from './pages-nb.ts';

export const catalogue: Record<Key, string> = { ...base, ...pages };
