/**
 * TOTP as authenticator apps expect it (RFC 6238: 30-second steps, 6 digits, HMAC-SHA-1),
 * through the `otpauth` library, and the enrolment's QR code as SVG through `uqr`. Pure
 * functions: the same on Node and Workers; what is stored lives in two-factor.ts.
 * @module
 */
import { Secret, TOTP } from 'otpauth';
import { renderSVG } from 'uqr';

export const PERIOD_SECONDS = 30;
export const DIGITS = 6;
/** Steps accepted either side of the server's: a phone's clock a little off still gets in. */
export const SKEW_STEPS = 1;
const ALGORITHM = 'SHA1';
/** RFC 4226 asks for at least 128 bits and recommends 160: the length of SHA-1's block key. */
const SECRET_BYTES = 20;

/** A new random secret in base32 (what authenticator apps take). */
export function newSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

function totp(secret: string, label = '', issuer = ''): TOTP {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SECONDS });
}

/** The time step a moment falls in (unix seconds / 30, rounded down). */
export function stepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / PERIOD_SECONDS);
}

/** The code of a moment: for tests and for the CLI's own checks. */
export function codeAt(secret: string, nowMs: number): string {
  return totp(secret).generate({ timestamp: nowMs });
}

/** Six digits, spaces allowed between them (apps show "123 456"). */
export function normalizeCode(text: string): string | null {
  const digits = text.replace(/\s+/g, '');
  return new RegExp(`^\\d{${DIGITS}}$`).test(digits) ? digits : null;
}

/**
 * The step a code belongs to when it is the code of the current step or of one step either
 * side; null when it is none of them.
 */
export function matchingStep(secret: string, code: string, nowMs: number): number | null {
  const token = normalizeCode(code);
  if (token === null) return null;
  const delta = totp(secret).validate({ token, timestamp: nowMs, window: SKEW_STEPS });
  return delta === null ? null : stepAt(nowMs) + delta;
}

/** The `otpauth://totp/…` address the QR code holds, naming this server so several instances stay apart. */
export function otpauthUri(secret: string, email: string, host: string): string {
  return totp(secret, email, host ? `Teller (${host})` : 'Teller').toString();
}

/** The secret in groups of four, easier to type into an app by hand. */
export function manualKey(secret: string): string {
  return secret.replace(/=+$/, '').match(/.{1,4}/g)?.join(' ') ?? '';
}

/**
 * The QR code as an SVG document: drawn on the server, so the dashboard needs no QR
 * library. Dark on white whatever the page's theme: scanners read that best.
 */
export function qrSvg(uri: string): string {
  return renderSVG(uri, { ecc: 'M', border: 2, pixelSize: 6 });
}
