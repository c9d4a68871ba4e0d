/**
 * Which of the dashboard's files a page names for preloading: the entry's chunks always, the
 * site view's on its paths for a reader who may see it, and the strings of the language the
 * dashboard will pick (`?lang=`, else Accept-Language by preference).
 */
import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../server/core/dashboard-api/contract.ts';
import { asDashboardPreload, type DashboardPreload, langOfTag, preloadPaths } from '../../server/core/dashboard-api/preload.ts';

const LIST: DashboardPreload = {
  initial: ['entry.js'],
  pages: { 'site-view/index.ts': ['view.js', 'shared.js'], 'pages/sites.ts': ['sites.js', 'shared.js'] },
  languages: { en: ['en.js'], nb: ['nb.js', 'shared.js'] },
};
const IN: SessionState = { state: 'in', user: { email: 'a@example.com', role: 'owner' }, sites: [] };
const at = (path: string) => new URL(`https://teller.example${path}`);

describe('the files a dashboard page names for preloading', () => {
  it('names the site view’s chunks on its paths only, once each', () => {
    expect(preloadPaths(LIST, at('/sites/example.com?period=12mo'), IN, 'en-GB')).toEqual(['/dashboard/entry.js', '/dashboard/view.js', '/dashboard/shared.js', '/dashboard/en.js']);
    expect(preloadPaths(LIST, at('/sites/example.com?period=12mo'), IN, 'nb')).toEqual(['/dashboard/entry.js', '/dashboard/view.js', '/dashboard/shared.js', '/dashboard/nb.js']);
    expect(preloadPaths(LIST, at('/sites/example.com/settings'), IN, 'en')).toEqual(['/dashboard/entry.js', '/dashboard/en.js']);
    expect(preloadPaths(LIST, at('/'), IN, 'en')).toEqual(['/dashboard/entry.js', '/dashboard/en.js']);
    // Logged out, the path draws the login page.
    expect(preloadPaths(LIST, at('/sites/example.com'), { state: 'login' }, 'en')).toEqual(['/dashboard/entry.js', '/dashboard/en.js']);
    expect(preloadPaths(LIST, at('/share/abc'), { state: 'shared', site: IN.sites[0] ?? { domain: 'example.com' }, showVisits: false } as SessionState, 'en')).toContain('/dashboard/view.js');
  });

  it('picks the language as the dashboard does, and names nothing without a list', () => {
    expect(preloadPaths(LIST, at('/sites/x?lang=nb'), IN, 'en')).toContain('/dashboard/nb.js');
    expect(preloadPaths(LIST, at('/'), IN, 'de-DE, nn;q=0.9, en;q=0.8')).toContain('/dashboard/nb.js');
    expect(preloadPaths(LIST, at('/'), IN, 'en;q=0.5, nb;q=0.9')).toContain('/dashboard/nb.js');
    expect(preloadPaths(LIST, at('/'), IN, 'nb;q=0, en')).toContain('/dashboard/en.js');
    expect(preloadPaths(LIST, at('/'), IN, undefined)).toContain('/dashboard/en.js');
    expect(preloadPaths(LIST, at('/'), IN, 'fr')).toContain('/dashboard/en.js');
    expect(preloadPaths(undefined, at('/sites/x'), IN, 'en')).toEqual([]);
    expect(['nb-NO', 'nn', 'no', 'en-US', 'fr'].map(langOfTag)).toEqual(['nb', 'nb', 'nb', 'en', null]);
  });

  it('takes a list only in the shape the build writes, with plain file names', () => {
    expect(asDashboardPreload(JSON.parse(JSON.stringify(LIST)))).toEqual(LIST);
    expect(asDashboardPreload({ initial: ['chunk-A1.js', 'pages.css'], pages: {}, languages: {} })).toEqual({ initial: ['chunk-A1.js', 'pages.css'], pages: {}, languages: {} });
    for (const bad of [
      null,
      [],
      'entry.js',
      { initial: 'entry.js', pages: {}, languages: {} },
      { initial: ['entry.js'], pages: [], languages: {} },
      { initial: ['entry.js'], pages: {}, languages: { en: 'en.js' } },
      { initial: ['entry.js'], pages: { 'site-view/index.ts': [1] }, languages: {} },
      // A name that would leave the attribute or the folder is never written into a page.
      { initial: ['"><script>x</script>'], pages: {}, languages: {} },
      { initial: ['../secret.js'], pages: {}, languages: {} },
      { initial: [''], pages: {}, languages: {} },
    ]) {
      expect(asDashboardPreload(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});
