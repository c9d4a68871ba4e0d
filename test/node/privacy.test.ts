import { readFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, sendEvent, startTestServer } from '../helpers/server.ts';

// Distinctive values, so a match in the file's bytes can only be the value itself.
const IPS = ['84.208.20.113', '193.213.112.47', '2a01:798:1234:5678:9abc:def0:1234:5678', '81.167.36.219'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.205 Safari/537.36 PrivacyProbe/7731',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15 PrivacyProbe/7732',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.200 Mobile Safari/537.36 PrivacyProbe/7733',
];

function fileBytes(path: string): Buffer {
  return existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
}

describe('privacy', () => {
  let server: TestServer;
  const responses: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({ config: { trustProxy: 1 } });
    await server.addSite('example.com');
    for (const ip of IPS) {
      for (const ua of AGENTS) {
        for (const n of ['pageview', 'Signup']) {
          const res = await sendEvent(server, { n, u: 'https://example.com/?email=kari.nordmann@example.no&token=s3cr3t-reset', d: 'example.com', r: 'https://bing.com/search?q=ull' }, { 'x-forwarded-for': ip, 'user-agent': ua });
          expect(res.status).toBe(202);
          responses.push(JSON.stringify([...res.headers]) + (await res.text()));
        }
      }
      // A rejected request must not echo the address or agent either.
      const bad = await sendEvent(server, { n: 'pageview', d: 'example.com' }, { 'x-forwarded-for': ip, 'user-agent': AGENTS[0]! });
      responses.push(JSON.stringify([...bad.headers]) + (await bad.text()));
    }
  });
  afterAll(() => server.stop());

  it('stored the events', async () => {
    expect((await server.db.first<{ n: number }>('SELECT count(*) AS n FROM events'))!.n).toBe(IPS.length * AGENTS.length * 2);
  });

  it('keeps no full IP, user agent or query string in the database file or its WAL', () => {
    const bytes = Buffer.concat([fileBytes(server.dbPath), fileBytes(`${server.dbPath}-wal`)]);
    expect(bytes.length).toBeGreaterThan(0);
    const text = bytes.toString('latin1');
    // The WAL holds the pages just written: the test would see leaks there first.
    expect(fileBytes(`${server.dbPath}-wal`).length).toBeGreaterThan(0);
    for (const ip of IPS) expect(text.includes(ip), ip).toBe(false);
    expect(text.includes('2a01:798:1234:5678')).toBe(false);
    for (const ua of AGENTS) {
      expect(text.includes(ua)).toBe(false);
      expect(text.includes('PrivacyProbe')).toBe(false);
    }
    expect(text.includes('kari.nordmann')).toBe(false);
    expect(text.includes('s3cr3t-reset')).toBe(false);
    // What is stored instead: the truncated network.
    expect(text.includes('84.208.20.0')).toBe(true);
  });

  it('logs and answers nothing of them', () => {
    const all = server.log.lines.join('\n') + responses.join('\n');
    for (const ip of IPS) expect(all.includes(ip)).toBe(false);
    expect(all.includes('PrivacyProbe')).toBe(false);
  });

  it('never sets a cookie', () => {
    expect(responses.some((r) => r.toLowerCase().includes('set-cookie'))).toBe(false);
  });
});
