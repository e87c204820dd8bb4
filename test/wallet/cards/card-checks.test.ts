import { describe, expect, it } from 'vitest';
import { checkCard, checkCardNumber, checkCvc, checkExpiry } from '../../../src/wallet/gateways/sandbox/card-checks.js';
import { sandboxGateway } from '../../../src/wallet/gateways/sandbox/sandbox-gateway.js';
import { cardFingerprint, issueToken, openSetup, openToken, sealSetup } from '../../../src/wallet/gateways/sandbox/sandbox-tokens.js';
import { TEST_CARDS } from '../../../src/wallet/gateways/sandbox/test-cards.js';
import { declineMessage, DECLINE_REASONS, GatewayTokenError, publicDeclineReason } from '../../../src/wallet/gateways/gateway.js';
import { cardExpiresAt, expiryStatus, monthsExpiringWithin } from '../../../src/wallet/cards/card-expiry.js';
import { DAY } from '../../../src/platform/clock.js';
import { buildKeyring } from '../../../src/platform/keyring.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const config = { secret: 'a-test-secret-that-is-long-enough-1234567890', keys: buildKeyring('a-test-secret-that-is-long-enough-1234567890'), publicUrl: 'https://shop.example' };

describe('card number: Luhn, length and brand (card-validator)', () => {
  const brands: Array<[string, string, number]> = [
    ['4242424242424242', 'visa', 3],
    ['4111 1111 1111 1111', 'visa', 3],
    ['5555555555554444', 'mastercard', 3],
    ['2223003122003222', 'mastercard', 3],
    ['378282246310005', 'amex', 4],
    ['3714-496353-98431', 'amex', 4],
    ['6011111111111117', 'discover', 3],
    ['3566002020360505', 'jcb', 3],
    ['36227206271667', 'diners', 3],
    ['3056930009020004', 'diners', 3],
    ['6200000000000005', 'unionpay', 3],
  ];
  it.each(brands)('%s is %s with a %i-digit security code', (number, brand, cvcLength) => {
    expect(checkCardNumber(number)).toEqual({ digits: number.replace(/\D/g, ''), brand });
    expect(checkCvc('1234'.slice(0, cvcLength), brand as never)).toBeUndefined();
    expect(checkCvc('12345'.slice(0, cvcLength === 4 ? 3 : 4), brand as never)).toMatch(/security code for this card is/);
  });

  it('refuses a wrong check digit, a wrong length, letters and look-alike digits', () => {
    for (const bad of ['4242424242424241', '424242424242424', '42424242424242424242', '6200000000000006', '4242abcd42424242', '٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢', '４２４２４２４２４２４２４２４２']) {
      expect(checkCardNumber(bad), bad).toHaveProperty('error');
    }
    expect(checkCardNumber('4242424242424241')).toEqual({ error: 'The card number is not valid — check the digits.' });
    expect(checkCardNumber('')).toEqual({ error: 'Enter the card number.' });
  });

  it('refuses brands the shop does not take, saying which it does', () => {
    // Maestro and Mir numbers are valid, but not accepted.
    expect(checkCardNumber('6759649826438453')).toEqual({ error: expect.stringMatching(/not accepted.*Visa, Mastercard/) });
    expect(checkCardNumber('2200000000000004')).toEqual({ error: expect.stringMatching(/not accepted/) });
  });
});

describe('expiry date', () => {
  it('reads MM/YY and its usual variants', () => {
    for (const text of ['04/29', '4/29', '04/2029', '04 / 29', '04-29', '0429']) expect(checkExpiry(text, NOW), text).toEqual({ month: 4, year: 2029 });
  });
  it('a card is good until the end of its month, by the injected clock', () => {
    expect(checkExpiry('01/26', NOW)).toEqual({ month: 1, year: 2026 });
    expect(checkExpiry('12/25', NOW)).toEqual({ error: 'This card has expired. Please use a card that is still valid.' });
    expect(checkExpiry('01/26', Date.UTC(2026, 1, 1))).toHaveProperty('error');
  });
  it('refuses nonsense', () => {
    for (const bad of ['', '13/29', '00/29', '4/2', 'April 2029', '04/29/01', '04/99', '1/1/1']) expect(checkExpiry(bad, NOW), bad).toHaveProperty('error');
  });
});

describe('security code and the whole form', () => {
  it('needs digits of the brand\'s length', () => {
    expect(checkCvc('', 'visa')).toMatch(/3-digit code on the back/);
    expect(checkCvc('', 'amex')).toMatch(/4-digit code on the front/);
    expect(checkCvc('12a', 'visa')).toBe('The security code can only contain digits.');
    expect(checkCvc('123', 'amex')).toMatch(/4-digit/);
    expect(checkCvc('1234', 'visa')).toMatch(/3-digit/);
  });
  it('reports every field at once', () => {
    const result = checkCard({ number: '1234', expiry: '13/40', cvc: 'x', name: ' ' }, NOW);
    expect(result).toEqual({ ok: false, errors: { number: expect.any(String), expiry: expect.any(String), cvc: expect.any(String), name: expect.any(String) } });
    expect(checkCard({ number: '4242424242424242', expiry: '12/30', cvc: '123', name: 'Ada\u0000' }, NOW)).toMatchObject({ ok: false, errors: { name: expect.any(String) } });
    expect(checkCard({ number: '378282246310005', expiry: '12/30', cvc: '1234', name: 'Ada Lovelace' }, NOW)).toEqual({
      ok: true,
      card: { digits: '378282246310005', brand: 'amex', expMonth: 12, expYear: 2030 },
    });
  });
});

describe('the sandbox gateway', () => {
  const gateway = sandboxGateway(config);
  const tokenFor = (number: string, reference = 'setup-1') =>
    issueToken(config.keys, { digits: number, brand: 'visa', expMonth: 12, expYear: 2030 }, reference);

  it.each(TEST_CARDS.map((c) => [c.number, c.behaviour]))('test number %s → %s at the zero-amount check and at a charge', async (number, behaviour) => {
    expect(checkCardNumber(number)).toEqual({ digits: number, brand: 'visa' });
    const token = tokenFor(number);
    const verified = await gateway.verifyCard(token);
    const charged = await gateway.charge({ token, amount: 1999, currency: 'USD', idempotencyKey: `k-${number}` });
    if (behaviour === 'succeed') {
      expect(verified).toEqual({ ok: true });
      expect(charged.ok).toBe(true);
    } else {
      expect(verified).toEqual({ ok: false, declined: behaviour });
      expect(charged).toEqual({ ok: false, declined: behaviour });
    }
  });

  it('every decline reason has words; lost and stolen read as a plain decline', () => {
    for (const reason of DECLINE_REASONS) expect(declineMessage(reason).length).toBeGreaterThan(20);
    expect(publicDeclineReason('lost_card')).toBe('generic_decline');
    expect(publicDeclineReason('stolen_card')).toBe('generic_decline');
    expect(declineMessage('stolen_card')).toBe(declineMessage('generic_decline'));
    expect(declineMessage('invalid_number')).toBe('The card number is not valid — check the digits and try again.');
  });

  it('tokens are stateless: another instance with the same secret reads them; nobody else can', async () => {
    const token = tokenFor('4242424242424242');
    const other = sandboxGateway({ ...config, publicUrl: 'https://other.example' });
    expect(await other.retrieveTokenizedCard(token)).toEqual({
      brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, fingerprint: cardFingerprint(config.secret, '4242424242424242'), setupReference: 'setup-1',
    });
    const foreign = sandboxGateway({ ...config, keys: buildKeyring('another-secret-entirely-0987654321-abcdef') });
    await expect(foreign.retrieveTokenizedCard(token)).rejects.toBeInstanceOf(GatewayTokenError);
    const tampered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    for (const bad of [tampered, 'tok_sbx_', 'nonsense', token.replace('tok_sbx_', ''), `tok_sbx_${'A'.repeat(5000)}`]) {
      await expect(gateway.retrieveTokenizedCard(bad)).rejects.toBeInstanceOf(GatewayTokenError);
      expect(() => openToken(config.keys, bad)).toThrow(GatewayTokenError);
    }
  });

  it('a token holds neither the full number nor the security code, even once opened', () => {
    const token = tokenFor('4111111111111111');
    expect(token).not.toContain('4111111111111111');
    const opened = JSON.stringify(openToken(config.keys, token));
    expect(opened).not.toContain('4111111111111111');
    expect(opened).not.toContain('11111111');
  });

  it('the fingerprint is keyed: same card same value, another card or another secret a different one', () => {
    const fp = cardFingerprint(config.secret, '4242424242424242');
    expect(cardFingerprint(config.secret, '4242424242424242')).toBe(fp);
    expect(cardFingerprint(config.secret, '4000000000000002')).not.toBe(fp);
    expect(cardFingerprint('another-secret-entirely-0987654321-abcdef', '4242424242424242')).not.toBe(fp);
    expect(fp).not.toContain('4242');
  });

  it('the setup session is sealed: its return address cannot be changed (no open redirect)', async () => {
    const { gatewayUrl } = await gateway.createSetup({ reference: 'setup-1', returnUrl: 'https://shop.example/account/cards/return', expiresAt: NOW + 1000 });
    const session = new URL(gatewayUrl).searchParams.get('session')!;
    expect(openSetup(config.keys, session)).toEqual({ reference: 'setup-1', returnUrl: 'https://shop.example/account/cards/return', expiresAt: NOW + 1000 });
    // A character in the middle: the last base64url character can carry padding bits that change nothing.
    const middle = Math.floor(session.length / 2);
    const tampered = session.slice(0, middle) + (session[middle] === 'A' ? 'B' : 'A') + session.slice(middle + 1);
    expect(openSetup(config.keys, tampered)).toBeNull();
    expect(openSetup(config.keys, sealSetup(buildKeyring('another-secret-entirely-0987654321-abcdef'), { reference: 'x', returnUrl: 'https://evil.example/', expiresAt: NOW }))).toBeNull();
  });

  it('charges are idempotent by key and refunds never exceed the charge', async () => {
    const token = tokenFor('4242424242424242');
    const first = await gateway.charge({ token, amount: 2500, currency: 'EUR', idempotencyKey: 'order-1' });
    const again = await gateway.charge({ token, amount: 2500, currency: 'EUR', idempotencyKey: 'order-1' });
    const other = await gateway.charge({ token, amount: 2500, currency: 'EUR', idempotencyKey: 'order-2' });
    expect(first).toEqual(again);
    expect(other).not.toEqual(first);
    if (!first.ok) throw new Error('charge failed');
    expect(await gateway.refund({ chargeId: first.chargeId, amount: 2500 })).toMatchObject({ ok: true });
    expect(await gateway.refund({ chargeId: first.chargeId, amount: 2501 })).toEqual({ ok: false, error: 'amount_too_large' });
    expect(await gateway.refund({ chargeId: first.chargeId.replace('ch_sbx_', 'ch_sbx_x'), amount: 1 })).toEqual({ ok: false, error: 'unknown_charge' });
    await expect(gateway.charge({ token, amount: 0, currency: 'EUR', idempotencyKey: 'k' })).rejects.toThrow(RangeError);
    await expect(gateway.charge({ token, amount: 1.5, currency: 'EUR', idempotencyKey: 'k' })).rejects.toThrow(RangeError);
    await expect(gateway.charge({ token, amount: 100, currency: 'eur', idempotencyKey: 'k' })).rejects.toThrow(RangeError);
  });
});

describe('expiry status and the reminder window', () => {
  it('expires at the start of the month after the expiry month (UTC)', () => {
    expect(cardExpiresAt(12, 2029)).toBe(Date.UTC(2030, 0, 1));
    expect(expiryStatus({ expMonth: 1, expYear: 2026 }, NOW)).toBe('expires_soon');
    expect(expiryStatus({ expMonth: 2, expYear: 2026 }, NOW)).toBe('valid');
    expect(expiryStatus({ expMonth: 12, expYear: 2025 }, NOW)).toBe('expired');
  });
  it('names the expiry months whose cards run out within 30 days', () => {
    expect(monthsExpiringWithin(NOW, 30 * DAY)).toEqual([{ year: 2026, month: 1 }]);
    expect(monthsExpiringWithin(Date.UTC(2026, 0, 1), 30 * DAY)).toEqual([]);
    expect(monthsExpiringWithin(Date.UTC(2026, 0, 2), 30 * DAY)).toEqual([{ year: 2026, month: 1 }]);
    expect(monthsExpiringWithin(Date.UTC(2025, 11, 31), 40 * DAY)).toEqual([{ year: 2025, month: 12 }, { year: 2026, month: 1 }]);
  });
});
