import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { revokeStoreKey } from '../../src/merchants/store-keys.js';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { customer, orderBody, orderRowCounts, placeOrder, saveCard, storeApi, storeKey, type TestStoreKey } from '../helpers/store.js';
import { expectClientError, signUpFrom } from '../helpers/fixtures.js';

/**
 * The store API's orders: who may call it, what an order records, exact amounts, the customer lookup, and hostile
 * input on create, read and lookup. Idempotency, status moves and cases have their own files.
 */
describe('store API', () => {
  let t: TestApp;
  let key: TestStoreKey;
  let adaId: string;
  beforeEach(async () => {
    t = await createTestApp();
    key = await storeKey(t);
    adaId = await customer(t, 'ada@example.com', { phone: '+14155550132' });
  });
  afterEach(() => t.close());

  const STORE_ROUTES: Array<['GET' | 'POST', string, unknown?]> = [
    ['POST', '/api/store/v1/orders', orderBody()],
    ['GET', '/api/store/v1/orders/123-1234567-1234567'],
    ['POST', '/api/store/v1/orders/123-1234567-1234567/status', { status: 'paid' }],
    ['GET', '/api/store/v1/customers?email=ada@example.com'],
    ['GET', '/api/store/v1/cases'],
    ['GET', '/api/store/v1/cases/abc'],
    ['POST', '/api/store/v1/cases/abc/resolve', { decision: 'refused', resolution: 'No.' }],
  ];

  it('store.key_invalid: a missing, malformed, wrong or revoked key → 401 on every store route, and nothing is written', async () => {
    const [, id] = /^csk_([^.]+)\./.exec(key.token)!;
    const wrongSecret = `csk_${id}.${'A'.repeat(43)}`;
    const other = await storeKey(t, 'Revoked shop');
    await revokeStoreKey(t.app.deps, other.id);
    for (const presented of [null, 'nonsense', 'csk_', `${key.token}.extra`, wrongSecret, key.token.slice(0, -1), other.token, `csk_\u0000.x`]) {
      for (const [method, url, body] of STORE_ROUTES) {
        const res = await storeApi(t, presented, method, url, { body });
        expectClientError(res, 401, 'store.key_invalid');
      }
    }
    // Not a Bearer token at all: Basic, or the key in a cookie.
    const basic = await storeApi(t, null, 'GET', '/api/store/v1/cases', { headers: { authorization: `Basic ${Buffer.from(key.token).toString('base64')}` } });
    expectClientError(basic, 401, 'store.key_invalid');
    expect(await orderRowCounts(t)).toEqual({ orders: 0, items: 0, cases: 0 });
  });

  it("a customer's session token on a store route → 401; a store key on a customer route → 401", async () => {
    const { token } = await signUpFrom(t, { email: 'grace@example.com', name: 'Grace' });
    for (const [method, url, body] of STORE_ROUTES) {
      expectClientError(await storeApi(t, token, method, url, { body }), 401, 'store.key_invalid');
    }
    expectClientError(await api(t, 'GET', '/api/v1/account', { token: key.token }), 401, 'auth.required');
    expectClientError(await api(t, 'GET', '/api/v1/activity', { token: key.token }), 401, 'auth.required');
    expect((await api(t, 'GET', '/api/v1/account', { token })).status).toBe(200);
  });

  it('records an order: 201 with its number, items, totals, address and history; titles kept for search lower-cased and NFKC-folded', async () => {
    const items = [
      { sku: 'TEA-1', title: 'ＧＲＥＥＮ Tea ﬁne leaf', quantity: 3, unit_price: 450 },
      { sku: 'CUP-2', title: 'Teacup — Ōsaka  edition ☕', quantity: 1, unit_price: 1200 },
    ];
    const res = await placeOrder(t, key, { items });
    expect(res.status).toBe(201);
    const order = res.body.order;
    expect(order.number).toMatch(/^\d{3}-\d{7}-\d{7}$/);
    expect(order).toMatchObject({
      status: 'placed',
      currency: 'USD',
      currency_exponent: 2,
      placed_at: new Date(t.clock.now()).toISOString(),
      items: [
        { sku: 'TEA-1', title: 'ＧＲＥＥＮ Tea ﬁne leaf', quantity: 3, unit_price: 450, line_total: 1350 },
        { sku: 'CUP-2', title: 'Teacup — Ōsaka  edition ☕', quantity: 1, unit_price: 1200, line_total: 1200 },
      ],
      totals: { subtotal: 2550, shipping: 500, tax: 400, total: 3450 },
      shipping_address: { full_name: 'Ada Lovelace', country: 'US', postal_code: '62701' },
      payment_method: null,
      status_history: [{ status: 'placed', at: new Date(t.clock.now()).toISOString() }],
      cases: [],
    });
    const row = await t.app.deps.db.selectFrom('orders').selectAll().where('number', '=', order.number).executeTakeFirstOrThrow();
    expect(row.account_id).toBe(adaId);
    expect(row.store_key_id).toBe(key.id);
    expect(row.item_count).toBe(2);
    expect(row.item_titles).toBe('green tea fine leaf\nteacup — ōsaka edition ☕');
    const fetched = await storeApi(t, key, 'GET', `/api/store/v1/orders/${order.number}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.order).toEqual(order);
  });

  it('finds the customer by verified phone too; an unknown or unverified identifier → 422 order.customer_unknown, nothing written', async () => {
    expect((await placeOrder(t, key, { customer: { phone: '+1 (415) 555-0132' } })).status).toBe(201);
    await t.app.deps.db.insertInto('identifiers').values({ id: 'unverified1', account_id: adaId, kind: 'email', value: 'ada2@example.com', normalized: 'ada2@example.com', is_primary: 0, verified_at: null, created_at: 0 }).execute();
    for (const who of [{ email: 'nobody@example.com' }, { email: 'ada2@example.com' }, { phone: '+442079460958' }]) {
      expectClientError(await placeOrder(t, key, { customer: who }), 422, 'order.customer_unknown');
    }
    await t.app.deps.db.updateTable('accounts').set({ status: 'closed' }).where('id', '=', adaId).execute();
    expectClientError(await placeOrder(t, key), 422, 'order.customer_unknown');
    expect(await orderRowCounts(t)).toEqual({ orders: 1, items: 2, cases: 0 });
  });

  it("ASVS 8.2.2: another customer's card → 422 order.card_unknown and nothing written; the customer's own card is snapshotted as brand and last 4", async () => {
    const graceId = await customer(t, 'grace@example.com', { name: 'Grace Hopper' });
    const gracesCard = await saveCard(t, graceId, { brand: 'mastercard', last4: '4444' });
    const adasCard = await saveCard(t, adaId, { brand: 'visa', last4: '4242' });
    for (const cardId of [gracesCard, 'no-such-card', '', 'x'.repeat(500), "' OR 1=1 --", 'a\u0000b']) {
      const res = await placeOrder(t, key, { payment_method: { card_id: cardId } });
      expectClientError(res, 422, 'order.card_unknown');
      expect(res.body.error.fields).toEqual({ 'payment_method.card_id': expect.any(String) });
    }
    expect(await orderRowCounts(t)).toEqual({ orders: 0, items: 0, cases: 0 });

    const res = await placeOrder(t, key, { payment_method: { card_id: adasCard } });
    expect(res.status).toBe(201);
    expect(res.body.order.payment_method).toEqual({ card_id: adasCard, brand: 'visa', last4: '4242' });
    // The snapshot outlives the card.
    await t.app.deps.db.deleteFrom('cards').where('id', '=', adasCard).execute();
    const later = await storeApi(t, key, 'GET', `/api/store/v1/orders/${res.body.order.number}`);
    expect(later.body.order.payment_method).toEqual({ card_id: adasCard, brand: 'visa', last4: '4242' });
  });

  it('amounts are exact integers of minor units: 3 × 33,333, and sums up to Number.MAX_SAFE_INTEGER', async () => {
    const thirds = await placeOrder(t, key, { items: [{ sku: 'A', title: 'Third', quantity: 3, unit_price: 33_333 }], totals: { subtotal: 99_999, shipping: 0, tax: 1, total: 100_000 } });
    expect(thirds.status).toBe(201);
    expect(thirds.body.order.totals).toEqual({ subtotal: 99_999, shipping: 0, tax: 1, total: 100_000 });

    const max = Number.MAX_SAFE_INTEGER; // 9_007_199_254_740_991
    const huge = await placeOrder(t, key, {
      currency: 'JPY',
      items: [{ sku: 'B', title: 'Everything', quantity: 1, unit_price: max - 2 }],
      totals: { subtotal: max - 2, shipping: 1, tax: 1, total: max },
    });
    expect(huge.status).toBe(201);
    expect(huge.body.order).toMatchObject({ currency: 'JPY', currency_exponent: 0, totals: { subtotal: 9_007_199_254_740_989, total: 9_007_199_254_740_991 } });
    const row = await t.app.deps.db.selectFrom('orders').select(['total', 'subtotal']).where('number', '=', huge.body.order.number).executeTakeFirstOrThrow();
    expect(row).toEqual({ total: 9_007_199_254_740_991, subtotal: 9_007_199_254_740_989 });
    const zero = await placeOrder(t, key, { items: [{ sku: 'FREE', title: 'Sample', quantity: 1, unit_price: 0 }], totals: { subtotal: 0, shipping: 0, tax: 0, total: 0 } });
    expect(zero.status).toBe(201);
  });

  it('overflow beyond Number.MAX_SAFE_INTEGER → 400, never rounded; nothing written', async () => {
    const max = Number.MAX_SAFE_INTEGER;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ items: [{ sku: 'A', title: 'A', quantity: 2, unit_price: max }], totals: { subtotal: 0, shipping: 0, tax: 0, total: 0 } }, 'items.0.unit_price'],
      [{ items: [{ sku: 'A', title: 'A', quantity: 1, unit_price: max }, { sku: 'B', title: 'B', quantity: 1, unit_price: 1 }], totals: { subtotal: 0, shipping: 0, tax: 0, total: 0 } }, 'items'],
      [{ items: [{ sku: 'A', title: 'A', quantity: 1, unit_price: max }], totals: { subtotal: max, shipping: 1, tax: 0, total: max } }, 'totals.total'],
    ];
    for (const [overrides, field] of cases) {
      const res = await placeOrder(t, key, overrides);
      expectClientError(res, 400, 'request.invalid');
      expect(Object.keys(res.body.error.fields)).toEqual([field]);
    }
    // 2^53 + 1 can't be carried exactly by a JSON number: refused rather than stored as 2^53.
    const raw = JSON.stringify(orderBody({ items: [{ sku: 'A', title: 'A', quantity: 1, unit_price: 1 }] })).replace('"unit_price":1', '"unit_price":9007199254740993');
    const res = await storeApi(t, key, 'POST', '/api/store/v1/orders', { rawBody: raw });
    expectClientError(res, 400, 'request.invalid');
    expect(res.body.error.fields['items.0.unit_price']).toMatch(/whole number/);
    expect(await orderRowCounts(t)).toEqual({ orders: 0, items: 0, cases: 0 });
  });

  it('totals that do not add up → 422 order.totals_mismatch naming each wrong total; nothing written', async () => {
    const wrongSubtotal = await placeOrder(t, key, { totals: { subtotal: 4847, shipping: 500, tax: 400, total: 5747 } });
    expectClientError(wrongSubtotal, 422, 'order.totals_mismatch');
    expect(wrongSubtotal.body.error.fields).toEqual({ 'totals.subtotal': 'The items add up to 4848, not 4847.' });
    const wrongTotal = await placeOrder(t, key, { totals: { subtotal: 4848, shipping: 500, tax: 400, total: 5749 } });
    expect(wrongTotal.body.error.fields).toEqual({ 'totals.total': 'subtotal + shipping + tax is 5748, not 5749.' });
    const both = await placeOrder(t, key, { totals: { subtotal: 1, shipping: 500, tax: 400, total: 1 } });
    expect(Object.keys(both.body.error.fields).sort()).toEqual(['totals.subtotal', 'totals.total']);
    expect(await orderRowCounts(t)).toEqual({ orders: 0, items: 0, cases: 0 });
  });

  it('currency is an ISO 4217 code in capitals; placed_at (imports) is an ISO time with offset, not in the future', async () => {
    for (const currency of ['usd', 'US', 'USDX', 'XXX', 'XAU', 'ABC', '$', '']) {
      const res = await placeOrder(t, key, { currency });
      expectClientError(res, 400, 'request.invalid');
      expect(Object.keys(res.body.error.fields)).toEqual(['currency']);
    }
    const kwd = await placeOrder(t, key, { currency: 'KWD' });
    expect(kwd.body.order.currency_exponent).toBe(3);

    const imported = await placeOrder(t, key, { placed_at: '2019-03-04T05:06:07.891+02:00' });
    expect(imported.status).toBe(201);
    expect(imported.body.order.placed_at).toBe('2019-03-04T03:06:07.891Z');
    for (const placed_at of ['2026-02-30T00:00:00Z', '2019-03-04T05:06:07', '2019-03-04', 'yesterday', '2027-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2019-03-04T24:00:00Z']) {
      const res = await placeOrder(t, key, { placed_at });
      expectClientError(res, 400, 'request.invalid');
      expect(Object.keys(res.body.error.fields)).toEqual(['placed_at']);
    }
  });

  it('GET an unknown order → 404; a malformed number never reaches the database → 404', async () => {
    expectClientError(await storeApi(t, key, 'GET', '/api/store/v1/orders/123-1234567-1234567'), 404, 'not_found');
    for (const number of ['1231234567', '123-1234567-123456', "1' OR '1'='1", '%00', 'a'.repeat(150), '123-1234567-1234567%00', '１２３-1234567-1234567']) {
      const res = await storeApi(t, key, 'GET', `/api/store/v1/orders/${encodeURIComponent(number)}`);
      expect([404, 414]).toContain(res.status);
    }
  });

  it('SECURITY.md (Mat Honan): customer lookup answers only what checkout needs — name and cards {id, brand, last4, is_default, usable}; no address, no expiry, no token, fingerprint or account id', async () => {
    const expired = await saveCard(t, adaId, { brand: 'visa', last4: '1881', expMonth: 12, expYear: 2025 });
    const card = await saveCard(t, adaId, { brand: 'amex', last4: '0005', expMonth: 3, expYear: 2027, isDefault: true });
    await t.app.deps.db.insertInto('addresses').values({
      id: 'addr1', account_id: adaId, full_name: 'Ada Lovelace', line1: '12 St James Square', line2: null, city: 'London', region: null,
      postal_code: 'SW1Y 4JH', country: 'GB', phone: null, is_default_shipping: 1, is_default_billing: 1, created_at: 0, updated_at: 0,
    }).execute();
    for (const query of ['email=ADA%40example.com', 'phone=%2B14155550132', 'phone=(415)%20555-0132']) {
      const res = await storeApi(t, key, 'GET', `/api/store/v1/customers?${query}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        customer: {
          name: 'Ada Lovelace',
          cards: [
            { id: card, brand: 'amex', last4: '0005', is_default: true, usable: true },
            { id: expired, brand: 'visa', last4: '1881', is_default: false, usable: false },
          ],
        },
      });
      // The billing address on the cards (test/helpers/store.ts SHIP_TO) and the address book stay out too.
      const text = JSON.stringify(res.body);
      const stored = await t.app.deps.db.selectFrom('cards').select(['gateway_token', 'fingerprint']).where('id', '=', card).executeTakeFirstOrThrow();
      for (const secret of [stored.gateway_token, stored.fingerprint, adaId, 'St James', 'SW1Y', 'Main Street', '62701']) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/exp|address/);
    }
    await customer(t, 'grace@example.com', { name: 'Grace' });
    expect((await storeApi(t, key, 'GET', '/api/store/v1/customers?email=grace@example.com')).body).toEqual({ customer: { name: 'Grace', cards: [] } });
  });

  it('customer lookup: unknown → 404; neither, both, repeated or malformed identifiers → 400', async () => {
    expectClientError(await storeApi(t, key, 'GET', '/api/store/v1/customers?email=nobody@example.com'), 404, 'not_found');
    for (const query of ['', 'email=ada@example.com&phone=%2B14155550132', 'email=a&email=b', 'email=not-an-email', 'phone=12', 'email=%00', `email=${'a'.repeat(2000)}@x.com`, 'phone=%2B1415555%000132', 'name=Ada']) {
      const res = await storeApi(t, key, 'GET', `/api/store/v1/customers?${query}`);
      expectClientError(res, 400, 'request.invalid');
    }
  });

  describe('hostile input on create → a clear 4xx, nothing half-written', () => {
    async function expectRefused(body: unknown, status = 400, fields?: string[]) {
      const res = await storeApi(t, key, 'POST', '/api/store/v1/orders', typeof body === 'string' ? { rawBody: body } : { body });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.code).toMatch(/^(request|order)\./);
      if (fields) expect(Object.keys(res.body.error.fields ?? {}).sort()).toEqual([...fields].sort());
      expect(await orderRowCounts(t)).toEqual({ orders: 0, items: 0, cases: 0 });
    }

    it('NUL and control characters in text fields', async () => {
      await expectRefused(orderBody({ items: [{ sku: 'A\u0000', title: 'Tea', quantity: 1, unit_price: 1 }] }), 400, ['items.0.sku']);
      await expectRefused(orderBody({ items: [{ sku: 'A', title: 'Tea\u0000; DROP TABLE orders', quantity: 1, unit_price: 1 }] }), 400, ['items.0.title']);
      await expectRefused(orderBody({ items: [{ sku: 'A', title: 'Tea\r\nX-Injected: 1', quantity: 1, unit_price: 1 }] }), 400, ['items.0.title']);
      await expectRefused(orderBody({ customer: { email: 'ada\u0000@example.com' } }), 400, ['customer.email']);
      await expectRefused(orderBody({ idempotency_key: 'key\u0000' }), 400, ['idempotency_key']);
      await expectRefused(orderBody({ shipping_address: { ...orderBody().shipping_address, line1: '1 Main\u0000Street' } }), 400, ['shipping_address.line1']);
      await expectRefused(orderBody({ payment_method: { card_id: '\u0000' } }), 422);
    });

    it('huge arrays, 1 MB strings and bodies', async () => {
      await expectRefused(orderBody({ items: [] }), 400, ['items']);
      const many = Array.from({ length: 101 }, (_, i) => ({ sku: `S${i}`, title: 'T', quantity: 1, unit_price: 1 }));
      await expectRefused(orderBody({ items: many }), 400, ['items']);
      await expectRefused(orderBody({ items: Array.from({ length: 5000 }, () => 0), totals: { subtotal: 0, shipping: 0, tax: 0, total: 0 } }), 400, ['items']);
      await expectRefused(orderBody({ items: [{ sku: 'A', title: 'x'.repeat(1024 * 1024), quantity: 1, unit_price: 1 }] }), 413);
      await expectRefused(orderBody({ idempotency_key: 'k'.repeat(1024 * 1024) }), 413);
      await expectRefused(orderBody({ items: [{ sku: 'A', title: 'x'.repeat(201), quantity: 1, unit_price: 1 }] }), 400, ['items.0.title']);
      await expectRefused(orderBody({ items: [{ sku: 'S'.repeat(65), title: 'T', quantity: 1, unit_price: 1 }] }), 400, ['items.0.sku']);
    });

    it('floats, negatives, zero, strings, booleans and nulls for numbers', async () => {
      const item = (patch: Record<string, unknown>) => orderBody({ items: [{ sku: 'A', title: 'T', quantity: 1, unit_price: 100, ...patch }], totals: { subtotal: 100, shipping: 0, tax: 0, total: 100 } });
      await expectRefused(item({ unit_price: 99.5 }), 400, ['items.0.unit_price']);
      await expectRefused(item({ unit_price: 1e-7 }), 400, ['items.0.unit_price']);
      await expectRefused(item({ unit_price: -100 }), 400, ['items.0.unit_price']);
      await expectRefused(item({ quantity: -1 }), 400, ['items.0.quantity']);
      await expectRefused(item({ quantity: 0 }), 400, ['items.0.quantity']);
      await expectRefused(item({ quantity: 1000 }), 400, ['items.0.quantity']);
      await expectRefused(item({ quantity: 1.5 }), 400, ['items.0.quantity']);
      await expectRefused(item({ quantity: '1' }), 400, ['items']);
      await expectRefused(item({ unit_price: '100' }), 400, ['items']);
      await expectRefused(item({ unit_price: null }), 400, ['items']);
      await expectRefused(item({ quantity: true }), 400, ['items']);
      await expectRefused(orderBody({ totals: { subtotal: '4848', shipping: 500, tax: 400, total: 5748 } }), 400, ['totals']);
      await expectRefused(orderBody({ totals: { subtotal: 4848.0001, shipping: 500, tax: 400, total: 5748 } }), 400, ['totals.subtotal']);
      await expectRefused(orderBody({ totals: { subtotal: 4848, shipping: -500, tax: 400, total: 4748 } }), 400, ['totals.shipping']);
      await expectRefused(JSON.stringify(orderBody()).replace('"tax":400', '"tax":1e400'), 400, ['totals']);
    });

    it('unicode-odd titles: bidi overrides and lone surrogates refused; emoji, combining marks and right-to-left text kept as sent', async () => {
      await expectRefused(orderBody({ items: [{ sku: 'A', title: 'Invoice \u202Egpj.exe', quantity: 1, unit_price: 1 }], totals: { subtotal: 1, shipping: 0, tax: 0, total: 1 } }), 400, ['items.0.title']);
      await expectRefused(JSON.stringify(orderBody()).replace('Coffee mug', 'Coffee \\ud800mug'), 400, ['items.1.title']);
      await expectRefused(orderBody({ items: [{ sku: '   ', title: 'T', quantity: 1, unit_price: 1 }], totals: { subtotal: 1, shipping: 0, tax: 0, total: 1 } }), 400, ['items.0.sku']);
      const titles = ['👩🏽‍💻 Laptop sleeve', 'Zalgo t̷̢e̵a̸', 'كتاب الطبخ', 'e\u0301clair (decomposed)', 'Ｆｕｌｌ ｗｉｄｔｈ'];
      const res = await placeOrder(t, key, { items: titles.map((title, i) => ({ sku: `U${i}`, title, quantity: 1, unit_price: 1 })) });
      expect(res.status).toBe(201);
      expect(res.body.order.items.map((i: { title: string }) => i.title)).toEqual(titles.map((title) => title.normalize('NFC')));
    });

    it('wrong shapes, unknown fields and prototype pollution', async () => {
      for (const payload of ['[]', '"order"', '42', 'null', '{"items": ', '{"__proto__": {"status": "paid"}}']) await expectRefused(payload);
      await expectRefused(orderBody({ status: 'paid' }), 400, ['status']);
      await expectRefused(orderBody({ account_id: adaId }), 400, ['account_id']);
      await expectRefused(orderBody({ customer: { email: 'ada@example.com', phone: '+14155550132' } }), 400, ['customer']);
      await expectRefused(orderBody({ customer: {} }), 400, ['customer']);
      await expectRefused(orderBody({ customer: 'ada@example.com' }), 400, ['customer']);
      await expectRefused(orderBody({ items: [{ sku: 'A', title: 'T', quantity: 1, unit_price: 1, discount: 1 }] }), 400);
      await expectRefused(orderBody({ shipping_address: 'somewhere' }), 400, ['shipping_address']);
      await expectRefused(orderBody({ shipping_address: undefined }), 400, ['shipping_address']);
      await expectRefused(orderBody({ shipping_address: { ...orderBody().shipping_address, country: 'ZZ', evil: 1 } }), 400, ['shipping_address.country', 'shipping_address.evil']);
      expect(({} as Record<string, unknown>).status).toBeUndefined();
    });

    it('every problem is reported at once, by path', async () => {
      const res = await storeApi(t, key, 'POST', '/api/store/v1/orders', {
        body: orderBody({ currency: 'usd', items: [{ sku: '', title: 'ok', quantity: 0, unit_price: -1 }], shipping_address: { country: 'US' }, idempotency_key: ' padded ' }),
      });
      expectClientError(res, 400, 'request.invalid');
      expect(Object.keys(res.body.error.fields)).toEqual(
        expect.arrayContaining(['idempotency_key', 'currency', 'items.0.sku', 'items.0.quantity', 'items.0.unit_price', 'shipping_address.full_name', 'shipping_address.line1']),
      );
    });
  });

  it('the OpenAPI document lists the store routes under "Store API" with the store key as their only security', async () => {
    const doc = (await api(t, 'GET', '/api/openapi.json')).body;
    for (const path of ['/api/store/v1/orders', '/api/store/v1/orders/{number}', '/api/store/v1/orders/{number}/status', '/api/store/v1/customers', '/api/store/v1/cases', '/api/store/v1/cases/{id}/resolve']) {
      for (const operation of Object.values(doc.paths[path]) as Array<{ tags: string[]; security: unknown }>) {
        expect(operation.tags).toEqual(['Store API']);
        expect(operation.security).toEqual([{ storeKey: [] }]);
      }
    }
  });
});
