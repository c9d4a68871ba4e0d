/**
 * HMAC-SHA256 through node:crypto: synchronous, so the pipeline skips Web Crypto's
 * promise round trip on every event.
 * @module
 */
import { createHmac } from 'node:crypto';
import type { HmacSha256 } from '../core/ingest/visitor.ts';

export const nodeHmacSha256: HmacSha256 = (key, message) => createHmac('sha256', key).update(message).digest();
