import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExclusions, pathPattern } from '../../server/core/ingest/exclusions.ts';
import { parseIp } from '../../server/core/ingest/ip.ts';
import { addressWithoutQuery, describePage } from '../../server/core/ingest/page.ts';

const DEFAULT_SEARCH = ['s', 'q', 'search', 'query'];

describe('describePage', () => {
  it('keeps the path and never the query string', () => {
    const p = describePage(new URL('https://WWW.Shop.no/kasse/?email=a@b.no&token=secret#x'), false, DEFAULT_SEARCH);
    expect(p).toEqual({ hostname: 'shop.no', path: '/kasse', siteSearch: null });
  });
  it('keeps the fragment’s route in hash mode, never its parameters', () => {
    const path = (url: string, hashMode = true) => describePage(new URL(url), hashMode, DEFAULT_SEARCH).path;
    expect(path('https://shop.no/#/cart')).toBe('/#/cart');
    expect(path('https://shop.no/#/account/reset?token=SECRET&email=jane@example.com')).toBe('/#/account/reset');
    expect(path('https://shop.no/app/#/orders/7/?tab=items#top')).toBe('/app/#/orders/7/');
    expect(path('https://shop.no/#!/cart?x=1')).toBe('/#!/cart');
    // Parameters written without a `?`: OAuth's implicit flow, Angular's matrix parameters.
    expect(path('https://shop.no/callback#access_token=SECRET&state=xyz')).toBe('/callback#access_token');
    expect(path('https://shop.no/#/users;id=SECRET/orders;page=2')).toBe('/#/users');
    expect(path('https://shop.no/#?token=SECRET')).toBe('/');
    expect(path('https://shop.no/app#/cart', false)).toBe('/app');
  });
  it('ends the path at its first `;`, where parameters begin', () => {
    expect(describePage(new URL('https://shop.no/kasse;jsessionid=SECRET'), false, []).path).toBe('/kasse');
    expect(describePage(new URL('https://shop.no/a;x=/SECRET/b'), false, []).path).toBe('/a');
    // An encoded semicolon is part of the name, not a parameter.
    expect(describePage(new URL('https://shop.no/a%3Bb'), false, []).path).toBe('/a;b');
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

describe('addressWithoutQuery', () => {
  it('keeps scheme, host, port and path of an address, without query, fragment, `;` parameters or credentials', () => {
    expect(addressWithoutQuery('https://partner.example/checkout?email=jane@example.com&token=SECRET#pay')).toBe('https://partner.example/checkout');
    expect(addressWithoutQuery('HTTP://Partner.example:8080/a;jsessionid=SECRET/b?x')).toBe('HTTP://Partner.example:8080/a');
    expect(addressWithoutQuery('https://jane:SECRET@partner.example/?q=ull')).toBe('https://partner.example/');
    expect(addressWithoutQuery('ftp://files.example/report.pdf?sig=SECRET')).toBe('ftp://files.example/report.pdf');
    expect(addressWithoutQuery('//cdn.example/a.js?v=SECRET')).toBe('//cdn.example/a.js');
    expect(addressWithoutQuery(' /account/reset?token=SECRET ')).toBe('/account/reset');
    expect(addressWithoutQuery('/#/reset?token=SECRET')).toBe('/');
  });
  it('leaves every other value as it is', () => {
    for (const value of ['pro', '3', 'Hva koster det? #1', 'mailto:jane@example.com?subject=hei', 'example.com/a?b', '  padded  ', 'a/b?c']) {
      expect(addressWithoutQuery(value)).toBe(value);
    }
  });
});

/**
 * Addresses whose query and fragment parameters carry MARK. Path and route segments are
 * drawn from an alphabet that cannot spell it, so MARK found in a result came from a parameter.
 */
const MARK = 'zqxsecret';
const segment = fc.stringMatching(/^[a-f0-9_~-]{0,6}$/);
const path = fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
const paramName = fc.constantFrom('q', 's', 'token', 'email', 'utm_source', 'k', 'x y', 'søk');
/** A value holding MARK among other text, whitespace and characters URLs escape. */
const secretValue = fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map(([a, b]) => `${a}${MARK}${b}@example.com`);
const params = fc.array(fc.tuple(paramName, secretValue), { minLength: 1, maxLength: 4 });
/** Written as URLSearchParams writes them, or raw as a hand-made link might be. */
const query = fc.tuple(params, fc.boolean()).map(([pairs, encoded]) =>
  encoded ? new URLSearchParams(pairs).toString() : pairs.map(([k, v]) => `${k}=${v.replace(/[#\s]/g, '')}`).join('&'),
);
const separator = fc.constantFrom('?', '&', '=', ';', '#');

describe('no parameter value survives (property)', () => {
  it('in the page path, with or without hash mode; only site-search parameters give search words', () => {
    fc.assert(
      fc.property(path, query, path, separator, query, fc.boolean(), fc.array(paramName, { maxLength: 3 }), (p, q, route, sep, fq, hashMode, siteParams) => {
        const url = new URL(`https://shop.example${p}?${q}#${route}${sep}${fq}`);
        const page = describePage(url, hashMode, siteParams);
        expect(page.path.toLowerCase()).not.toContain(MARK);
        const searched = siteParams.some((name) => url.searchParams.has(name));
        if (!searched) expect(page.siteSearch).toBeNull();
        // What is not a parameter is kept: the path, and in hash mode the fragment's route.
        expect(page.path).toBe(hashMode ? `${p}#${route}` : p.replace(/\/+$/, '') || '/');
      }),
      { numRuns: 500 },
    );
  });

  it('in a property value written as an address', () => {
    const scheme = fc.constantFrom('https://', 'http://', 'HTTPS://', '//', 'ftp://', '');
    const credentials = fc.constantFrom('', `jane:${MARK}@`, `${MARK}@`);
    fc.assert(
      fc.property(scheme, credentials, path, separator, query, fc.option(query), (s, cred, p, sep, q, frag) => {
        const value = s === '' ? `${p}?${q}` : `${s}${cred}partner.example${p}${sep === '&' || sep === '=' ? '?' : sep}${q}${frag === null ? '' : `#${frag}`}`;
        const kept = addressWithoutQuery(value);
        expect(kept.toLowerCase()).not.toContain(MARK);
        expect(kept).toBe(s === '' ? p : `${s}partner.example${p}`);
      }),
      { numRuns: 500 },
    );
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
