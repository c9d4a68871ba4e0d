/**
 * Drop notes: only reasons an owner can act on, the page's host and the minute, at most one
 * write per site and reason a minute, and the last day's notes latest first.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../server/core/ports.ts';
import { dropNotes, recentDropNotes } from '../../server/core/ingest/drop-notes.ts';
import { tempDb } from '../helpers/db.ts';

describe('drop notes', () => {
  it('notes actionable reasons at most once a minute per site and reason', async () => {
    const { db, cleanup } = tempDb();
    try {
      let writes = 0;
      const counting: Db = { ...db, all: db.all.bind(db), first: db.first.bind(db), batch: db.batch.bind(db), run: (sql, params) => (writes++, db.run(sql, params)) };
      const note = dropNotes(counting);
      const t0 = Date.UTC(2026, 11, 5, 12, 0, 10);
      const page = new URL('http://www.127.0.0.1.example:8080/x?secret=1');
      for (let i = 0; i < 50; i++) await note(1, 'hostname-not-allowed', page, t0 + i * 100);
      await note(1, 'excluded-ip', new URL('https://shop.example/'), t0);
      await note(1, 'bot', new URL('https://shop.example/'), t0);
      await note(1, 'headless', new URL('https://shop.example/'), t0);
      expect(writes).toBe(2);
      await note(1, 'hostname-not-allowed', new URL('http://localhost/'), t0 + 61_000);
      expect(writes).toBe(3);
      const nowSec = Math.floor((t0 + 61_000) / 1000);
      expect(await recentDropNotes(db, 1, nowSec)).toEqual([
        { reason: 'hostname-not-allowed', hostname: 'localhost', seenAt: Math.floor(t0 / 60_000) * 60 + 60 },
        { reason: 'excluded-ip', hostname: 'shop.example', seenAt: Math.floor(t0 / 60_000) * 60 },
      ]);
      expect(await recentDropNotes(db, 2, nowSec)).toEqual([]);
      expect(await recentDropNotes(db, 1, nowSec + 2 * 86_400)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
