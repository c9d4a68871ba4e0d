/**
 * `/healthz` for monitors and `/`, a short status page until the dashboard exists.
 * @module
 */
import { Hono } from 'hono';
import type { AppDeps } from '../ports.ts';

/** A write that changes nothing but must take the write lock and commit. */
async function databaseWritable(deps: AppDeps): Promise<boolean> {
  try {
    await deps.db.batch([{ sql: 'DELETE FROM sites WHERE id = -1', params: [] }]);
    return true;
  } catch {
    return false;
  }
}

export function healthRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    const writable = await databaseWritable(deps);
    const ingestDown = deps.ingestDown?.() ?? null;
    const ok = writable && ingestDown === null;
    return c.json(
      { status: ok ? 'ok' : 'error', database: writable ? 'writable' : 'not writable', ingest: ingestDown ?? 'ok' },
      ok ? 200 : 503,
    );
  });
  app.get('/', async (c) => {
    const row = await deps.db.first<{ n: number }>('SELECT count(*) AS n FROM sites');
    const sites = row?.n ?? 0;
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Teller</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Teller is running</h1>
<p>Privacy-friendly web analytics. This instance collects for ${sites} site${sites === 1 ? '' : 's'}.</p>
<p>Add a site with <code>npm run teller -- site add example.com</code>, then embed
<code>&lt;script defer data-domain="example.com" src="${new URL(c.req.url).origin}/script.js"&gt;&lt;/script&gt;</code>.</p>
<p>Events: <code>POST /api/event</code> · Health: <a href="/healthz">/healthz</a></p>
</body></html>`);
  });
  return app;
}
