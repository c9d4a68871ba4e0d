import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/core/config.ts';
import { createApp } from '../../server/core/http/app.ts';
import type { AppDeps } from '../../server/core/ports.ts';
import { tempDb } from '../helpers/db.ts';
import { MemoryLog } from '../helpers/server.ts';

describe('/healthz', () => {
  let t: ReturnType<typeof tempDb>;
  beforeEach(() => {
    t = tempDb();
  });
  afterEach(() => t.cleanup());

  const app = (ingestDown: () => string | null) => {
    const deps: AppDeps = {
      db: t.db,
      ingest: async () => ({ status: 503, failure: 'not used here' }),
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
});
