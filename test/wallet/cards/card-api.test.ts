import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../../src/platform/clock.js';
import { api, createTestApp, type TestApp } from '../../helpers/app.js';
import { messagesTo, signUpFrom } from '../../helpers/fixtures.js';
import { addCardByApi, customerWithAddress, enterCard } from './card-fixtures.js';

describe('payment methods API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function cardCount(accountId: string): Promise<number> {
    const rows = await t.app.deps.db.selectFrom('cards').select('id').where('account_id', '=', accountId).execute();
    return rows.length;
  }

  it('adds a card: setup, the gateway page, then the token; the first card is the default and the customer is told', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    expect(setup.status).toBe(201);
    expect(setup.body.gateway_url).toMatch(new RegExp(`^http://localhost:3000/sandbox-gateway/setup/${setup.body.setup_id}\\?session=`));
    expect(Date.parse(setup.body.expires_at) - t.clock.now()).toBe(30 * MINUTE);

    const entered = await enterCard(t.app, setup.body.gateway_url, { number: '4242 4242 4242 4242' });
    expect(entered.status).toBe(303);
    expect(entered.location).toMatch(/^http:\/\/localhost:3000\/account\/cards\/return\?setup=/);
    expect(entered.setup).toBe(setup.body.setup_id);

    const saved = await api(t, 'POST', '/api/v1/cards', { token: ada.token, body: { setup_id: setup.body.setup_id, token: entered.token } });
    expect(saved.status).toBe(201);
    expect(saved.body.already_saved).toBe(false);
    expect(saved.body.card).toMatchObject({
      brand: 'visa', brand_name: 'Visa', last4: '4242', exp_month: 12, exp_year: 2030, expiry_status: 'valid', is_default: true,
      billing_address: { full_name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'CA', postal_code: '94103', country: 'US' },
      billing_address_lines: ['Ada Lovelace', '1 Market St', 'San Francisco, CA 94103', 'United States'],
    });
    expect(JSON.stringify(saved.body)).not.toContain('fp_');
    expect(JSON.stringify(saved.body)).not.toContain('tok_');

    const listed = await api(t, 'GET', '/api/v1/cards', { token: ada.token });
    expect(listed.body.cards).toEqual([saved.body.card]);
    const notice = (await messagesTo(t, 'ada@example.com')).find((m) => m.subject === 'A card was added to your account');
    expect(notice?.text_body).toContain('Visa ending in 4242');
    const activity = await api(t, 'GET', '/api/v1/activity', { token: ada.token });
    expect(activity.body.activity[0].description).toBe('Payment card added: Visa •••• 4242');
  });

  it('ASVS 7.5.1: starting a card setup needs a recent sign-in; finishing it, like the return page, needs the session that started it', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const entered = await enterCard(t.app, setup.body.gateway_url, { number: '4242424242424242' });
    t.clock.advance(t.config.stepUpMinutes * MINUTE + 1000);
    expect((await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} })).body.error.code).toBe('auth.step_up_required');
    expect(await cardCount(ada.accountId)).toBe(0);
    // A customer slower than STEP_UP_MINUTES on the gateway's page still keeps the card they typed.
    const finished = await api(t, 'POST', '/api/v1/cards', { token: ada.token, body: { setup_id: setup.body.setup_id, token: entered.token } });
    expect(finished.status).toBe(201);
  });

  it('a decline is 402 card.declined with the reason in a code and in words; nothing is saved', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const cases: Array<[string, string, RegExp]> = [
      ['4000000000000002', 'generic_decline', /Your bank declined the card/],
      ['4000000000009995', 'insufficient_funds', /not enough money or credit/],
      ['4000000000000069', 'expired_card', /has expired/],
      ['4000000000000127', 'incorrect_cvc', /security code does not match/],
      ['4000000000000119', 'processing_error', /problem at the card processor/],
      // Lost and stolen read as a plain decline: whoever holds the card learns nothing from the answer.
      ['4000000000009987', 'generic_decline', /Your bank declined the card/],
      ['4000000000009979', 'generic_decline', /Your bank declined the card/],
    ];
    // Five counted declines pause an account (card testing, card-testing.test.ts), so the last cases use another.
    const bob = await customerWithAddress(t, 'bob@example.com');
    for (const [index, [number, reason, words]] of cases.entries()) {
      const answer = await addCardByApi(t, index < 5 ? ada.token : bob.token, { number });
      expect(answer.status, number).toBe(402);
      expect(answer.body.error).toMatchObject({ code: 'card.declined', reason });
      expect(answer.body.error.message, number).toMatch(words);
    }
    expect(await cardCount(ada.accountId)).toBe(0);
    expect(await cardCount(bob.accountId)).toBe(0);
    expect((await messagesTo(t, 'ada@example.com')).filter((m) => m.subject.includes('card'))).toHaveLength(0);
  });

  it('recognises a card already saved (same fingerprint) and keeps the later expiry instead of a duplicate', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const first = await addCardByApi(t, ada.token, { number: '5555555555554444', expiry: '04/28' });
    expect(first.status).toBe(201);
    const again = await addCardByApi(t, ada.token, { number: '5555 5555 5555 4444', expiry: '04/28' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ already_saved: true, expiry_updated: false, card: { id: first.body.card.id } });
    const renewed = await addCardByApi(t, ada.token, { number: '5555555555554444', expiry: '09/31' });
    expect(renewed.body).toMatchObject({ already_saved: true, expiry_updated: true, card: { id: first.body.card.id, exp_month: 9, exp_year: 2031 } });
    const older = await addCardByApi(t, ada.token, { number: '5555555555554444', expiry: '01/29' });
    expect(older.body).toMatchObject({ already_saved: true, expiry_updated: false, card: { exp_month: 9, exp_year: 2031 } });
    expect(await cardCount(ada.accountId)).toBe(1);
    // Another account may hold the same card: recognition is per account.
    const bob = await customerWithAddress(t, 'bob@example.com');
    expect((await addCardByApi(t, bob.token, { number: '5555555555554444' })).status).toBe(201);
  });

  it('exactly one default: the first card, then the one chosen; removing the default passes it on', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const visa = (await addCardByApi(t, ada.token, { number: '4242424242424242' })).body.card;
    t.clock.advance(1000);
    const amex = (await addCardByApi(t, ada.token, { number: '378282246310005' })).body.card;
    t.clock.advance(1000);
    const jcb = (await addCardByApi(t, ada.token, { number: '3566002020360505' })).body.card;
    expect([visa.is_default, amex.is_default, jcb.is_default]).toEqual([true, false, false]);

    const chosen = await api(t, 'POST', `/api/v1/cards/${amex.id}/default`, { token: ada.token, body: {} });
    expect(chosen.status).toBe(200);
    expect(chosen.body.card.is_default).toBe(true);
    const listed = (await api(t, 'GET', '/api/v1/cards', { token: ada.token })).body.cards;
    expect(listed.map((c: any) => [c.brand, c.is_default])).toEqual([['amex', true], ['jcb', false], ['visa', false]]);

    // Three card notices went out this hour; a fourth would be combined into the hourly digest (README
    // "Text and email budgets"), so the removal is made in the next hour to read its own notice.
    t.clock.advance(HOUR);
    expect((await api(t, 'DELETE', `/api/v1/cards/${amex.id}`, { token: ada.token })).status).toBe(204);
    const after = (await api(t, 'GET', '/api/v1/cards', { token: ada.token })).body.cards;
    expect(after.map((c: any) => [c.brand, c.is_default])).toEqual([['jcb', true], ['visa', false]]);
    const removal = (await messagesTo(t, 'ada@example.com')).find((m) => m.subject === 'A card was removed from your account');
    expect(removal?.text_body).toContain('American Express ending in 0005');
  });

  it('marks a card expiring within 30 days, then expired once its month is over', async () => {
    t.clock.set(Date.UTC(2026, 0, 28, 9, 0, 0));
    const ada = await customerWithAddress(t, 'ada@example.com');
    const card = (await addCardByApi(t, ada.token, { number: '6011111111111117', expiry: '01/26' })).body.card;
    expect(card.expiry_status).toBe('expires_soon');
    // 1 February 2026, 00:00 UTC: the first moment after January.
    t.clock.set(Date.UTC(2026, 1, 1) - 1);
    expect((await api(t, 'GET', '/api/v1/cards', { token: ada.token })).body.cards[0].expiry_status).toBe('expires_soon');
    t.clock.set(Date.UTC(2026, 1, 1));
    expect((await api(t, 'GET', '/api/v1/cards', { token: ada.token })).body.cards[0].expiry_status).toBe('expired');
  });

  it('ASVS 8.2.2: another customer\'s card answers 404 and is left as it was', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const bob = await customerWithAddress(t, 'bob@example.com');
    const card = (await addCardByApi(t, ada.token, { number: '4242424242424242' })).body.card;
    await addCardByApi(t, bob.token, { number: '5555555555554444' });
    for (const [method, url, body] of [
      ['GET', `/api/v1/cards/${card.id}`, undefined],
      ['DELETE', `/api/v1/cards/${card.id}`, undefined],
      ['POST', `/api/v1/cards/${card.id}/default`, {}],
    ] as const) {
      const res = await api(t, method, url, { token: bob.token, body });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await api(t, 'GET', '/api/v1/cards', { token: bob.token })).body.cards.map((c: any) => c.last4)).toEqual(['4444']);
    expect((await api(t, 'GET', `/api/v1/cards/${card.id}`, { token: ada.token })).body.card).toEqual(card);
  });

  it('ASVS 8.2.2: another customer\'s address cannot be a card\'s billing address', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const bob = await customerWithAddress(t, 'bob@example.com');
    const res = await api(t, 'POST', '/api/v1/cards/setups', { token: bob.token, body: { billing_address_id: ada.addressId } });
    expect(res.status).toBe(404);
  });

  it('ASVS 6.5.1: a setup is used once — the second completion is refused and saves nothing more', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const entered = await enterCard(t.app, setup.body.gateway_url, { number: '4242424242424242' });
    const body = { setup_id: setup.body.setup_id, token: entered.token };
    const [one, two] = await Promise.all([api(t, 'POST', '/api/v1/cards', { token: ada.token, body }), api(t, 'POST', '/api/v1/cards', { token: ada.token, body })]);
    expect([one.status, two.status].sort()).toEqual([201, 409]);
    const third = await api(t, 'POST', '/api/v1/cards', { token: ada.token, body });
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('flow.wrong_step');
    expect(await cardCount(ada.accountId)).toBe(1);
  });

  it('a setup expires after 30 minutes, on the gateway page and at Custos', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const entered = await enterCard(t.app, setup.body.gateway_url, { number: '4242424242424242' });
    t.clock.advance(30 * MINUTE);
    const page = await t.app.fastify.inject({ method: 'GET', url: new URL(setup.body.gateway_url).pathname + new URL(setup.body.gateway_url).search });
    expect(page.statusCode).toBe(410);
    const stepped = await api(t, 'POST', '/api/v1/step-up', { token: ada.token, body: { password: 'velvet harbour lantern quietly' } });
    const late = await api(t, 'POST', '/api/v1/cards', { token: stepped.body.session.token, body: { setup_id: setup.body.setup_id, token: entered.token } });
    expect(late.status).toBe(410);
    expect(await cardCount(ada.accountId)).toBe(0);
  });

  it('a setup started by customer A and completed in B\'s session is refused; A can still finish it', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const bob = await customerWithAddress(t, 'bob@example.com');
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const entered = await enterCard(t.app, setup.body.gateway_url, { number: '4242424242424242' });
    const stolen = await api(t, 'POST', '/api/v1/cards', { token: bob.token, body: { setup_id: setup.body.setup_id, token: entered.token } });
    expect(stolen.status).toBe(404);
    expect(await cardCount(bob.accountId)).toBe(0);
    const own = await api(t, 'POST', '/api/v1/cards', { token: ada.token, body: { setup_id: setup.body.setup_id, token: entered.token } });
    expect(own.status).toBe(201);
  });

  it('a token is bound to its setup: one from another setup is refused', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const first = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const second = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const entered = await enterCard(t.app, first.body.gateway_url, { number: '4242424242424242' });
    const swapped = await api(t, 'POST', '/api/v1/cards', { token: ada.token, body: { setup_id: second.body.setup_id, token: entered.token } });
    expect(swapped.status).toBe(400);
    expect(swapped.body.error.code).toBe('card.token_invalid');
    expect(await cardCount(ada.accountId)).toBe(0);
  });

  it('a customer with no address is asked to add one first', async () => {
    const { token } = await signUpFrom(t, { email: 'cy@example.com' });
    const res = await api(t, 'POST', '/api/v1/cards/setups', { token, body: {} });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('card.billing_address_required');
  });
});
