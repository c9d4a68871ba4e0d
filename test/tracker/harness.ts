/**
 * For the tracker's browser tests: the built scripts served by the real static middleware,
 * and a stand-in collector that records what the tracker sends (the real collector is
 * exercised by test/e2e). Keeping the collector out lets these tests look at the exact
 * wire format and at requests the real one would drop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { serveAssets } from '../../server/node/static.ts';
import { buildTracker } from '../../tracker/build.mjs';
import { type PageServer, type PrivacySignals, launchChromium, newVisitor, startPageServer, waitFor } from '../e2e/browser.ts';

export interface Received {
  method: string;
  path: string;
  contentType: string | null;
  /** Parsed JSON body of a POST to /api/event. */
  body: Record<string, unknown>;
}

export interface StubCollector {
  origin: string;
  /** Every request that reached the stub, in arrival order. */
  requests: Received[];
  /** Events (POST /api/event bodies) for one `data-domain`. */
  events(domain: string): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startStubCollector(): Promise<StubCollector> {
  const publicDir = await mkdtemp(join(tmpdir(), 'teller-tracker-'));
  await buildTracker({ outDir: publicDir, quiet: true });
  const requests: Received[] = [];
  const app = new Hono();
  app.use('*', serveAssets(publicDir));
  app.all('/api/event', async (c) => {
    const text = await c.req.text();
    requests.push({
      method: c.req.method,
      path: c.req.path,
      contentType: c.req.header('content-type') ?? null,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    });
    // What the real collector answers; CORS as the SPEC requires.
    return c.body(null, 202, { 'access-control-allow-origin': '*' });
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    events: (domain) => requests.filter((r) => r.method === 'POST' && r.body.d === domain).map((r) => r.body),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(publicDir, { recursive: true, force: true });
    },
  };
}

/**
 * Proves a negative: the URLs of the event requests the page made while `run` ran. The
 * browser reports requests in the order the page makes them, though later than a server
 * may see them; so requests are counted between a marker made before `run` (on a page
 * already loaded) and one made after it: an event sent by `run` comes before the second.
 */
export async function eventRequestsMadeBy(page: Page, collectorOrigin: string, run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const onRequest = (request: { url(): string }) => seen.push(request.url());
  page.on('request', onRequest);
  const mark = async () => {
    const marker = `${collectorOrigin}/marker-${Math.random().toString(36).slice(2)}`;
    await page.evaluate((url) => void fetch(url).catch(() => {}), marker);
    await waitFor(`the marker request ${marker}`, () => seen.includes(marker));
    return seen.indexOf(marker);
  };
  try {
    const from = page.url().startsWith('http') ? await mark() : 0;
    await run();
    const to = await mark();
    return seen.slice(from, to).filter((url) => url.endsWith('/api/event'));
  } finally {
    page.off('request', onRequest);
  }
}

export interface TrackerBrowser {
  browser: Browser;
  stub: StubCollector;
  /** The site whose pages embed the tracker. */
  site: PageServer;
  /** A fresh browser context (a new visitor), closed after the test. */
  visitor(signals?: PrivacySignals): Promise<BrowserContext>;
  /**
   * The event bodies visitors' pages sent for one `data-domain`, in the order the pages sent
   * them. Each event is a request of its own, so the stub may receive two sent close together
   * in either order; a test of order compares this, and the stub's set with it.
   */
  sent(domain: string): Array<Record<string, unknown>>;
}

/** Chromium, a stub collector and a page server for a test file: started once, visitors closed after each test. */
export function useTrackerBrowser(): TrackerBrowser {
  const contexts: BrowserContext[] = [];
  const sent: Array<Record<string, unknown>> = [];
  const env = {
    async visitor(signals: PrivacySignals = {}) {
      const context = await newVisitor(env.browser, signals);
      context.on('request', (request) => {
        const body = request.method() === 'POST' && new URL(request.url()).pathname === '/api/event' ? request.postData() : null;
        if (body) sent.push(JSON.parse(body) as Record<string, unknown>);
      });
      contexts.push(context);
      return context;
    },
    sent: (domain) => sent.filter((body) => body.d === domain),
  } as TrackerBrowser;
  beforeAll(async () => {
    [env.browser, env.stub, env.site] = await Promise.all([launchChromium(), startStubCollector(), startPageServer()]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await Promise.all([env.browser?.close(), env.stub?.close(), env.site?.close()]);
  });
  return env;
}
