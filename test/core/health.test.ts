import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/core/config.ts';
import { createApp } from '../../server/core/http/app.ts';
import type { AppDeps } from '../../server/core/http/app-deps.ts';
import { tempDb } from '../helpers/db.ts';
import { MemoryLog } from '../helpers/server.ts';

describe('/healthz', () => {
  let t: ReturnType<typeof tempDb>;
  beforeEach(() => {
    t = tempDb();
  });
  afterEach(() => t.cleanup());

  const app = (ingestDown: () => string | null, ingest: AppDeps['ingest'] = async () => ({ status: 503, failure: 'not used here' })) => {
    const deps: AppDeps = {
      db: t.db,
      ingest,
      ingestDown,
      remoteAddress: () => null,
      clock: Date.now,
      config: parseConfig({}),
      log: new MemoryLog(),
    };
    return createApp(deps);
  };

  it('answers 503 naming the reason while events cannot be stored', async () => {
    const res = await app(() => 'ingest thread exited (1)').request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'error', database: 'writable', ingest: 'ingest thread exited (1)' });
  });

  it('answers 200 when the database is writable and ingest is up', async () => {
    const res = await app(() => null).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'writable', ingest: 'ok' });
  });

  it('reports a failed store until an event is stored again, though its own probe passes', async () => {
    const outcomes: Array<Awaited<ReturnType<AppDeps['ingest']>>> = [{ status: 503, failure: 'database or disk is full' }, { status: 202 }];
    const served = app(() => null, async () => outcomes.shift()!);
    const event = () => served.request('/api/event', { method: 'POST', body: '{"n":"pageview","u":"https://example.com/","d":"example.com"}' });
    expect((await event()).status).toBe(503);
    const down = await served.request('/healthz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'error', database: 'not writable: database or disk is full', ingest: 'ok' });
    expect((await event()).status).toBe(202);
    expect((await served.request('/healthz')).status).toBe(200);
  });
});
