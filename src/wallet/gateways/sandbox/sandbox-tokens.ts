import { createHmac, hkdfSync } from 'node:crypto';
import { z } from 'zod';
import type { Keyring } from '../../../platform/keyring.js';
import { openSecret, sealSecret } from '../../../platform/secret-box.js';
import { CARD_BRANDS, DECLINE_REASONS, GatewayTokenError, type TokenizedCard } from '../gateway.js';
import { lastFour, type CheckedCard } from './card-checks.js';
import { testBehaviour, type TestBehaviour } from './test-cards.js';

/**
 * The sandbox keeps no state: its tokens and its setup sessions are sealed blobs (AES-256-GCM under a key derived
 * from the newest SECRET, platform/secret-box.ts; older listed secrets still open them), so any instance can read what another issued and nobody can forge or
 * read one. A token holds the display facts, the fingerprint and the test behaviour — never the full number or
 * the security code (SECURITY.md "Card data").
 */
const TOKEN_PURPOSE = 'sandbox-gateway-card-token';
const SETUP_PURPOSE = 'sandbox-gateway-setup';
const TOKEN_PREFIX = 'tok_sbx_';

export interface SandboxCard extends TokenizedCard {
  behaviour: TestBehaviour;
}

const tokenSchema = z.object({
  b: z.enum(CARD_BRANDS),
  l: z.string().regex(/^\d{4}$/),
  m: z.number().int().min(1).max(12),
  y: z.number().int().min(2000).max(2200),
  f: z.string().min(1).max(100),
  t: z.union([z.literal('succeed'), z.enum(DECLINE_REASONS)]),
  r: z.string().min(1).max(64),
});

export function issueToken(keys: Keyring, card: CheckedCard, setupReference: string): string {
  const payload: z.infer<typeof tokenSchema> = {
    b: card.brand,
    l: lastFour(card.digits),
    m: card.expMonth,
    y: card.expYear,
    f: cardFingerprint(keys.current.secret, card.digits),
    t: testBehaviour(card.digits),
    r: setupReference,
  };
  return TOKEN_PREFIX + sealSecret(keys, TOKEN_PURPOSE, JSON.stringify(payload));
}

export function openToken(keys: Keyring, token: string): SandboxCard {
  const payload = openSealed(keys, TOKEN_PURPOSE, token.startsWith(TOKEN_PREFIX) ? token.slice(TOKEN_PREFIX.length) : '', tokenSchema);
  if (!payload) throw new GatewayTokenError('not a sandbox card token');
  return { brand: payload.b, last4: payload.l, expMonth: payload.m, expYear: payload.y, fingerprint: payload.f, behaviour: payload.t, setupReference: payload.r };
}

/**
 * The same card number gives the same fingerprint, so a card already saved is recognised. A keyed HMAC, not a
 * plain hash: card numbers are few enough (a known prefix, a known last 4, a checksum) that an unkeyed hash could
 * be reversed by trying them all.
 */
export function cardFingerprint(secret: string, digits: string): string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'custos-sandbox-gateway', 'card-fingerprint', 32));
  return `fp_${createHmac('sha256', key).update(digits).digest('base64url')}`;
}

export interface SandboxSetup {
  reference: string;
  returnUrl: string;
  expiresAt: number;
}

const setupSchema = z.object({ r: z.string().min(1).max(64), u: z.url({ protocol: /^https?$/ }), e: z.number().int() });

/** Sealed, so the page only ever sends the customer back to the return URL the service asked for: no open redirect. */
export function sealSetup(keys: Keyring, setup: SandboxSetup): string {
  return sealSecret(keys, SETUP_PURPOSE, JSON.stringify({ r: setup.reference, u: setup.returnUrl, e: setup.expiresAt }));
}

export function openSetup(keys: Keyring, sealed: string): SandboxSetup | null {
  const payload = openSealed(keys, SETUP_PURPOSE, sealed, setupSchema);
  return payload ? { reference: payload.r, returnUrl: payload.u, expiresAt: payload.e } : null;
}

function openSealed<T>(keys: Keyring, purpose: string, sealed: string, schema: z.ZodType<T>): T | null {
  if (sealed.length === 0 || sealed.length > 2000) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(openSecret(keys, purpose, sealed).plaintext));
    return parsed.success ? parsed.data : null;
  } catch {
    // A forged, cut or tampered blob fails authentication; to the caller it is simply not ours.
    return null;
  }
}
