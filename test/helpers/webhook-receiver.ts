/**
 * A real HTTP receiver on 127.0.0.1 for alert webhooks: keeps each JSON body it is sent and
 * answers with `answer.status` (a test sets 500 to make a send fail).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hook {
  contentType: string;
  body: { text: string; content: string };
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  hooks: Hook[];
  answer: { status: number };
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hooks: Hook[] = [];
  const answer = { status: 200 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      hooks.push({ contentType: req.headers['content-type'] ?? '', body: JSON.parse(body) });
      res.writeHead(answer.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hooks,
    answer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
