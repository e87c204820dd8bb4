import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { MINUTE } from '../../src/platform/clock.js';
import { SESSION_COOKIE } from '../../src/platform/http/session-cookie.js';
import { loadConfig } from '../../src/config.js';
import { approve, openSession, partnerApi, partnerSite, shopper, type Shopper, type TestPartner } from './checkout-fixtures.js';

/**
 * ASVS 7.5.1 (step-up before a sensitive action): approving a payment to a partner the customer never paid, or one
 * over PAY_CONFIRM_ABOVE, needs a sign-in or password confirmation from the last few minutes.
 */
describe('approval asks for a fresh confirmation when it should', () => {
  let t: TestApp;
  let partner: TestPartner;
  beforeAll(async () => {
    t = await createTestApp({ PAY_CONFIRM_ABOVE: 'USD:5000,EUR:100' });
    partner = await partnerSite(t);
  });
  afterAll(() => t.close());

  /** A customer who paid this partner once (fresh sign-in), then let the sign-in age past the step-up window. */
  async function returningShopper(email: string): Promise<Shopper> {
    const who = await shopper(t, email);
    expect((await approve(t, who, (await openSession(t, partner)).id)).status).toBe(303);
    t.clock.advance(11 * MINUTE);
    return who;
  }

  it('ASVS 7.5.1: a partner new to the customer needs the password once the sign-in is no longer fresh', async () => {
    const ada = await shopper(t, 'confirm-new@example.com');
    t.clock.advance(11 * MINUTE);
    const session = await openSession(t, partner);
    const page = await ada.browser.get(`/pay/${session.id}`);
    expect(page.body).toContain('Confirm with your password');
    const without = await ada.browser.post(`/pay/${session.id}/approve`, { address: ada.addressId, card: ada.cardId });
    expect(without.status).toBe(400);
    expect(without.body).toMatch(/aria-describedby="[^"]*password-error/);
    const wrong = await ada.browser.post(`/pay/${session.id}/approve`, { address: ada.addressId, card: ada.cardId, password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect((await partnerApi(t, partner, 'GET', `/api/partner/v1/checkout-sessions/${session.id}`)).body.status).toBe('open');
    const before = ada.browser.cookies.get(SESSION_COOKIE);
    const right = await ada.browser.post(`/pay/${session.id}/approve`, { address: ada.addressId, card: ada.cardId, password: STRONG_PASSWORD });
    expect(right.status).toBe(303);
    // ASVS 7.2.4: the confirmation gives the session a new token.
    expect(ada.browser.cookies.get(SESSION_COOKIE)).not.toBe(before);
  });

  it('the pay page lets its forms end at the partner\'s return URL and nowhere else (CSP form-action)', async () => {
    const ada = await shopper(t, 'confirm-csp@example.com');
    const session = await openSession(t, partner);
    const page = await ada.browser.get(`/pay/${session.id}`);
    const formAction = /form-action ([^;]*)/.exec(page.headers['content-security-policy'] as string)?.[1];
    expect(formAction).toBe("'self' https://books.example");
  });

  it('a partner the customer pays already, under the threshold: no password asked', async () => {
    const ada = await returningShopper('confirm-known@example.com');
    const session = await openSession(t, partner);
    const page = await ada.browser.get(`/pay/${session.id}`);
    expect(page.body).not.toContain('Confirm with your password');
    expect((await ada.browser.post(`/pay/${session.id}/approve`, { address: ada.addressId, card: ada.cardId })).status).toBe(303);
  });

  it('over PAY_CONFIRM_ABOVE for the currency, even a known partner needs the password', async () => {
    const ada = await returningShopper('confirm-large@example.com');
    const items = [{ name: 'Encyclopaedia', quantity: 1, unit_amount: 5001 }];
    const session = await openSession(t, partner, { items, amount: 5001 });
    expect((await ada.browser.get(`/pay/${session.id}`)).body).toContain('Confirm with your password');
    expect((await ada.browser.post(`/pay/${session.id}/approve`, { address: ada.addressId, card: ada.cardId })).status).toBe(400);
    const exact = await openSession(t, partner, { items: [{ name: 'Atlas', quantity: 1, unit_amount: 5000 }], amount: 5000 });
    expect((await ada.browser.get(`/pay/${exact.id}`)).body).not.toContain('Confirm with your password');
  });

  it('a currency PAY_CONFIRM_ABOVE does not list always asks', async () => {
    const ada = await returningShopper('confirm-gbp@example.com');
    const session = await openSession(t, partner, { currency: 'GBP' });
    expect((await ada.browser.get(`/pay/${session.id}`)).body).toContain('Confirm with your password');
  });

  it('after removing the partner in Apps and websites it is new again; paying brings the same grant row back, without the old sign-in consent', async () => {
    const ada = await returningShopper('confirm-revoked@example.com');
    await t.app.deps.db.updateTable('partner_grants').set({ revoked_at: t.clock.now(), signin_claims: '{"email":true}' }).where('account_id', '=', ada.accountId).execute();
    const session = await openSession(t, partner);
    expect((await ada.browser.get(`/pay/${session.id}`)).body).toContain('Confirm with your password');
    expect((await ada.browser.post(`/pay/${session.id}/approve`, { address: ada.addressId, card: ada.cardId, password: STRONG_PASSWORD })).status).toBe(303);
    const grants = await t.app.deps.db.selectFrom('partner_grants').selectAll().where('account_id', '=', ada.accountId).execute();
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ pays: 1, revoked_at: null, signin_claims: null });
  });
});

describe('PAY_CONFIRM_ABOVE configuration', () => {
  it('parses per-currency thresholds in minor units', () => {
    const config = loadConfig({ NODE_ENV: 'test', PAY_CONFIRM_ABOVE: 'USD:10000, JPY:20000' });
    expect([...config.payConfirmAbove]).toEqual([['USD', 10000], ['JPY', 20000]]);
    expect(loadConfig({ NODE_ENV: 'test' }).payConfirmAbove.get('EUR')).toBe(10000);
  });

  it('refuses to start on a malformed value', () => {
    for (const value of ['USD', 'USD:', 'USD:1.5', 'usd:100', 'XXX:100', 'USD:100,USD:200', 'USD:-1', 'USD:100;EUR:100', ',']) {
      expect(() => loadConfig({ NODE_ENV: 'test', PAY_CONFIRM_ABOVE: value }), value).toThrow(/PAY_CONFIRM_ABOVE/);
    }
  });
});
