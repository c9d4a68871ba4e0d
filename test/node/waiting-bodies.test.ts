import { afterEach, describe, expect, it } from 'vitest';
import type { IngestRequest } from '../../server/core/ingest/ingest.ts';
import { createSite } from '../../server/core/sites.ts';
import { startIngestThread } from '../../server/node/ingest-thread.ts';
import { boundWaitingBodies } from '../../server/node/server.ts';
import { tempDb } from '../helpers/db.ts';
import { FIREFOX_WINDOWS, MemoryLog } from '../helpers/server.ts';

const CONFIG = { trustProxy: 0, ipStorage: 'truncated', eventRateLimit: 0 } as const;

/** A pageview whose body is exactly `chars` characters long. */
const request = (i: number, chars: number): IngestRequest => {
  const head = JSON.stringify({ n: 'pageview', u: `https://example.com/p${i}?`, d: 'example.com' });
  const body = JSON.stringify({ n: 'pageview', u: `https://example.com/p${i}?${'x'.repeat(chars - head.length)}`, d: 'example.com' });
  expect(body).toHaveLength(chars);
  return { body, contentType: 'text/plain', remoteAddress: '81.167.1.1', forwardedFor: null, headers: { 'user-agent': FIREFOX_WINDOWS }, receivedAt: Date.now() };
};

describe('bound in bytes on the events waiting for the ingest thread', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('answers 503 at once past the bytes its waiting events may hold (two a body character), stores the rest, and has room again once they are answered', async () => {
    const t = tempDb();
    cleanups.push(t.cleanup);
    await createSite(t.db, { domain: 'example.com' }, Date.now());
    const thread = startIngestThread({ dbPath: t.path, config: CONFIG }, new MemoryLog());
    try {
      const ingest = boundWaitingBodies(thread.ingest, 2000, 0);
      // 300 characters, 600 bytes each: three fit in 2,000, the fourth would not.
      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => ingest(request(i, 300))));
      expect(outcomes.slice(0, 3)).toEqual(Array(3).fill({ status: 202 }));
      expect(outcomes.slice(3)).toEqual(Array(7).fill({ status: 503, failure: 'events holding 2000 bytes are already waiting to be stored' }));
      expect(await t.db.all('SELECT path FROM events ORDER BY path')).toEqual([{ path: '/p0' }, { path: '/p1' }, { path: '/p2' }]);

      // Answered events free their share, and a body larger than the whole bound is taken when nothing waits.
      expect(await Promise.all([ingest(request(20, 1500)), ingest(request(21, 300))])).toEqual([
        { status: 202 },
        { status: 503, failure: 'events holding 2000 bytes are already waiting to be stored' },
      ]);
      expect(await ingest(request(22, 900))).toEqual({ status: 202 });
      expect((await t.db.first<{ n: number }>('SELECT count(*) AS n FROM events'))!.n).toBe(5);
    } finally {
      await thread.close();
    }
  });

  it('counts what every waiting event holds besides its body', async () => {
    const t = tempDb();
    cleanups.push(t.cleanup);
    await createSite(t.db, { domain: 'example.com' }, Date.now());
    const thread = startIngestThread({ dbPath: t.path, config: CONFIG }, new MemoryLog());
    try {
      // 4,000 + 2 × 300 = 4,600 bytes each: two fit in 10,000, the third would not.
      const ingest = boundWaitingBodies(thread.ingest, 10_000, 4000);
      const outcomes = await Promise.all(Array.from({ length: 4 }, (_, i) => ingest(request(i, 300))));
      expect(outcomes.map((o) => o.status)).toEqual([202, 202, 503, 503]);
      expect((await t.db.first<{ n: number }>('SELECT count(*) AS n FROM events'))!.n).toBe(2);
    } finally {
      await thread.close();
    }
  });
});
