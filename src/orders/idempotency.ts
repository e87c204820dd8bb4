import { sha256 } from '../platform/crypto.js';

/**
 * Order creation is idempotent by a key the shop chooses (the `Idempotency-Key` header or `idempotency_key` in
 * the body): the same key with the same body gives the same order, the same key with another body is refused.
 * "The same body" means the same canonical JSON — object keys sorted, no whitespace — so key order and
 * formatting don't matter, but every value does.
 */

// Printable ASCII, no leading or trailing space: safe to log, to echo and to index on both engines.
const KEY_SHAPE = /^[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?$/;

export function isIdempotencyKey(value: string): boolean {
  return KEY_SHAPE.test(value);
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(body: unknown): string {
  return sha256(canonicalJson(body));
}
