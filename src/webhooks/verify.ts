import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature, both sides of it: `Custos-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
 * t + "." + body)>`. The timestamp is inside the MAC, so a receiver that refuses old ones refuses a replayed
 * request; the service signs at each attempt, so a retry carries a fresh t. The key is the endpoint's secret
 * exactly as printed (`whsec_…`). Pure functions with no dependency on the service: receivers copy this file.
 */
export const SIGNATURE_HEADER = 'Custos-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The hex HMAC of `t.body`, the `v1` value. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The header value the service sends for `body` at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}

export interface VerifyInput {
  /** The endpoint's secret, `whsec_…`. */
  secret: string;
  /** The Custos-Signature header as received (absent: not from us). */
  header: string | undefined | null;
  /** The raw request body, byte for byte as received: parse it only after this returns true. */
  body: string;
  /** Now, in unix seconds. */
  now: number;
  /** How far t may be from now, either way, in seconds. */
  tolerance?: number;
}

/**
 * True only when the header is well formed, its t is within `tolerance` of `now` (a replay of an old request
 * fails), and one of its v1 values is the HMAC of this body under this secret, compared in constant time (several
 * v1 values may come while a secret is being replaced: any one may match).
 */
export function verifyWebhookSignature({ secret, header, body, now, tolerance = DEFAULT_TOLERANCE_SECONDS }: VerifyInput): boolean {
  if (typeof header !== 'string' || header.length > 2000 || typeof body !== 'string' || !secret) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const match = /^\s*(t|v1)=([^\s,]*)\s*$/.exec(part);
    if (!match) continue;
    if (match[1] === 't') {
      // Two t values would leave it unclear which one the MAC covers.
      if (timestamp !== undefined || !/^\d{1,12}$/.test(match[2]!)) return false;
      timestamp = Number(match[2]);
    } else if (/^[0-9a-f]{64}$/.test(match[2]!)) {
      candidates.push(match[2]!);
    }
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (!Number.isFinite(now) || Math.abs(now - timestamp) > tolerance) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body), 'hex');
  let matched = false;
  // Every candidate is compared, so the time taken does not tell which one matched.
  for (const candidate of candidates) matched = timingSafeEqual(expected, Buffer.from(candidate, 'hex')) || matched;
  return matched;
}
