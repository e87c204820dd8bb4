import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks the `Custos-Signature` header of a webhook delivery, the way any shop receiving Custos webhooks would:
 *
 *   Custos-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>[,v1=…]
 *
 * - the HMAC covers the raw body exactly as received (re-serialised JSON would not match), and the timestamp,
 *   so a captured delivery cannot be replayed with a new `t`;
 * - deliveries older or newer than `toleranceSeconds` (300 by default) are refused: a replay window, not a
 *   clock-skew allowance;
 * - several `v1` values are accepted while the endpoint's secret is being rotated; any one may match;
 * - comparison is constant-time, so the expected signature cannot be found byte by byte.
 */
export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure };

export type SignatureFailure = 'missing header' | 'malformed header' | 'outside the replay window' | 'signature mismatch';

export const REPLAY_WINDOW_SECONDS = 300;

export function checkWebhookSignature(input: {
  secret: string;
  header: string | undefined;
  body: string;
  /** Milliseconds since the epoch, from the shop's clock. */
  now: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  if (!input.header) return { ok: false, reason: 'missing header' };
  const parsed = parseHeader(input.header);
  if (!parsed) return { ok: false, reason: 'malformed header' };
  const tolerance = input.toleranceSeconds ?? REPLAY_WINDOW_SECONDS;
  if (Math.abs(Math.floor(input.now / 1000) - parsed.timestamp) > tolerance) return { ok: false, reason: 'outside the replay window' };
  const expected = createHmac('sha256', input.secret).update(`${parsed.timestamp}.${input.body}`).digest();
  const matches = parsed.signatures.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  return matches ? { ok: true, timestamp: parsed.timestamp } : { ok: false, reason: 'signature mismatch' };
}

const MAX_HEADER_LENGTH = 1024;

function parseHeader(header: string): { timestamp: number; signatures: Buffer[] } | undefined {
  if (header.length > MAX_HEADER_LENGTH) return undefined;
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (value === undefined || rest.length > 0) return undefined;
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return undefined;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (a future v2) are ignored, so a shop keeps working while Custos adds one.
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}
