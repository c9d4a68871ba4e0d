import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PROPS, parseEventPayload } from '../../server/core/ingest/payload.ts';
import { requestDropReason } from '../../server/core/ingest/pipeline.ts';

const ok = (body: unknown, contentType = 'text/plain') => {
  const r = parseEventPayload(typeof body === 'string' ? body : JSON.stringify(body), contentType);
  if (!r.ok) throw new Error(r.error);
  return r.payload;
};
const err = (body: unknown, contentType = 'application/json') => {
  const r = parseEventPayload(typeof body === 'string' ? body : JSON.stringify(body), contentType);
  if (r.ok) throw new Error('expected an error');
  return r.error;
};

describe('parseEventPayload', () => {
  it('reads short and long field names whatever the content type', () => {
    const short = ok({ n: 'pageview', u: 'https://Example.com/a', d: 'example.com', r: 'https://bing.com/', w: 1280 });
    const long = ok({ name: 'pageview', url: 'https://Example.com/a', domain: 'example.com', referrer: 'https://bing.com/', screen_width: 1280 }, 'application/json');
    expect(short).toEqual(long);
    expect(short.domains).toEqual(['example.com']);
    expect(short.screenWidth).toBe(1280);
    expect(ok({ n: 'pageview', u: 'https://example.com/' }, 'application/x-www-form-urlencoded').name).toBe('pageview');
  });
  it('parses form-encoded bodies', () => {
    const p = ok('n=pageview&u=https%3A%2F%2Fexample.com%2Fx&d=example.com', 'application/x-www-form-urlencoded');
    expect(p.url.pathname).toBe('/x');
  });
  it('takes the domain from the URL host, lower-cased without www', () => {
    expect(ok({ n: 'pageview', u: 'https://WWW.Example.COM/' }).domains).toEqual(['example.com']);
    expect(ok({ n: 'pageview', u: 'https://x.com/', d: 'A.com, www.b.com' }).domains).toEqual(['a.com', 'b.com']);
  });
  it('accepts r: null and ignores unknown keys', () => {
    const p = ok({ n: 'pageview', u: 'https://example.com/', r: null, zzz: [1, 2], nested: { a: 1 } });
    expect(p.referrer).toBeNull();
  });
  it('honours h: 1, engagement and i: false', () => {
    expect(ok({ n: 'pageview', u: 'https://e.com/#/a', h: 1 }).hashMode).toBe(true);
    expect(ok({ n: 'engagement', u: 'https://e.com/', sd: 50, e: 3000 }).interactive).toBe(false);
    expect(ok({ n: 'Video', u: 'https://e.com/', i: false }).interactive).toBe(false);
    expect(ok({ n: 'Signup', u: 'https://e.com/' }).interactive).toBe(true);
  });
  it('reads props from every alias, as object or JSON string, and drops what is not a scalar', () => {
    for (const key of ['p', 'props', 'm', 'meta']) {
      expect(ok({ n: 'Signup', u: 'https://e.com/', [key]: { plan: 'pro' } }).props).toEqual([['plan', 'pro']]);
    }
    const p = ok({ n: 'Signup', u: 'https://e.com/', p: JSON.stringify({ a: 1, b: true, c: '', d: null, e: [1], f: { x: 1 }, g: 'ok' }) });
    expect(p.props).toEqual([['a', '1'], ['b', 'true'], ['g', 'ok']]);
  });
  it('caps props silently', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(3000)]));
    const p = ok({ n: 'Signup', u: 'https://e.com/', p: { ...many, ['x'.repeat(301)]: 'long key' } });
    expect(p.props).toHaveLength(MAX_PROPS);
    expect(p.props.every(([, v]) => v.length === 2000)).toBe(true);
  });
  it('reads revenue', () => {
    expect(ok({ n: 'Purchase', u: 'https://e.com/', $: { amount: 10.5, currency: 'usd' } }).revenue).toEqual({ amount: '10.5', currency: 'USD' });
    expect(ok({ n: 'Purchase', u: 'https://e.com/', revenue: { amount: 'abc', currency: 'USD' } }).revenue).toBeNull();
  });
  it('names what is missing or malformed', () => {
    expect(err({ u: 'https://e.com/' })).toMatch(/name/);
    expect(err({ n: 'pageview' })).toMatch(/url/);
    expect(err({ n: 'pageview', u: 'not a url' })).toMatch(/url/);
    expect(err({ n: 'pageview', u: 'javascript:alert(1)' })).toMatch(/url/);
    expect(err({ n: 'pageview', u: `https://e.com/${'a'.repeat(5000)}` })).toMatch(/url/);
    expect(err({ n: 'x'.repeat(121), u: 'https://e.com/' })).toMatch(/name/);
    expect(err('{"n":')).toMatch(/JSON/);
    expect(err('[1,2]')).toMatch(/object/);
    expect(err('')).toMatch(/empty/);
    expect(err({ n: 'pageview', u: 'https://e.com/', d: { x: 1 } })).toMatch(/domain/);
  });
  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded', ''), (body, type) => {
        const r = parseEventPayload(body, type);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });
});

describe("the owner's own tests (data-local)", () => {
  const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36';
  const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const CRAWLER = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
  const headers = (entries: Record<string, string> = {}) => ({ get: (name: string) => entries[name] ?? null });
  const drop = (body: object, userAgent: string, signals: Record<string, string> = {}) =>
    requestDropReason(ok({ n: 'pageview', d: 'example.com', ...body }), { userAgent, headers: headers(signals) });

  it('counts localhost and headless browsers only when the tracker says l: 1', () => {
    expect(drop({ u: 'http://localhost:3000/' }, CHROME)).toBe('localhost');
    expect(drop({ u: 'http://localhost:3000/', l: 1 }, CHROME)).toBeNull();
    expect(drop({ u: 'https://example.com/' }, HEADLESS)).toBe('headless');
    expect(drop({ u: 'https://example.com/', l: 1 }, HEADLESS)).toBeNull();
  });

  it('still refuses crawlers and the visitor’s privacy signals', () => {
    expect(drop({ u: 'http://localhost:3000/', l: 1 }, CRAWLER)).toBe('bot');
    expect(drop({ u: 'http://localhost:3000/', l: 1 }, CHROME, { dnt: '1' })).toBe('do-not-track');
    expect(drop({ u: 'http://localhost:3000/', l: 1 }, CHROME, { 'sec-gpc': '1' })).toBe('global-privacy-control');
  });

  it('stores a page opened from disk as a localhost page, and refuses it without the flag, saying why', () => {
    expect(ok({ n: 'pageview', u: 'file:///home/me/site/index.html?x=1', d: 'example.com', l: 1 }).url.href).toBe('http://localhost/home/me/site/index.html?x=1');
    expect(err({ n: 'pageview', u: 'file:///home/me/site/index.html', d: 'example.com' })).toMatch(/file: pages count only with data-local/);
  });
});
