import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { api, createTestApp, type TestApp } from '../../helpers/app.js';
import { saveCard } from '../../helpers/store.js';
import { Browser, signUp } from '../../helpers/browser.js';
import { expectClientError } from '../../helpers/fixtures.js';
import { BILLING, customerWithAddress } from './card-fixtures.js';

/**
 * SECURITY.md "Card data": the sandbox gateway's own page takes the card number and security code into Custos
 * itself and saves any valid number, so production refuses it; without a gateway (PAYMENT_GATEWAY=none) saved
 * cards are still listed and adding one answers a clear `card.gateway_unavailable`, never a 500.
 */
const STRONG_SECRET = 'k7Qz3vN9pX2mL8rT4wY6bC1dF5gH0jS-e';
const PRODUCTION = { NODE_ENV: 'production', SECRET: STRONG_SECRET, PUBLIC_URL: 'https://accounts.shop.example', DATABASE_URL: 'postgres://custos@db/custos', LOG_LEVEL: 'silent' };

describe('PAYMENT_GATEWAY', () => {
  it('SECURITY.md Card data: production refuses the sandbox gateway at start, saying why and what to set instead', () => {
    expect(() => loadConfig({ ...PRODUCTION, PAYMENT_GATEWAY: 'sandbox' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...PRODUCTION, PAYMENT_GATEWAY: 'sandbox' })).toThrow(/PAYMENT_GATEWAY=sandbox.*real card numbers.*PAYMENT_GATEWAY=none/s);
  });

  it('defaults to none in production and to sandbox elsewhere; anything else is refused', () => {
    expect(loadConfig(PRODUCTION).paymentGateway).toBe('none');
    expect(loadConfig({ ...PRODUCTION, PAYMENT_GATEWAY: 'none' }).paymentGateway).toBe('none');
    expect(loadConfig({}).paymentGateway).toBe('sandbox');
    expect(loadConfig({ NODE_ENV: 'test' }).paymentGateway).toBe('sandbox');
    expect(loadConfig({ NODE_ENV: 'development', PAYMENT_GATEWAY: 'none' }).paymentGateway).toBe('none');
    for (const value of ['stripe', 'SANDBOX', 'sandbox ', 'none,sandbox']) {
      expect(() => loadConfig({ PAYMENT_GATEWAY: value }), value).toThrow(ConfigError);
    }
  });

  it('a production app serves no sandbox card page', async () => {
    const production = await createTestApp(PRODUCTION);
    try {
      const res = await production.app.fastify.inject({ method: 'GET', url: '/sandbox-gateway/setup/x?session=y' });
      expect(res.statusCode).toBe(404);
    } finally {
      await production.close();
    }
  });
});

describe('with no payment gateway (PAYMENT_GATEWAY=none)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ PAYMENT_GATEWAY: 'none' });
  });
  afterEach(() => t.close());

  it('the API lists saved cards; starting or finishing a setup answers 503 card.gateway_unavailable and writes nothing', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    await saveCard(t, ada.accountId, { last4: '4242', isDefault: true });
    const listed = await api(t, 'GET', '/api/v1/cards', { token: ada.token });
    expect(listed.status).toBe(200);
    expect(listed.body.cards.map((c: any) => c.last4)).toEqual(['4242']);

    const flowsBefore = (await t.app.deps.db.selectFrom('flows').select('id').execute()).length;
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    expectClientError(setup, 503, 'card.gateway_unavailable');
    expect(setup.body.error.message).toBe("Adding a card isn't available yet. Cards you have already saved can still be used.");
    expectClientError(await api(t, 'POST', '/api/v1/cards', { token: ada.token, body: { setup_id: 'x'.repeat(22), token: 'tok_sbx_x' } }), 503, 'card.gateway_unavailable');
    expect((await t.app.deps.db.selectFrom('flows').select('id').execute()).length).toBe(flowsBefore);
    expect((await t.app.deps.db.selectFrom('cards').select('id').execute()).length).toBe(1);
    // Removing a saved card needs no gateway.
    expect((await api(t, 'DELETE', `/api/v1/cards/${listed.body.cards[0].id}`, { token: ada.token })).status).toBe(204);
  });

  it('the pages list saved cards, "Add a card" says it is not available, and the setup pages answer 503 pages', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Ada Lovelace', email: 'ada@example.com' });
    const added = await browser.submit('/account/addresses/new', '/account/addresses/new', { ...BILLING, line2: '', phone: '' });
    expect(added.status).toBe(303);
    const accountId = (await t.app.deps.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
    await saveCard(t, accountId, { brand: 'mastercard', last4: '4444', isDefault: true });

    const list = await browser.get('/account/cards');
    expect(list.status).toBe(200);
    expect(list.body).toMatch(/Mastercard <span aria-hidden="true">••••<\/span><span class="visually-hidden"> ending in<\/span> 4444/);
    expect(list.body).toContain("Adding a card isn't available yet.");
    expect(list.body).not.toContain('href="/account/cards/new"');

    const form = await browser.get('/account/cards/new');
    expect(form.status).toBe(503);
    expect(form.body).toContain("Adding a card isn't available yet.");
    expect(form.body).not.toContain('Continue to the payment page');
    const address = (await t.app.deps.db.selectFrom('addresses').select('id').executeTakeFirstOrThrow()).id;
    const started = await browser.post('/account/cards/new', { billing_address: address });
    expect(started.status).toBe(503);
    expect(started.body).toContain("Adding a card isn't available yet.");
    const back = await browser.get(`/account/cards/return?setup=${'x'.repeat(22)}&token=tok_sbx_x`);
    expect(back.status).toBe(503);
    expect(back.body).toContain("Adding a card isn't available yet.");
    expect((await t.app.deps.db.selectFrom('flows').select('id').where('kind', '=', 'card_setup').execute()).length).toBe(0);
  });
});
