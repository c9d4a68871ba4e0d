/**
 * Upgrading in place: a database made at the first schema version and filled as that
 * version's code filled it is migrated to the latest, and keeps its data and answers.
 *
 * When a migration is added, give `FILLS` a step for the schema it leaves behind (rows
 * shaped as that version's code wrote them) if it changes what is stored, and extend the
 * checks with what the new version must still answer.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import { runQuery } from '../../server/core/query/execute.ts';
import { findSite } from '../../server/core/sites.ts';
import { tokenHash, verifyToken } from '../../server/core/tokens.ts';
import { MIGRATIONS_DIR, migrate } from '../../server/node/migrate.ts';
import { openSqlite, type SqliteDb } from '../../server/node/sqlite-db.ts';

const ALL = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
const DAY = '2026-03-10';
const OLD_TOKEN = 'tlr_made-by-version-one';
const at = (time: string) => Math.floor(Date.parse(`${DAY}T${time}Z`) / 1000);

/** Rows as the code of the first schema version wrote them (visits.events counts custom events only). */
async function fillVersion1(db: SqliteDb): Promise<void> {
  const raw = db.raw;
  raw.prepare("INSERT INTO sites (domain, timezone, retention_days, excluded_paths, created_at) VALUES ('shop.no', 'Europe/Oslo', NULL, '[\"/admin/**\"]', ?)").run(at('00:00:00'));
  const visit = raw.prepare(
    `INSERT INTO visits (site_id, visitor, started_at, ended_at, pageviews, events, entry_page, exit_page, hostname, channel, source, country, browser, os, device, ip)
     VALUES (1, ?, ?, ?, ?, ?, '/', ?, 'shop.no', ?, ?, ?, 'Firefox', 'Windows', 'Desktop', ?)`,
  );
  const event = raw.prepare("INSERT INTO events (site_id, visit_id, visitor, ts, name, hostname, path) VALUES (1, ?, ?, ?, ?, 'shop.no', ?)");
  const v1 = Number(visit.run(11, at('09:00:00'), at('09:05:00'), 2, 0, '/pricing', 'Organic Search', 'Google', 'NO', '84.208.20.0').lastInsertRowid);
  event.run(v1, 11, at('09:00:00'), 'pageview', '/');
  event.run(v1, 11, at('09:05:00'), 'pageview', '/pricing');
  const v2 = Number(visit.run(12, at('13:00:00'), at('13:00:00'), 1, 1, '/', 'Direct', null, 'SE', null).lastInsertRowid);
  event.run(v2, 12, at('13:00:00'), 'pageview', '/');
  const custom = Number(event.run(v2, 12, at('13:00:00'), 'Signup', '/').lastInsertRowid);
  raw.prepare("INSERT INTO event_props (event_id, site_id, key, value) VALUES (?, 1, 'plan', 'pro')").run(custom);
  raw.prepare("INSERT INTO users (email, password_hash, created_at) VALUES ('owner@shop.no', 'pbkdf2-sha256$1$00$00', 0)").run();
  // A site token as version 1 stored it: only its hash.
  raw.prepare('INSERT INTO tokens (token_hash, site_id, created_at) VALUES (?, 1, 0)').run(await tokenHash(OLD_TOKEN));
}

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('migrations', () => {
  it('upgrade a database of the first version, filled as that version did, keeping data and answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teller-migrate-'));
    dirs.push(dir);
    const first = join(dir, 'first');
    mkdirSync(first);
    copyFileSync(join(MIGRATIONS_DIR, ALL[0]!), join(first, ALL[0]!));

    const db = openSqlite(join(dir, 'teller.db'));
    try {
      expect(migrate(db.raw, first)).toEqual([ALL[0]]);
      await fillVersion1(db);

      expect(migrate(db.raw)).toEqual(ALL.slice(1));
      expect(migrate(db.raw)).toEqual([]);
      expect(db.raw.pragma('integrity_check', { simple: true })).toBe('ok');

      const site = await findSite(db, 'shop.no');
      expect(site).toMatchObject({ domain: 'shop.no', timezone: 'Europe/Oslo', excludedPaths: ['/admin/**'] });
      expect(db.raw.prepare('SELECT email FROM users').pluck().all()).toEqual(['owner@shop.no']);
      // A token made before the upgrade still reads its site.
      expect(await verifyToken(db, { adminToken: null }, OLD_TOKEN)).toEqual({ admin: false, siteId: 1, scopes: ['stats'] });

      const now = Date.parse('2026-03-12T12:00:00Z');
      const ask = (body: Record<string, unknown>) => runQuery(db, parseQuery({ site_id: 'shop.no', date_range: [DAY, DAY], ...body }, site!, Math.floor(now / 1000), null));
      const expected = { visitors: 2, visits: 2, pageviews: 3, events: 4 };
      const totals = await ask({ metrics: ['visitors', 'visits', 'pageviews', 'events'] });
      expect(totals.results).toEqual([{ metrics: Object.values(expected), dimensions: [] }]);
      const countries = await ask({ metrics: ['visitors'], dimensions: ['visit:country'] });
      expect(countries.results).toEqual([
        { metrics: [1], dimensions: ['NO'] },
        { metrics: [1], dimensions: ['SE'] },
      ]);

      // The upgraded database rolls the day up and answers the same from the rollups.
      for (let i = 0; i < 5 && (await runMaintenance(db, now)).daysRolledUp > 0; i++);
      expect(db.raw.prepare("SELECT count(*) FROM rollup_visits WHERE day = ?").pluck().get(DAY)).toBeGreaterThan(0);
      expect((await ask({ metrics: ['visitors', 'visits', 'pageviews', 'events'] })).results).toEqual(totals.results);
      const props = await ask({ metrics: ['events'], dimensions: ['event:props:plan'], filters: [['is', 'event:name', ['Signup']]] });
      expect(props.results).toEqual([{ metrics: [1], dimensions: ['pro'] }]);
    } finally {
      db.close();
    }
  });
});
