import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { wantedHeaders } from '../../server/node/event-listener.ts';
import { FIREFOX_WINDOWS, type TestServer, startTestServer } from '../helpers/server.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * POSTs `body` to /api/event. With a Content-Length it takes node:http's own path
 * (server/node/event-listener.ts); sent chunked, with none, it goes through Hono's route.
 */
function post(server: TestServer, body: string, headers: Record<string, string>, chunked: boolean, path = '/api/event'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, { method: 'POST', headers: chunked ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => void (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (chunked) {
      // Two writes without a length: Node sends Transfer-Encoding: chunked.
      req.write(body.slice(0, 5));
      req.end(body.slice(5));
    } else req.end(body);
  });
}

/** What the two paths must agree on: everything but the date and how the body's length is told. */
function comparable(a: Answer) {
  const { date: _date, 'content-length': _length, 'transfer-encoding': _encoding, connection: _connection, 'keep-alive': _keepAlive, ...headers } = a.headers;
  return { status: a.status, headers, body: a.body };
}

const UA = { 'content-type': 'text/plain', 'user-agent': FIREFOX_WINDOWS };
const pageview = (path: string) => JSON.stringify({ n: 'pageview', u: `https://example.com${path}`, d: 'example.com' });

describe('events straight off node:http', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  it('answers every kind of event exactly as the Hono route does, and stores what it accepts', async () => {
    server = await startTestServer();
    await server.addSite('example.com');
    const cases: Array<[body: string, headers: Record<string, string>]> = [
      [pageview('/a'), UA],
      [pageview('/b'), { ...UA, 'user-agent': 'curl/8.0' }],
      [pageview('/c'), { ...UA, dnt: '1' }],
      [JSON.stringify({ n: 'pageview', u: 'https://unknown.example/', d: 'unknown.example' }), UA],
      ['{not json', UA],
      [JSON.stringify({ n: 'Signup', u: 'https://example.com/d', d: 'example.com', p: { plan: 'pro' } }), UA],
    ];
    for (const [body, headers] of cases) {
      const raw = await post(server, body, headers, false);
      const hono = await post(server, body, headers, true);
      expect(comparable(raw)).toEqual(comparable(hono));
      expect(raw.headers['access-control-allow-origin']).toBe('*');
      expect(raw.headers['cache-control']).toBe('no-store');
      expect(raw.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await post(server, pageview('/a'), UA, false)).status).toBe(202);
    expect((await post(server, pageview('/q'), UA, false, '/api/event?from=test')).status).toBe(202);
    const rows = await server.db.all<{ path: string; n: number }>('SELECT path, count(*) AS n FROM events GROUP BY path ORDER BY path');
    // Each stored case twice (once per path), the first pageview once more, and the one sent with a query string.
    expect(rows).toEqual([{ path: '/a', n: 3 }, { path: '/d', n: 2 }, { path: '/q', n: 1 }]);
  });

  it('tells a client that came over TLS through a trusted proxy to keep to it, on both paths', async () => {
    server = await startTestServer({ config: { trustProxy: 1 } });
    await server.addSite('example.com');
    const behind = { ...UA, 'x-forwarded-for': '81.167.1.1', 'x-forwarded-proto': 'https' };
    for (const chunked of [false, true]) {
      expect((await post(server, pageview('/tls'), behind, chunked)).headers['strict-transport-security']).toBe('max-age=31536000');
      expect((await post(server, pageview('/plain'), { ...behind, 'x-forwarded-proto': 'http' }, chunked)).headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('leaves a body over the limit to Hono, which reads and refuses it with 413', async () => {
    server = await startTestServer({ config: { maxBodyBytes: 100 } });
    await server.addSite('example.com');
    const big = JSON.stringify({ n: 'pageview', u: `https://example.com/${'x'.repeat(200)}`, d: 'example.com' });
    for (const chunked of [false, true]) expect((await post(server, big, UA, chunked)).status).toBe(413);
    expect(await server.db.all('SELECT id FROM events')).toEqual([]);
  });
});

describe('wantedHeaders', () => {
  it('keeps only the headers the Events API reads, by lower-case name, repeated ones joined as Headers joins them', () => {
    const headers = wantedHeaders(['Host', 'example.com', 'X-Forwarded-For', '10.0.0.1', 'Cookie', 'secret', 'x-forwarded-for', '81.167.1.1', 'User-Agent', 'UA', 'DNT', '1']);
    expect([...headers]).toEqual([
      ['host', 'example.com'],
      ['x-forwarded-for', '10.0.0.1, 81.167.1.1'],
      ['user-agent', 'UA'],
      ['dnt', '1'],
    ]);
  });
});
