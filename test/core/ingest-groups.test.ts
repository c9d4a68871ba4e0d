import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessedEvent } from '../../server/core/ingest/event.ts';
import { createSite } from '../../server/core/sites.ts';
import { GroupCommitWriter } from '../../server/core/writer/group-commit.ts';
import { tempDb } from '../helpers/db.ts';
import { visitAttributes } from '../helpers/visit-attributes.ts';

const T0 = Date.UTC(2026, 11, 6, 5, 0, 0) / 1000;

function pageview(siteId: number, visitor: number): ProcessedEvent {
  return {
    siteId, ts: T0, kind: 'pageview', visitor, name: 'pageview', hostname: 'shop.no', path: `/p${visitor % 7}`,
    siteSearch: null, props: [], revenue: null, visit: visitAttributes({
      referrer: null, source: null, channel: 'Direct', country: 'NO', browser: 'Firefox', browserVersion: '133.0',
      os: 'Windows', osVersion: '10', device: 'Desktop',
    }),
  };
}

// The ingest thread's writer (server/node/ingest-worker.ts) takes the default: a commit's
// WAL frames and fsync are paid once per group, so it writes everything that waits.
describe('group commit, default group size', () => {
  let t: ReturnType<typeof tempDb>;
  let siteId: number;
  beforeEach(async () => {
    t = tempDb();
    siteId = (await createSite(t.db, { domain: 'shop.no' }, T0 * 1000)).id;
  });
  afterEach(() => t.cleanup());

  it('takes every queued event in one transaction, at most 1000, and acknowledges each after its commit', async () => {
    const flushes: (() => void)[] = [];
    const batches: number[] = [];
    const db = { ...t.db, batch: (stmts: Parameters<typeof t.db.batch>[0]) => (batches.push(stmts.length), t.db.batch(stmts)) };
    const writer = new GroupCommitWriter(db, { schedule: (run) => flushes.push(run) });
    let acknowledged = 0;
    const writes = Array.from({ length: 1500 }, (_, i) => writer.write(pageview(siteId, i)).then(() => acknowledged++));
    const stored = async () => (await t.db.first<{ n: number }>('SELECT count(*) AS n FROM events'))!.n;
    flushes.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([batches.length, await stored(), acknowledged]).toEqual([1, 1000, 1000]);
    flushes.shift()!();
    await Promise.all(writes);
    expect([batches.length, await stored(), acknowledged, flushes.length]).toEqual([2, 1500, 1500, 0]);
  });
});
