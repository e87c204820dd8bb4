import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { buildKeyring } from '../../../src/platform/keyring.js';
import { GatewayIdempotencyError, GatewayTokenError } from '../../../src/wallet/gateways/gateway.js';
import { paymentGateway } from '../../../src/wallet/gateways/gateways.js';
import { sandboxGateway } from '../../../src/wallet/gateways/sandbox/sandbox-gateway.js';
import { issueToken } from '../../../src/wallet/gateways/sandbox/sandbox-tokens.js';

/**
 * The gateway contract (wallet/gateway.ts): the same idempotency key always answers with the same charge, never a
 * second one, and a key reused for another card, amount or currency is refused — a retried request can never
 * turn into a different charge. The sandbox honours it like a real gateway would.
 */
const config = { keys: buildKeyring('a-test-secret-that-is-long-enough-1234567890'), publicUrl: 'https://shop.example' };
const tokenFor = (number: string, reference = 'setup-1') => issueToken(config.keys, { digits: number, brand: 'visa', expMonth: 12, expYear: 2030 }, reference);

describe('sandbox charges and idempotency keys', () => {
  it('the same key and request give the same charge id, derived from the key by keyed HMAC (the key itself is not in it)', async () => {
    const gateway = sandboxGateway(config);
    const token = tokenFor('4242424242424242');
    const first = await gateway.charge({ token, amount: 2500, currency: 'EUR', idempotencyKey: 'order-A-1001' });
    const again = await gateway.charge({ token, amount: 2500, currency: 'EUR', idempotencyKey: 'order-A-1001' });
    expect(first).toEqual(again);
    if (!first.ok) throw new Error('charge failed');
    expect(first.chargeId).not.toContain('order-A-1001');
    expect(Buffer.from(first.chargeId.slice('ch_sbx_'.length).split('.')[0]!, 'base64url').toString()).not.toContain('order-A-1001');
    // Another instance with the same secret gives the same id for the same request, and can refund it.
    const other = sandboxGateway(config);
    expect(await other.charge({ token, amount: 2500, currency: 'EUR', idempotencyKey: 'order-A-1001' })).toEqual(first);
    expect(await other.refund({ chargeId: first.chargeId, amount: 2500 })).toMatchObject({ ok: true });
  });

  it('the same key with another amount, currency or card is refused with a clear error, never a second charge', async () => {
    const gateway = sandboxGateway(config);
    const token = tokenFor('4242424242424242');
    const first = await gateway.charge({ token, amount: 2500, currency: 'EUR', idempotencyKey: 'order-B-7' });
    expect(first.ok).toBe(true);
    const mismatches = [
      { token, amount: 2600, currency: 'EUR' },
      { token, amount: 2500, currency: 'USD' },
      { token: tokenFor('5555555555554444', 'setup-2'), amount: 2500, currency: 'EUR' },
    ];
    for (const body of mismatches) {
      const attempt = gateway.charge({ ...body, idempotencyKey: 'order-B-7' });
      await expect(attempt).rejects.toBeInstanceOf(GatewayIdempotencyError);
      await expect(gateway.charge({ ...body, idempotencyKey: 'order-B-7' })).rejects.toThrow(/already used for a charge with another card, amount or currency/);
    }
    // The first request still answers the first charge; a new key is a new charge.
    expect(await gateway.charge({ token, amount: 2500, currency: 'EUR', idempotencyKey: 'order-B-7' })).toEqual(first);
    const fresh = await gateway.charge({ token, amount: 2600, currency: 'EUR', idempotencyKey: 'order-B-8' });
    expect(fresh.ok && first.ok && fresh.chargeId !== first.chargeId).toBe(true);
  });

  it('a declined attempt claims its key too: the key can not be retried with another card', async () => {
    const gateway = sandboxGateway(config);
    const declined = await gateway.charge({ token: tokenFor('4000000000000002'), amount: 900, currency: 'GBP', idempotencyKey: 'order-C-1' });
    expect(declined).toEqual({ ok: false, declined: 'generic_decline' });
    await expect(gateway.charge({ token: tokenFor('4242424242424242'), amount: 900, currency: 'GBP', idempotencyKey: 'order-C-1' })).rejects.toBeInstanceOf(GatewayIdempotencyError);
  });

  it('the charge is tied to the card token: the same key and amount on two apps with different cards gives different charges', async () => {
    const one = await sandboxGateway(config).charge({ token: tokenFor('4242424242424242'), amount: 100, currency: 'USD', idempotencyKey: 'k' });
    const two = await sandboxGateway(config).charge({ token: tokenFor('5555555555554444'), amount: 100, currency: 'USD', idempotencyKey: 'k' });
    expect(one.ok && two.ok).toBe(true);
    expect(one).not.toEqual(two);
    await expect(sandboxGateway(config).charge({ token: 'tok_sbx_forged', amount: 100, currency: 'USD', idempotencyKey: 'k' })).rejects.toBeInstanceOf(GatewayTokenError);
  });

  it('the configured adapter is one per app, so it remembers keys across requests', async () => {
    const appConfig = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const token = issueToken(appConfig.keys, { digits: '4242424242424242', brand: 'visa', expMonth: 12, expYear: 2030 }, 'setup-1');
    expect(paymentGateway(appConfig)).toBe(paymentGateway(appConfig));
    await paymentGateway(appConfig).charge({ token, amount: 100, currency: 'USD', idempotencyKey: 'order-D-1' });
    await expect(paymentGateway(appConfig).charge({ token, amount: 101, currency: 'USD', idempotencyKey: 'order-D-1' })).rejects.toBeInstanceOf(GatewayIdempotencyError);
  });
});
