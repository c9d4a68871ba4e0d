/**
 * The schema module (server/core/store/schema.ts) against the real stores: the tables the
 * Node migrator makes, the columnar copy's tables in DuckDB, and the Stats API answering
 * each of its dimensions. An event is stored through the writer's own statements with a
 * distinct value in every attribute, so an entry naming a wrong column, field or table, or
 * a migration adding a column without its entry, makes this fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncColumnarCopy } from '../../server/core/columnar/sync.ts';
import type { ProcessedEvent, VisitAttributes } from '../../server/core/ingest/event.ts';
import { runMaintenance } from '../../server/core/maintenance.ts';
import { runQuery, type RunOptions } from '../../server/core/query/execute.ts';
import { parseQuery } from '../../server/core/query/parse.ts';
import type { Site } from '../../server/core/sites.ts';
import { recordEventStatements } from '../../server/core/store/record-event.ts';
import { ATTRIBUTES, attributesOf, NAMED_DIMENSIONS, type Attribute } from '../../server/core/store/schema.ts';
import { openDuckStore, type DuckStore } from '../../server/node/columnar/duckdb-store.ts';
import { addSite, openTestStore, type TestStore } from '../core/query/store.ts';

/** Columns of visits and events that are no attribute: keys, times and the visit's counters. */
const OWN_COLUMNS = {
  visits: ['id', 'site_id', 'visitor', 'started_at', 'ended_at', 'pageviews', 'events'],
  events: ['id', 'site_id', 'visit_id', 'visitor', 'ts'],
};

const DAY = '2024-03-10';
const TS = Date.parse(`${DAY}T10:00:00Z`) / 1000;
const NOW = Date.parse('2024-03-12T12:00:00Z') / 1000;

/** A distinct value for every attribute the pipeline sets; the country a real code, so it has a name. */
const visit = Object.fromEntries(
  attributesOf('visits')
    .filter((a) => a.written === 'event')
    .map((a) => [a.field, a.column === 'country' ? 'NO' : `${a.column} value`]),
) as unknown as VisitAttributes;

const event: ProcessedEvent = {
  siteId: 0,
  ts: TS,
  kind: 'pageview',
  name: 'pageview',
  visitor: 7,
  hostname: 'schema.example',
  path: '/schema-page',
  siteSearch: 'site search words',
  props: [],
  revenue: { amount: '12.50', currency: 'NOK' },
  visit,
};

/** The event's own fields by the schema's field names, the revenue's two flattened. */
const eventFields: Record<string, string | null> = { ...event, revenueAmount: event.revenue!.amount, revenueCurrency: event.revenue!.currency } as never;

/** What the store holds for `a` after `event`: the fold sets the host and the entry and exit page. */
function storedValue(a: Attribute): string | null {
  if (a.table === 'events') return eventFields[a.field] ?? null;
  if (a.written === 'event') return (visit as unknown as Record<string, string | null>)[a.field] ?? null;
  return a.column === 'hostname' ? event.hostname : event.path;
}

/** Each dimension the schema answers, with the label the event must read as. */
const EXPECTED: Array<[dimension: string, label: string]> = [
  ...ATTRIBUTES.flatMap((a): Array<[string, string]> => (a.dimension ? [[a.dimension, storedValue(a)!]] : [])),
  ...NAMED_DIMENSIONS.map((n): [string, string] => [n.dimension, n.names().get(storedValue(ATTRIBUTES.find((a) => a.dimension === n.of)!)!)!]),
];

let store: TestStore;
let site: Site;
let duckDir: string;
let duck: DuckStore;

beforeAll(async () => {
  store = openTestStore();
  site = await addSite(store.db, 'schema.example');
  await store.db.batch(recordEventStatements({ ...event, siteId: site.id }));
  duckDir = mkdtempSync(join(tmpdir(), 'teller-schema-'));
  duck = await openDuckStore({ path: join(duckDir, 'copy.duckdb'), memoryLimit: '128MB', threads: 1 });
});

afterAll(() => {
  duck.close();
  rmSync(duckDir, { recursive: true, force: true });
  store.close();
});

function tableInfo(table: string): Array<{ name: string; notnull: number }> {
  return store.db.raw.prepare('SELECT name, "notnull" FROM pragma_table_info(?)').all(table) as Array<{ name: string; notnull: number }>;
}

describe('store/schema.ts', () => {
  it.each(['visits', 'events'] as const)('names every column of %s as the migrations make it, NOT NULL where it says', (table) => {
    const info = tableInfo(table);
    const attributes = attributesOf(table);
    expect(info.map((c) => c.name).sort()).toEqual([...OWN_COLUMNS[table], ...attributes.map((a) => a.column)].sort());
    for (const a of attributes) expect({ column: a.column, notNull: info.find((c) => c.name === a.column)!.notnull === 1 }).toEqual({ column: a.column, notNull: a.notNull });
  });

  it('stores each attribute of an event where it says, through the writer', () => {
    for (const table of ['visits', 'events'] as const) {
      const row = store.db.raw.prepare(`SELECT * FROM ${table} WHERE site_id = ?`).get(site.id) as Record<string, unknown>;
      for (const a of attributesOf(table)) expect([a.column, row[a.column]]).toEqual([a.column, storedValue(a)]);
    }
  });

  it('gives the columnar copy its copied columns and a first-of-day flag per dimension, never the others', async () => {
    for (const table of ['visits', 'events'] as const) {
      const columns = (await duck.all('SELECT column_name FROM information_schema.columns WHERE table_name = ?', [table])).map((r) => String(r.column_name));
      for (const a of attributesOf(table)) {
        expect([a.column, columns.includes(a.column)]).toEqual([a.column, a.columnar]);
        if (a.dimension) expect(columns).toContain(`first_day_${a.dimension.slice(a.dimension.indexOf(':') + 1)}`);
      }
    }
  });

  describe.each([
    ['raw rows', { useRollups: false }],
    ['rollups', { useRollups: true }],
    ['the columnar copy', { useRollups: false, columnar: 'duck' }],
  ] as const)('answers every dimension through the Stats API from %s', (_, options) => {
    let run: RunOptions;
    beforeAll(async () => {
      if (options.useRollups) await runMaintenance(store.db, NOW * 1000);
      if ('columnar' in options) await syncColumnarCopy(store.db, duck, 10, NOW);
      run = { useRollups: options.useRollups, columnar: 'columnar' in options ? duck : null };
      if ('columnar' in options) expect(await duck.coverage(site.id, site.timezone)).toMatchObject({ first: DAY });
    });

    it.each(EXPECTED)('%s reads %s, as a breakdown and as a filter', async (dimension, label) => {
      const query = (body: Record<string, unknown>) => runQuery(store.db, parseQuery({ site_id: site.domain, date_range: [DAY, DAY], metrics: ['visitors'], ...body }, site, NOW, null), run);
      expect((await query({ dimensions: [dimension] })).results).toEqual([{ dimensions: [label], metrics: [1] }]);
      expect((await query({ filters: [['is', dimension, [label]]] })).results).toEqual([{ dimensions: [], metrics: [1] }]);
      expect((await query({ filters: [['is_not', dimension, [label]]] })).results).toEqual([{ dimensions: [], metrics: [0] }]);
    });
  });
});
