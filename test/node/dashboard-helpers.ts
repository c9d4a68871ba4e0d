/**
 * Requests to a Node test server as the dashboard makes them: JSON, same origin, the session
 * cookie by hand (fetch keeps no cookie jar).
 */
import type { TestServer } from '../helpers/server.ts';
import { sessionCookieOf } from '../shared/dashboard-api.suite.ts';

export const OWNER = { email: 'owner@teller.example', password: 'correct horse battery' };

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function call(
  server: Pick<TestServer, 'url'>,
  method: string,
  path: string,
  init: { cookie?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { origin: server.url };
  if (init.cookie) headers.cookie = `teller_session=${init.cookie}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, init.headers);
  const body = init.body ?? (init.json === undefined ? undefined : JSON.stringify(init.json));
  const res = await fetch(`${server.url}${path}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Creates the owner through first-run setup, with the code the start banner prints; returns the session cookie's value. */
export async function setupOwner(server: Pick<TestServer, 'url' | 'setupCode'>): Promise<string> {
  const answer = await call(server, 'POST', '/api/dashboard/setup', { json: { ...OWNER, password2: OWNER.password, code: server.setupCode } });
  if (answer.status !== 200) throw new Error(`setup failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return sessionCookieOf(answer.headers)!;
}
