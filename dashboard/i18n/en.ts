/**
 * The English catalogue, merged from one file per area of the dashboard: the strings loaded at
 * start (base-en.ts) and those that come with the other pages' code (pages-en.ts). A new
 * area's file goes into one of those two.
 */
import { strings as base } from './base-en.ts';
import { strings as pages } from './pages-en.ts';

export const catalogue = { ...base, ...pages };
