/**
 * Cookie-free visitor identity: a keyed hash of (daily salt, site, IP, user agent).
 * The salt is random, one per site-local day, and deleted after two days, so nobody can
 * recompute a hash later or follow a visitor from one day to the next.
 * @module
 */
import { randomHex } from '../bytes.ts';
import type { Db } from '../ports.ts';
import { addDays } from '../time.ts';

const encoder = new TextEncoder();

/** HMAC-SHA256 of `message` under `key`. Node passes a synchronous one: Web Crypto's round trip costs more than the hash. */
export type HmacSha256 = (key: string, message: string) => Uint8Array | Promise<Uint8Array>;

/** HMAC-SHA256 through Web Crypto, available on every runtime. Keys are imported once. */
export function webCryptoHmacSha256(): HmacSha256 {
  const keys = new Map<string, Promise<CryptoKey>>();
  return async (key, message) => {
    let k = keys.get(key);
    if (!k) {
      if (keys.size > 1000) keys.clear();
      k = crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      keys.set(key, k);
    }
    return new Uint8Array(await crypto.subtle.sign('HMAC', await k, encoder.encode(message)));
  };
}

/** 53 bits of an HMAC-SHA256, so D1 and better-sqlite3 both return it as an exact number. */
export async function visitorHash(hmac: HmacSha256, salt: string, siteId: number, ip: string, userAgent: string): Promise<number> {
  const mac = await hmac(salt, `${siteId}\n${ip}\n${userAgent}`);
  let n = mac[0]! & 0x1f;
  for (let i = 1; i < 7; i++) n = n * 256 + mac[i]!;
  return n;
}

/**
 * Salts by (site, day): read or created in the database, kept in memory. Only the
 * current day's entries are ever needed, so older ones are dropped from memory too.
 */
export class Salts {
  private readonly keys = new Map<string, Promise<string>>();
  private today = '';

  constructor(private readonly db: Db) {}

  get(siteId: number, day: string): Promise<string> {
    if (day > this.today) this.forgetBefore(day);
    const id = `${siteId}|${day}`;
    let key = this.keys.get(id);
    if (!key) {
      key = this.load(siteId, day);
      this.keys.set(id, key);
      key.catch(() => this.keys.delete(id));
    }
    return key;
  }

  private forgetBefore(day: string): void {
    this.today = day;
    const keep = addDays(day, -1);
    for (const id of this.keys.keys()) if (id.slice(id.indexOf('|') + 1) < keep) this.keys.delete(id);
  }

  private async load(siteId: number, day: string): Promise<string> {
    await this.db.run('INSERT OR IGNORE INTO salts (site_id, day, salt) VALUES (?, ?, ?)', [siteId, day, randomHex(32)]);
    const row = await this.db.first<{ salt: string }>('SELECT salt FROM salts WHERE site_id = ? AND day = ?', [siteId, day]);
    if (!row) throw new Error('salt row missing after insert');
    return row.salt;
  }
}
