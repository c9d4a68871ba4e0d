import { describe, expect, it } from 'vitest';
import { compileExclusions, pathPattern } from '../../server/core/ingest/exclusions.ts';
import { parseIp } from '../../server/core/ingest/ip.ts';
import { describePage } from '../../server/core/ingest/page.ts';

const DEFAULT_SEARCH = ['s', 'q', 'search', 'query'];

describe('describePage', () => {
  it('keeps the path and never the query string', () => {
    const p = describePage(new URL('https://WWW.Shop.no/kasse/?email=a@b.no&token=secret#x'), false, DEFAULT_SEARCH);
    expect(p).toEqual({ hostname: 'shop.no', path: '/kasse', siteSearch: null });
  });
  it('keeps the fragment in hash mode', () => {
    expect(describePage(new URL('https://shop.no/#/cart?x=1'), true, DEFAULT_SEARCH).path).toBe('/#/cart?x=1');
    expect(describePage(new URL('https://shop.no/app#/cart'), false, DEFAULT_SEARCH).path).toBe('/app');
  });
  it('decodes percent-encoding and survives bad encoding', () => {
    expect(describePage(new URL('https://shop.no/bl%C3%A5b%C3%A6r'), false, []).path).toBe('/blåbær');
    expect(describePage(new URL('https://shop.no/%E0%A4%A'), false, []).path).toBe('/%E0%A4%A');
  });
  it('takes site search words from the first configured parameter present', () => {
    expect(describePage(new URL('https://shop.no/?s=  varme   sokker '), false, DEFAULT_SEARCH).siteSearch).toBe('varme sokker');
    expect(describePage(new URL('https://shop.no/sok?query=ull&q='), false, DEFAULT_SEARCH).siteSearch).toBe('ull');
    expect(describePage(new URL('https://shop.no/?term=ull'), false, ['term']).siteSearch).toBe('ull');
    expect(describePage(new URL('https://shop.no/?term=ull'), false, DEFAULT_SEARCH).siteSearch).toBeNull();
  });
});

describe('exclusions', () => {
  it('matches path patterns the Plausible way', () => {
    expect(pathPattern('/admin/*').test('/admin/users')).toBe(true);
    expect(pathPattern('/admin/*').test('/admin/users/1')).toBe(false);
    expect(pathPattern('/admin/**').test('/admin/users/1')).toBe(true);
    expect(pathPattern('/blog/*.html').test('/blog/a.html')).toBe(true);
    expect(pathPattern('/a.b').test('/axb')).toBe(false);
  });
  it('compiles a site’s IP, path and hostname rules', () => {
    const ex = compileExclusions({ excludedIps: ['203.0.113.0/24', 'garbage'], excludedPaths: ['/private/**'], allowedHostnames: ['shop.no', '*.shop.no'] });
    expect(ex.ipExcluded(parseIp('203.0.113.9')!)).toBe(true);
    expect(ex.ipExcluded(parseIp('81.167.1.1')!)).toBe(false);
    expect(ex.pathExcluded('/private/a/b')).toBe(true);
    expect(ex.pathExcluded('/public')).toBe(false);
    expect(ex.hostnameAllowed('shop.no')).toBe(true);
    expect(ex.hostnameAllowed('blog.shop.no')).toBe(true);
    expect(ex.hostnameAllowed('evilshop.no')).toBe(false);
    expect(compileExclusions({ excludedIps: [], excludedPaths: [], allowedHostnames: [] }).hostnameAllowed('anything.test')).toBe(true);
  });
});

describe('localDay', () => {
  it('gives the site-local date, also across midnight and on DST days', async () => {
    const { localDay } = await import('../../server/core/time.ts');
    expect(localDay(Date.UTC(2026, 10, 24, 22, 59, 59), 'Europe/Oslo')).toBe('2026-11-24');
    expect(localDay(Date.UTC(2026, 10, 24, 23, 0, 0), 'Europe/Oslo')).toBe('2026-11-25');
    expect(localDay(Date.UTC(2026, 10, 24, 23, 0, 0), 'Etc/UTC')).toBe('2026-11-24');
    expect(localDay(Date.UTC(2026, 10, 24, 18, 29, 0), 'Asia/Kolkata')).toBe('2026-11-24');
    expect(localDay(Date.UTC(2026, 10, 24, 18, 30, 0), 'Asia/Kolkata')).toBe('2026-11-25');
    expect(localDay(Date.UTC(2026, 2, 29, 21, 59, 0), 'Europe/Oslo')).toBe('2026-03-29');
    expect(localDay(Date.UTC(2026, 2, 29, 22, 0, 0), 'Europe/Oslo')).toBe('2026-03-30');
  });
});
