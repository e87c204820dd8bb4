import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from '../../helpers/app.js';
import { Browser } from '../../helpers/browser.js';
import { expectClientError, raw } from '../../helpers/fixtures.js';
import { addCardByApi, customerWithAddress, enterCard, pathOf } from './card-fixtures.js';

/**
 * Hostile input on every payment-method route, the JSON API and the pages, the gateway's page included:
 * oversized, malformed, wrong-typed, unicode-odd and hostile values get a clear 4xx (a stable code on the API),
 * never a 500, and nothing is half written.
 */
const ODD_IDS = ['..%2F..%2Fetc%2Fpasswd', '%00', 'x%00y', '%E2%80%AE', encodeURIComponent('카드'), encodeURIComponent("1' OR '1'='1"), 'a'.repeat(65)];

describe('payment methods: hostile input', () => {
  let t: TestApp;
  let ada: { token: string; accountId: string; addressId: string };
  beforeEach(async () => {
    t = await createTestApp();
    ada = await customerWithAddress(t, 'ada@example.com');
  });
  afterEach(() => t.close());

  async function expectNoCards(): Promise<void> {
    expect(await t.app.deps.db.selectFrom('cards').select('id').execute()).toHaveLength(0);
  }

  it('POST /api/v1/cards/setups: wrong types, unknown fields, oversized and odd ids, wrong content type', async () => {
    const post = (body: unknown) => api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body });
    expectClientError(await post({ billing_address_id: 42 }), 400, 'request.invalid');
    expectClientError(await post({ billing_address_id: ['x'] }), 400, 'request.invalid');
    expectClientError(await post({ account_id: 'someone-else' }), 400, 'request.invalid');
    expectClientError(await post({ billing_address_id: 'x'.repeat(10_000) }), 400, 'request.invalid');
    expectClientError(await post([]), 400, 'request.invalid');
    for (const id of ['../../etc', '\u0000', '\u202e', '카드', "1' OR '1'='1", '']) {
      const res = await post({ billing_address_id: id });
      // An empty id means "the default billing address"; anything else that is not one of ours is not found.
      if (id === '') expect(res.status).toBe(201);
      else expectClientError(res, 404, 'not_found');
    }
    expectClientError(await raw(t, 'POST', '/api/v1/cards/setups', '{"billing_address_id": ', { authorization: `Bearer ${ada.token}` }), 400, 'request.malformed_json');
    expectClientError(await raw(t, 'POST', '/api/v1/cards/setups', 'billing_address_id=x', { authorization: `Bearer ${ada.token}`, 'content-type': 'application/x-www-form-urlencoded' }), 415, 'request.json_required');
    expectClientError(await raw(t, 'POST', '/api/v1/cards/setups', JSON.stringify({ billing_address_id: 'x'.repeat(1024 * 1024) }), { authorization: `Bearer ${ada.token}` }), 413, 'request.too_large');
    expectClientError(await api(t, 'POST', '/api/v1/cards/setups', { body: {} }), 401, 'auth.required');
  });

  it('POST /api/v1/cards: odd setup ids, forged and oversized tokens, wrong types', async () => {
    const post = (body: unknown) => api(t, 'POST', '/api/v1/cards', { token: ada.token, body });
    expectClientError(await post({}), 400, 'request.invalid');
    expectClientError(await post({ setup_id: 1, token: { a: 1 } }), 400, 'request.invalid');
    expectClientError(await post({ setup_id: 'x', token: 'y', card_number: '4242424242424242' }), 400, 'request.invalid');
    expectClientError(await post({ setup_id: 'x', token: 'y'.repeat(5000) }), 400, 'request.invalid');
    for (const id of ['../../etc', '\u0000', '\ud800', '카드', 'x'.repeat(65)]) expectClientError(await post({ setup_id: id, token: 'y' }), 404, 'not_found');

    // A live setup with a forged token: refused, and the setup is spent (single use means single try).
    for (const token of ['tok_sbx_v1.AAAA.BBBB.CCCC', 'garbage', '', '\u0000', 'tok_sbx_' + '\u202e'.repeat(100)]) {
      const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
      expectClientError(await post({ setup_id: setup.body.setup_id, token }), 400, 'card.token_invalid');
      expectClientError(await post({ setup_id: setup.body.setup_id, token }), 409, 'flow.wrong_step');
    }
    await expectNoCards();
  });

  it('DELETE and POST default on odd card ids → 404 or 414, never 500; bodies are checked', async () => {
    const card = (await addCardByApi(t, ada.token, { number: '4242424242424242' })).body.card;
    for (const id of ODD_IDS) {
      for (const [method, url, body] of [
        ['DELETE', `/api/v1/cards/${id}`, undefined],
        ['POST', `/api/v1/cards/${id}/default`, {}],
        ['GET', `/api/v1/cards/${id}`, undefined],
      ] as const) {
        const res = await api(t, method, url, { token: ada.token, body });
        expect(res.status, `${method} ${url}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${url}`).toBeLessThan(500);
      }
    }
    expectClientError(await api(t, 'DELETE', `/api/v1/cards/${'a'.repeat(300)}`, { token: ada.token }), 414, 'request.url_too_long');
    expectClientError(await api(t, 'POST', `/api/v1/cards/${card.id}/default`, { token: ada.token, body: { is_default: false } }), 400, 'request.invalid');
    expectClientError(await api(t, 'DELETE', `/api/v1/cards/${card.id}`), 401, 'auth.required');
    expect((await api(t, 'GET', '/api/v1/cards', { token: ada.token })).body.cards).toEqual([card]);
  });

  it('the gateway page: forged or missing sessions, a cross-site post, arrays, megabytes and look-alike digits', async () => {
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const url = new URL(setup.body.gateway_url);
    for (const bad of ['', '?session=', '?session=v1.AAAA.BBBB.CCCC', `?session=${'A'.repeat(3000)}`]) {
      const res = await t.app.fastify.inject({ method: 'GET', url: url.pathname + bad });
      expect(res.statusCode, bad).toBe(410);
      expect(res.body).toContain('This payment page has expired');
    }
    // The right session under another setup id is refused too.
    expect((await t.app.fastify.inject({ method: 'GET', url: `/sandbox-gateway/setup/other${url.search}` })).statusCode).toBe(410);

    const browser = new Browser(t.app);
    const page = await browser.get(pathOf(setup.body.gateway_url));
    const session = /name="session" value="([^"]+)"/.exec(page.body)![1]!;
    const crossSite = await browser.post(url.pathname, { session, number: '4242424242424242', expiry: '12/30', cvc: '123', name: 'A' }, { csrf: false });
    expect(crossSite.status).toBe(403);

    const entries: Array<Record<string, string>> = [
      { number: '4'.repeat(10_000), expiry: '12/30', cvc: '123', name: 'Ada' },
      { number: '٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢', expiry: '１２/３０', cvc: '١٢٣', name: 'Ada' },
      { number: '4242424242424242', expiry: '12/30', cvc: '123', name: '\u202eadA' },
      { number: '<script>alert(1)</script>', expiry: '"><img src=x>', cvc: '{{7*7}}', name: 'x'.repeat(500) },
      { number: '4242424242424242\u0000', expiry: '12/30\u0000', cvc: '123', name: 'Ada' },
    ];
    for (const entry of entries) {
      const res = await browser.post(url.pathname, { session, ...entry });
      expect(res.status, JSON.stringify(entry).slice(0, 80)).toBe(400);
      expect(res.body).not.toContain('<script>alert(1)</script>');
      expect(res.body).not.toContain('"><img src=x>');
    }
    const huge = await browser.post(url.pathname, { session, number: '4'.repeat(100_000), expiry: '12/30', cvc: '123', name: 'Ada' });
    expect(huge.status).toBe(413);
    expect(huge.body).not.toContain('4444444444');
    // Repeated fields arrive as a list: treated as not given.
    const repeated = await t.app.fastify.inject({
      method: 'POST',
      url: url.pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      payload: `_csrf=${encodeURIComponent(browser.csrf)}&session=${encodeURIComponent(session)}&number=4242424242424242&number=4000000000000002&expiry=12/30&cvc=123&name=Ada`,
    });
    expect(repeated.statusCode).toBe(400);
    expect(repeated.body).toContain('Enter the card number.');
    await expectNoCards();
  });

  it('the return page: odd setup ids and tokens answer 4xx pages and save nothing', async () => {
    const setup = await api(t, 'POST', '/api/v1/cards/setups', { token: ada.token, body: {} });
    const entered = await enterCard(t.app, setup.body.gateway_url, { number: '4242424242424242' });
    const cookie = `__Host-custos_session=${ada.token}`;
    const get = (query: string) => t.app.fastify.inject({ method: 'GET', url: `/account/cards/return${query}`, headers: { cookie } });
    for (const query of [
      '',
      '?setup=',
      `?setup=${ODD_IDS[0]}&token=${encodeURIComponent(entered.token!)}`,
      `?setup=%00&token=x`,
      `?setup=${'a'.repeat(500)}&token=x`,
      `?setup=${setup.body.setup_id}&setup=${setup.body.setup_id}&token=x`,
      `?setup=${setup.body.setup_id}&token=${'t'.repeat(5000)}`,
    ]) {
      const res = await get(query);
      expect(res.statusCode, query.slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, query.slice(0, 60)).toBeLessThan(500);
      expect(res.body).toContain('Payment methods');
    }
    await expectNoCards();
    for (const path of ['/account/cards/%00/remove', `/account/cards/${ODD_IDS[4]}/remove`]) {
      expect((await t.app.fastify.inject({ method: 'GET', url: path, headers: { cookie } })).statusCode, path).toBe(404);
    }
  });

  it('the page forms: odd billing addresses and card ids answer 4xx pages and start or change nothing', async () => {
    const browser = new Browser(t.app);
    browser.cookies.set('__Host-custos_session', ada.token);
    expect((await browser.get('/account/cards/new')).status).toBe(200);
    const flowsBefore = (await t.app.deps.db.selectFrom('flows').select('id').execute()).length;
    for (const [address, status] of [['\u0000', 404], ['../../etc', 404], ['카드', 404], ['x'.repeat(300), 400]] as const) {
      const res = await browser.post('/account/cards/new', { billing_address: address });
      expect(res.status, address.slice(0, 20)).toBe(status);
      expect(res.body).toContain('Add a card');
    }
    expect((await t.app.deps.db.selectFrom('flows').select('id').execute()).length).toBe(flowsBefore);
    for (const id of ODD_IDS) {
      expect((await browser.post(`/account/cards/${id}/remove`, {})).status, id).toBeLessThan(500);
      expect((await browser.post(`/account/cards/${id}/default`, {})).status, id).toBeLessThan(500);
    }
    expect((await browser.post('/account/cards/new', { billing_address: ada.addressId }, { csrf: false })).status).toBe(403);
    await expectNoCards();
  });
});
