import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Random } from './random.js';

/** 32 random bytes (the CSPRNG in production), base64url: 256 bits, above the 128-bit floor (ASVS 7.2.3). */
export function randomToken(random: Random, bytes = 32): string {
  return random.bytes(bytes).toString('base64url');
}

/** An opaque internal id: 128 random bits, straight from the CSPRNG (see random.ts). Never shown to customers. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

/** A numeric one-time code, each digit drawn uniformly (from the CSPRNG in production). */
export function randomDigits(random: Random, length = 6): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(random.int(10));
  return out;
}

/** Tokens are stored only as this hash; the database never holds a usable token. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Keyed hash for short secrets (6-digit codes) so a database dump cannot be brute-forced offline. */
export function hmac(secret: string, ...parts: string[]): string {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(`${part.length}:${part}`);
  return mac.digest('base64url');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

let sequence = 0;

/**
 * An id that sorts by creation time, then by order of creation within this process, then randomly: for
 * append-only rows read newest-first (the audit trail), so events of the same millisecond keep their order.
 */
export function newSortableId(now: number): string {
  sequence = (sequence + 1) % 36 ** 4;
  return `${now.toString(36).padStart(10, '0')}${sequence.toString(36).padStart(4, '0')}${randomBytes(8).toString('base64url')}`;
}

/**
 * Ids and token parts we issue are base64url; anything else (a NUL byte, a megabyte, a path) is not one of
 * ours and is answered "not found" before it reaches a query — PostgreSQL refuses NUL in text outright.
 */
export function isOpaqueId(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]{1,64}$/.test(value);
}
