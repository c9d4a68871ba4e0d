/**
 * A start on a port another program holds fails with EADDRINUSE before the database is
 * opened: no database file (nor its WAL, nor the columnar copy) is created.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startServer } from '../../server/node/server.ts';
import { MemoryLog } from '../helpers/server.ts';

it('refuses a busy port before creating the database files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'teller-busy-port-'));
  const other = createServer();
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    const port = (other.address() as AddressInfo).port;
    const dbPath = join(dir, 'data', 'teller.db');
    await expect(startServer({ dbPath, port, host: '127.0.0.1', log: new MemoryLog() })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(existsSync(join(dir, 'data')) ? readdirSync(join(dir, 'data')) : []).toEqual([]);
  } finally {
    other.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
