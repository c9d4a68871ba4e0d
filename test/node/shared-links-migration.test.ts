/**
 * Migration 0009 (several named shared links per site): a link made before it, stored as
 * the old one-per-site row with only its token's hash, keeps opening its site afterwards,
 * named "Shared link", and can be listed, renamed and revoked like a new one.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { linkOfToken, revokeSharedLink, siteLinks, updateSharedLink } from '../../server/core/auth/shared-links.ts';
import { tokenHash } from '../../server/core/tokens.ts';
import { MIGRATIONS_DIR, migrate } from '../../server/node/migrate.ts';
import { openSqlite } from '../../server/node/sqlite-db.ts';

const ALL = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
const OLD_TOKEN = 'made-before-named-links-0123456789abcdefghijk';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('keeps a shared link made before 0009 working, named "Shared link"', async () => {
  dir = mkdtempSync(join(tmpdir(), 'teller-links-'));
  const before = join(dir, 'before');
  const older = ALL.filter((name) => name < '0009');
  expect(older.length).toBe(8);
  mkdirSync(before);
  for (const name of older) copyFileSync(join(MIGRATIONS_DIR, name), join(before, name));
  const db = openSqlite(join(dir, 'teller.db'));
  try {
    migrate(db.raw, before);
    db.raw.prepare("INSERT INTO sites (domain, timezone, created_at) VALUES ('old.example', 'Etc/UTC', 0)").run();
    db.raw.prepare('INSERT INTO shared_links (site_id, token_hash, prefix, show_visits, embeddable, created_at) VALUES (1, ?, ?, 1, 0, 1700000000)').run(await tokenHash(OLD_TOKEN), OLD_TOKEN.slice(0, 6));

    expect(migrate(db.raw)).toContain('0009_named_shared_links.sql');
    const link = await linkOfToken(db, OLD_TOKEN);
    expect(link).toMatchObject({ siteId: 1, name: 'Shared link', prefix: 'made-b', showVisits: true, embeddable: false, passwordHash: null, createdAt: 1700000000, token: null, revokedAt: null });
    expect((await siteLinks(db, 1)).map((l) => l.id)).toEqual([link!.id]);
    expect(await updateSharedLink(db, 1, link!.id, { name: 'Board' })).toMatchObject({ name: 'Board', showVisits: true });
    expect(await revokeSharedLink(db, 1, link!.id, Date.now())).toBe(true);
    expect(await linkOfToken(db, OLD_TOKEN)).toBeNull();
  } finally {
    db.close();
  }
});
