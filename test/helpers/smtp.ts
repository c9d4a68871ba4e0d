/**
 * A real SMTP server on 127.0.0.1 (smtp-server) that keeps every message it accepts,
 * parsed by mailparser: what a mail client would see.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  url: string;
  received: ParsedMail[];
  /** Resolves once `count` messages have arrived (the test's timeout bounds the wait). */
  waitFor(count: number): Promise<ParsedMail[]>;
  /** Resolves with the first message, arrived or to come, that `match` accepts (alerts may arrive besides). */
  waitForMatch(match: (mail: ParsedMail) => boolean): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const waiting: Array<{ done: () => boolean; resolve: () => void }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      // cid: links are kept as sent (mailparser would otherwise inline them as data: URLs).
      simpleParser(stream, { keepCidLinks: true }).then(
        (mail) => {
          received.push(mail);
          for (const w of waiting.filter((w) => w.done())) w.resolve();
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    waitFor(count) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve) => waiting.push({ done: () => received.length >= count, resolve: () => resolve(received) }));
    },
    waitForMatch(match) {
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiting.push({ done: () => received.some(match), resolve: () => resolve(received.find(match)!) }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
