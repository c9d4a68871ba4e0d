/**
 * A full disk, made real with a small tmpfs mounted for the test (root only; where mounting
 * is not allowed the test says so and is skipped):
 * events get 503 with Retry-After, the log says why at most once a second, /healthz
 * reports it, and when space returns Teller recovers by itself, having lost nothing it
 * acknowledged. A read-only database file and a filesystem turned read-only are in
 * readonly-db.test.ts (Teller run as another user; ext4 on a loop device).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSite } from '../../server/core/sites.ts';
import { type RunningServer, startServer } from '../../server/node/server.ts';
import { CHROME_MAC, MemoryLog, sendEvent } from '../helpers/server.ts';

function tryMount(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const probe = mkdtempSync(join(tmpdir(), 'teller-mount-probe-'));
const canMount = tryMount(probe, '64k');
if (canMount) execFileSync('umount', [probe]);
rmSync(probe, { recursive: true, force: true });
if (!canMount) console.warn('storage-faults: mounting a tmpfs is not allowed here (needs root); the full-disk test is skipped');

describe.runIf(canMount)('storage faults on a real filesystem', () => {
  let dir: string;
  let server: RunningServer | null = null;
  let log: MemoryLog;
  afterEach(async () => {
    await server?.close();
    server = null;
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<RunningServer> {
    dir = mkdtempSync(join(tmpdir(), 'teller-faults-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir]);
    log = new MemoryLog();
    server = await startServer({ dbPath: join(dir, 'teller.db'), port: 0, host: '127.0.0.1', log, config: { trustProxy: 1, eventRateLimit: 0 } });
    await createSite(server.db, { domain: 'example.com' }, Date.now());
    return server;
  }

  /** Sends `count` pageviews with distinct paths; returns the paths acknowledged and every status. */
  async function send(s: RunningServer, from: number, count: number): Promise<{ acked: string[]; statuses: number[]; retryAfter: Array<string | null> }> {
    const acked: string[] = [];
    const statuses: number[] = [];
    const retryAfter: Array<string | null> = [];
    for (let i = from; i < from + count; i++) {
      const path = `/p${i}`;
      const res = await sendEvent(s, { n: 'pageview', u: `https://example.com${path}`, d: 'example.com' }, { 'x-forwarded-for': `84.208.${i % 250}.${1 + (i % 200)}`, 'user-agent': CHROME_MAC });
      statuses.push(res.status);
      if (res.status === 202) acked.push(path);
      if (res.status === 503) retryAfter.push(res.headers.get('retry-after'));
      await res.arrayBuffer();
    }
    return { acked, statuses, retryAfter };
  }

  async function health(s: RunningServer): Promise<{ status: number; body: { database: string } }> {
    const res = await fetch(`${s.url}/healthz`);
    return { status: res.status, body: (await res.json()) as { database: string } };
  }

  async function storedPaths(s: RunningServer): Promise<Set<string>> {
    return new Set((await s.db.all<{ path: string }>('SELECT path FROM events')).map((r) => r.path));
  }

  it('answers 503 on a full disk, reports it, and recovers by itself when space returns', async () => {
    const s = await start();
    const before = await send(s, 0, 30);
    expect(before.statuses.every((x) => x === 202)).toBe(true);

    // Fill every byte left on the filesystem.
    const filler = join(dir, 'filler');
    const fd = openSync(filler, 'w');
    try {
      for (const chunk = Buffer.alloc(16 * 1024); ; ) writeSync(fd, chunk);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    const full = await send(s, 30, 300);
    // A few events may still fit in pages SQLite already holds; after that, every one is refused.
    expect(full.statuses.slice(-50).every((x) => x === 503)).toBe(true);
    expect(full.retryAfter.every((r) => r !== null && Number(r) > 0)).toBe(true);
    const down = await health(s);
    expect(down.status).toBe(503);
    expect(down.body.database).toMatch(/^not writable: .*full/);
    // Hundreds of failures in well under a few seconds: a handful of log lines, with counts.
    const failures = log.lines.filter((l) => l.includes('event not stored'));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeLessThan(10);

    rmSync(filler);
    const after = await send(s, 330, 20);
    expect(after.statuses).toEqual(Array(20).fill(202));
    expect((await health(s)).status).toBe(200);
    const stored = await storedPaths(s);
    expect([...before.acked, ...full.acked, ...after.acked].filter((p) => !stored.has(p))).toEqual([]);
  });
});
