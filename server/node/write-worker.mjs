/**
 * The SQLite writer thread: runs each group of statements as one transaction on its own
 * connection and reports back once the group is on disk. Keeping commits (and their
 * fsync) off the main thread lets it parse the next group while this one is written.
 * Plain JavaScript so it loads the same under node, tsx and vitest.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');

/** @type {Map<string, import('better-sqlite3').Statement>} */
const statements = new Map();
const prepare = (sql) => {
  let stmt = statements.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
};
const runGroup = db.transaction((sqls, ops) => {
  for (const [index, params] of ops) prepare(sqls[index]).run(...params);
});

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    db.close();
    // Closing the port ends the thread once nothing else is pending.
    parentPort.close();
    return;
  }
  try {
    runGroup(message.sqls, message.ops);
    parentPort.postMessage({ type: 'done', id: message.id });
  } catch (error) {
    parentPort.postMessage({ type: 'done', id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
