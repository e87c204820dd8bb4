import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canonicalJson } from '../../src/orders/idempotency.js';
import { isUniqueViolation } from '../../src/platform/db/unique-violation.js';
import type { Random } from '../../src/platform/random.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { customer, orderBody, orderRowCounts, placeOrder, storeApi, storeKey, type TestStoreKey } from '../helpers/store.js';
import { expectClientError } from '../helpers/fixtures.js';

// Order numbers are random; a queue here lets one test force a collision with an existing number.
const forcedNumbers = vi.hoisted(() => [] as string[]);
vi.mock('../../src/orders/order-number.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/orders/order-number.js')>();
  return { ...actual, newOrderNumber: (random: Random) => forcedNumbers.shift() ?? actual.newOrderNumber(random) };
});

/**
 * Idempotent order creation: the same key and body give the same order (200, no second row), the same key with
 * another body is 409, and racing requests with one key make one order on either engine.
 */
describe('order idempotency', () => {
  let t: TestApp;
  let key: TestStoreKey;
  beforeEach(async () => {
    t = await createTestApp();
    key = await storeKey(t);
    await customer(t, 'ada@example.com');
  });
  afterEach(() => t.close());

  const create = (body: unknown, headers?: Record<string, string>) => storeApi(t, key, 'POST', '/api/store/v1/orders', { body, headers });

  it('the same key and body → the same order with 200, and only one row', async () => {
    const body = orderBody({ idempotency_key: 'checkout-7f3a' });
    const first = await create(body);
    expect(first.status).toBe(201);
    t.clock.advance(60_000);
    const again = await create(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await orderRowCounts(t)).toEqual({ orders: 1, items: 2, cases: 0 });
  });

  it('"the same body" is canonical JSON: key order and formatting do not matter, the key itself is not hashed', async () => {
    const body = orderBody({ idempotency_key: 'same-1' });
    expect((await create(body)).status).toBe(201);
    const reordered = Object.fromEntries(Object.entries(body).reverse().map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v]));
    const res = await storeApi(t, key, 'POST', '/api/store/v1/orders', { rawBody: JSON.stringify(reordered, null, 4) });
    expect(res.status).toBe(200);
    // The same key sent as the header instead of in the body is the same request.
    const { idempotency_key: _, ...withoutKey } = body;
    expect((await create(withoutKey, { 'idempotency-key': 'same-1' })).status).toBe(200);
    expect(await orderRowCounts(t)).toEqual({ orders: 1, items: 2, cases: 0 });
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
  });

  it('the same key with a different body → 409 order.idempotency_conflict; the first order is untouched', async () => {
    const first = await create(orderBody({ idempotency_key: 'checkout-1' }));
    const before = await t.app.deps.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow();
    for (const changed of [
      orderBody({ idempotency_key: 'checkout-1', currency: 'EUR' }),
      orderBody({ idempotency_key: 'checkout-1', items: [{ sku: 'BOOK-1', title: 'The Art of Computer Programming', quantity: 3, unit_price: 1999 }] }),
      orderBody({ idempotency_key: 'checkout-1', placed_at: '2025-01-01T00:00:00Z' }),
    ]) {
      const res = await create(changed);
      expectClientError(res, 409, 'order.idempotency_conflict');
      expect(res.body.error.message).toContain(first.body.order.number);
    }
    expect(await t.app.deps.db.selectFrom('orders').selectAll().executeTakeFirstOrThrow()).toEqual(before);
    expect(await orderRowCounts(t)).toEqual({ orders: 1, items: 2, cases: 0 });
  });

  it('a refused request does not use up its key: fix the body, send it again with the same key → 201', async () => {
    const bad = await create(orderBody({ idempotency_key: 'retry-me', totals: { subtotal: 1, shipping: 0, tax: 0, total: 1 } }));
    expectClientError(bad, 422, 'order.totals_mismatch');
    expect((await create(orderBody({ idempotency_key: 'retry-me' }))).status).toBe(201);
  });

  it('a replay answers the order as it is now, whichever of the shop’s keys asks', async () => {
    const body = orderBody({ idempotency_key: 'moved-on' });
    const first = await create(body);
    await storeApi(t, key, 'POST', `/api/store/v1/orders/${first.body.order.number}/status`, { body: { status: 'paid' } });
    const otherKey = await storeKey(t, 'Rotated key');
    const replay = await storeApi(t, otherKey, 'POST', '/api/store/v1/orders', { body });
    expect(replay.status).toBe(200);
    expect(replay.body.order).toMatchObject({ number: first.body.order.number, status: 'paid' });
  });

  it('the key: the header or the body, 1–100 printable ASCII characters; both must agree; one is required', async () => {
    const { idempotency_key: _, ...noKey } = orderBody();
    expectClientError(await create(noKey), 400, 'request.invalid');
    for (const bad of ['', ' ', ' lead', 'trail ', 'k'.repeat(101), 'clé', 'tab\there', 'nul\u0000', '🔑']) {
      const res = await create(orderBody({ idempotency_key: bad }));
      expectClientError(res, 400, 'request.invalid');
      expect(Object.keys(res.body.error.fields)).toEqual(['idempotency_key']);
    }
    const mismatch = await create(orderBody({ idempotency_key: 'a' }), { 'idempotency-key': 'b' });
    expect(mismatch.body.error.fields).toEqual({ idempotency_key: expect.stringContaining('differ') });
    expect((await create(orderBody({ idempotency_key: 'k'.repeat(100) }))).status).toBe(201);
    expect((await create(noKey, { 'idempotency-key': 'Header Key ~!@#$%^&*()' })).status).toBe(201);
    expect(await orderRowCounts(t)).toEqual({ orders: 2, items: 4, cases: 0 });
  });

  it('10 concurrent creates with one key → one 201, nine 200 with the same order, and one row', async () => {
    const body = orderBody({ idempotency_key: 'double-click' });
    const results = await Promise.all(Array.from({ length: 10 }, () => create(body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.order.number)).size).toBe(1);
    expect(await orderRowCounts(t)).toEqual({ orders: 1, items: 2, cases: 0 });
  });

  it('10 concurrent creates with one key and different bodies → one order, the rest 200 (same body) or 409 (another body)', async () => {
    const bodies = Array.from({ length: 10 }, (_, i) => orderBody({ idempotency_key: 'contended', currency: i % 2 === 0 ? 'USD' : 'EUR' }));
    const results = await Promise.all(bodies.map((body) => create(body)));
    const winner = results.find((r) => r.status === 201)!;
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    results.forEach((res, i) => {
      if (res === winner) return;
      const sameBody = bodies[i]!.currency === winner.body.order.currency;
      expect(res.status).toBe(sameBody ? 200 : 409);
    });
    expect(await orderRowCounts(t)).toEqual({ orders: 1, items: 2, cases: 0 });
  });

  it("a second row with a used idempotency key is refused by the unique index, and recognised as such on this engine", async () => {
    const first = await placeOrder(t, key, { idempotency_key: 'indexed' });
    const row = await t.app.deps.db.selectFrom('orders').selectAll().where('number', '=', first.body.order.number).executeTakeFirstOrThrow();
    const error = await t.app.deps.db.insertInto('orders').values({ ...row, id: 'another-id', number: '000-0000000-0000000' }).execute().catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('something else'))).toBe(false);
  });

  it('an order number already taken is drawn again, never shared', async () => {
    const first = await placeOrder(t, key);
    forcedNumbers.push(first.body.order.number, first.body.order.number, '999-0000000-0000001');
    const second = await placeOrder(t, key);
    expect(second.status).toBe(201);
    expect(second.body.order.number).toBe('999-0000000-0000001');
    expect(await orderRowCounts(t)).toEqual({ orders: 2, items: 4, cases: 0 });
  });
});
