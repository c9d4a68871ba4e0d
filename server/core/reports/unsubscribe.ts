/**
 * One-click unsubscribe links: `/reports/unsubscribe/<recipient id>.<HMAC>` where the HMAC
 * (SHA-256) is over the recipient id with a key the server makes once and keeps in
 * `server_secrets`, so a link needs no login, cannot be forged for another recipient, and
 * works on both runtimes (Web Crypto; the key lives in the database both share).
 * @module
 */
import { fromHex, randomHex, timingSafeEqual, toBase64Url } from '../bytes.ts';
import type { Db } from '../ports.ts';

const SECRET_NAME = 'report-unsubscribe';
const encoder = new TextEncoder();

/** The HMAC key, made on first use; a concurrent first use keeps whichever row was written first. */
export async function unsubscribeKey(db: Db): Promise<Uint8Array<ArrayBuffer>> {
  await db.run('INSERT OR IGNORE INTO server_secrets (name, value) VALUES (?, ?)', [SECRET_NAME, randomHex(32)]);
  const row = await db.first<{ value: string }>('SELECT value FROM server_secrets WHERE name = ?', [SECRET_NAME]);
  return fromHex(row!.value);
}

async function mac(key: Uint8Array<ArrayBuffer>, recipientId: number): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(`teller report unsubscribe ${recipientId}`)));
}

export async function unsubscribeToken(key: Uint8Array<ArrayBuffer>, recipientId: number): Promise<string> {
  return `${recipientId}.${toBase64Url(await mac(key, recipientId))}`;
}

/** The recipient id a token names when its signature is right, else null. */
export async function verifyUnsubscribeToken(key: Uint8Array<ArrayBuffer>, token: string): Promise<number | null> {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const id = Number(match[1]);
  const expected = encoder.encode(toBase64Url(await mac(key, id)));
  return timingSafeEqual(expected, encoder.encode(match[2]!)) ? id : null;
}

export function unsubscribeUrl(origin: string, token: string): string {
  return `${origin}/reports/unsubscribe/${token}`;
}
