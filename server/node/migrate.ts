/**
 * Applies the numbered SQL files in server/migrations, recording each in `d1_migrations`
 * exactly as `wrangler d1 migrations apply` does, so one set of files serves both runtimes.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/** Applies pending migrations in order; returns the names applied. */
export function migrate(db: Database.Database, dir = MIGRATIONS_DIR): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS d1_migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT UNIQUE,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
  )`);
  const done = new Set(db.prepare('SELECT name FROM d1_migrations').pluck().all() as string[]);
  const pending = readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f) && !done.has(f))
    .sort();
  const apply = db.transaction((name: string) => {
    db.exec(readFileSync(`${dir}/${name}`, 'utf8'));
    db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').run(name);
  });
  for (const name of pending) apply(name);
  return pending;
}
