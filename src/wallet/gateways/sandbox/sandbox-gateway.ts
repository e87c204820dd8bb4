import type { Config } from '../../../config.js';
import { hmac } from '../../../platform/crypto.js';
import { matchesKeyedHash, type Keyring } from '../../../platform/keyring.js';
import { GatewayIdempotencyError, type ChargeOutcome, type GatewayOutcome, type PaymentGateway, type RefundOutcome } from '../gateway.js';
import { openToken, sealSetup } from './sandbox-tokens.js';
import type { TestBehaviour } from './test-cards.js';

/**
 * The built-in sandbox gateway: a card-entry page of its own (sandbox-page.tsx), tokens that honour the
 * industry's test card numbers, and charges and refunds that move no money. Tokens and charge ids are sealed or
 * signed, so any instance can read them and refund a charge. An idempotency key gives one charge: its id is a
 * keyed HMAC of the key, the token and the amount, and the key's first request is remembered by this adapter
 * (per process — the sandbox has no storage of its own) so reusing it for another charge is refused.
 */
export const SANDBOX_GATEWAY = 'sandbox';
export const SANDBOX_SETUP_PATH = '/sandbox-gateway/setup';

/** Idempotency keys remembered per adapter; the oldest are forgotten first, so a long-running dev server stays small. */
const REMEMBERED_KEYS = 10_000;

export function sandboxGateway(config: Pick<Config, 'keys' | 'publicUrl'>): PaymentGateway {
  const secret = config.keys.current.secret;
  /** hmac(idempotency key) → hmac(token, amount, currency) of the request that first used it. */
  const keys = new Map<string, string>();
  return {
    name: SANDBOX_GATEWAY,

    async createSetup({ reference, returnUrl, expiresAt }) {
      const session = sealSetup(config.keys, { reference, returnUrl, expiresAt });
      return { gatewayUrl: `${config.publicUrl}${SANDBOX_SETUP_PATH}/${encodeURIComponent(reference)}?session=${encodeURIComponent(session)}` };
    },

    async retrieveTokenizedCard(token) {
      const { behaviour: _behaviour, ...card } = openToken(config.keys, token);
      return card;
    },

    async verifyCard(token) {
      return outcomeOf(openToken(config.keys, token).behaviour);
    },

    async charge({ token, amount, currency, idempotencyKey }): Promise<ChargeOutcome> {
      checkAmount(amount);
      if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError('currency must be an ISO 4217 code');
      if (idempotencyKey.length === 0 || idempotencyKey.length > 255) throw new RangeError('idempotency key must be 1–255 characters');
      const card = openToken(config.keys, token);
      // Keyed, so a charge id reveals neither the caller's idempotency key nor the card's token.
      const key = hmac(secret, 'sandbox-idempotency', idempotencyKey);
      const tokenTag = hmac(secret, 'sandbox-charge-token', token);
      const request = hmac(secret, 'sandbox-charge-request', tokenTag, String(amount), currency);
      const first = keys.get(key);
      if (first !== undefined && first !== request) {
        throw new GatewayIdempotencyError('this idempotency key was already used for a charge with another card, amount or currency; use a new key for a new charge');
      }
      if (first === undefined) remember(keys, key, request);
      // Checked after the key is claimed, so a declined attempt's key can't be reused for another card either.
      const outcome = outcomeOf(card.behaviour);
      if (!outcome.ok) return outcome;
      const payload = Buffer.from(JSON.stringify({ k: key, t: tokenTag, a: amount, c: currency })).toString('base64url');
      return { ok: true, chargeId: `ch_sbx_${payload}.${hmac(secret, 'sandbox-charge', payload)}` };
    },

    async refund({ chargeId, amount }): Promise<RefundOutcome> {
      checkAmount(amount);
      const charged = chargedAmount(config.keys, chargeId);
      if (charged === null) return { ok: false, error: 'unknown_charge' };
      // Stateless, so each refund is checked against the charge alone, not against earlier partial refunds.
      if (amount > charged) return { ok: false, error: 'amount_too_large' };
      return { ok: true, refundId: `re_sbx_${hmac(secret, 'sandbox-refund', chargeId, String(amount)).slice(0, 24)}` };
    },
  };
}

function remember(keys: Map<string, string>, key: string, request: string): void {
  if (keys.size >= REMEMBERED_KEYS) keys.delete(keys.keys().next().value!);
  keys.set(key, request);
}

function outcomeOf(behaviour: TestBehaviour): GatewayOutcome {
  return behaviour === 'succeed' ? { ok: true } : { ok: false, declined: behaviour };
}

function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError('amount must be a positive whole number of minor units');
}

/** A charge signed under any listed SECRET can still be refunded after a rotation. */
function chargedAmount(keys: Keyring, chargeId: string): number | null {
  const match = /^ch_sbx_([\w-]{1,400})\.([\w-]{43})$/.exec(chargeId);
  if (!match || !matchesKeyedHash(keys, null, match[2]!, 'sandbox-charge', match[1]!)) return null;
  const { a } = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as { a: number };
  return a;
}
