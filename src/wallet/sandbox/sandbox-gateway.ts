import type { Config } from '../../config.js';
import { constantTimeEqual, hmac } from '../../platform/crypto.js';
import type { ChargeOutcome, GatewayOutcome, PaymentGateway, RefundOutcome } from '../gateway.js';
import { openToken, sealSetup } from './sandbox-tokens.js';
import type { TestBehaviour } from './test-cards.js';

/**
 * The built-in sandbox gateway: a card-entry page of its own (sandbox-page.tsx), tokens that honour the
 * industry's test card numbers, and charges and refunds that move no money. Stateless, like its tokens: a
 * charge id is signed and carries its amount, so any instance can refund it; the same idempotency key always
 * gives the same charge id.
 */
export const SANDBOX_GATEWAY = 'sandbox';
export const SANDBOX_SETUP_PATH = '/sandbox-gateway/setup';

export function sandboxGateway(config: Pick<Config, 'secret' | 'publicUrl'>): PaymentGateway {
  return {
    name: SANDBOX_GATEWAY,

    async createSetup({ reference, returnUrl, expiresAt }) {
      const session = sealSetup(config.secret, { reference, returnUrl, expiresAt });
      return { gatewayUrl: `${config.publicUrl}${SANDBOX_SETUP_PATH}/${encodeURIComponent(reference)}?session=${encodeURIComponent(session)}` };
    },

    async retrieveTokenizedCard(token) {
      const { behaviour: _behaviour, ...card } = openToken(config.secret, token);
      return card;
    },

    async verifyCard(token) {
      return outcomeOf(openToken(config.secret, token).behaviour);
    },

    async charge({ token, amount, currency, idempotencyKey }): Promise<ChargeOutcome> {
      checkAmount(amount);
      if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError('currency must be an ISO 4217 code');
      if (idempotencyKey.length === 0 || idempotencyKey.length > 255) throw new RangeError('idempotency key must be 1–255 characters');
      const outcome = outcomeOf(openToken(config.secret, token).behaviour);
      if (!outcome.ok) return outcome;
      const payload = Buffer.from(JSON.stringify({ a: amount, c: currency, k: hmac(config.secret, 'sandbox-idempotency', idempotencyKey) })).toString('base64url');
      return { ok: true, chargeId: `ch_sbx_${payload}.${hmac(config.secret, 'sandbox-charge', payload)}` };
    },

    async refund({ chargeId, amount }): Promise<RefundOutcome> {
      checkAmount(amount);
      const charged = chargedAmount(config.secret, chargeId);
      if (charged === null) return { ok: false, error: 'unknown_charge' };
      // Stateless, so each refund is checked against the charge alone, not against earlier partial refunds.
      if (amount > charged) return { ok: false, error: 'amount_too_large' };
      return { ok: true, refundId: `re_sbx_${hmac(config.secret, 'sandbox-refund', chargeId, String(amount)).slice(0, 24)}` };
    },
  };
}

function outcomeOf(behaviour: TestBehaviour): GatewayOutcome {
  return behaviour === 'succeed' ? { ok: true } : { ok: false, declined: behaviour };
}

function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError('amount must be a positive whole number of minor units');
}

function chargedAmount(secret: string, chargeId: string): number | null {
  const match = /^ch_sbx_([\w-]{1,400})\.([\w-]{43})$/.exec(chargeId);
  if (!match || !constantTimeEqual(match[2]!, hmac(secret, 'sandbox-charge', match[1]!))) return null;
  const { a } = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as { a: number };
  return a;
}
