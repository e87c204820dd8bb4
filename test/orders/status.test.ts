import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../src/platform/db/schema.js';
import { NEXT_STATUSES, ORDER_STATUSES } from '../../src/orders/status.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { customer, placeOrder, storeApi, storeKey, type TestStoreKey } from '../helpers/store.js';
import { expectClientError } from '../helpers/fixtures.js';

/**
 * Order status moves through the store API: exactly the moves in status.ts's table, each recording its time;
 * repeating the current status changes nothing; illegal moves are 409 and change nothing.
 */
const PATH_TO: Record<OrderStatus, OrderStatus[]> = {
  placed: [],
  paid: ['paid'],
  shipped: ['paid', 'shipped'],
  delivered: ['paid', 'shipped', 'delivered'],
  cancelled: ['cancelled'],
  returned: ['paid', 'shipped', 'delivered', 'returned'],
  refunded: ['paid', 'refunded'],
};

describe('order status', () => {
  let t: TestApp;
  let key: TestStoreKey;
  beforeEach(async () => {
    t = await createTestApp();
    key = await storeKey(t);
    await customer(t, 'ada@example.com');
  });
  afterEach(() => t.close());

  const move = (number: string, body: unknown) => storeApi(t, key, 'POST', `/api/store/v1/orders/${number}/status`, { body });
  const read = async (number: string) => (await storeApi(t, key, 'GET', `/api/store/v1/orders/${number}`)).body.order;
  const row = (number: string) => t.app.deps.db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();

  async function orderAt(status: OrderStatus): Promise<string> {
    const number = (await placeOrder(t, key)).body.order.number as string;
    for (const step of PATH_TO[status]) expect((await move(number, { status: step })).status).toBe(200);
    return number;
  }

  it('allows exactly the moves in the table; every other move → 409 order.illegal_transition naming both, and changes nothing', async () => {
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        const number = await orderAt(from);
        const before = await row(number);
        const res = await move(number, { status: to });
        if (from === to || NEXT_STATUSES[from].includes(to)) {
          expect(res.status, `${from} → ${to}`).toBe(200);
          expect(res.body.order.status).toBe(to);
        } else {
          expectClientError(res, 409, 'order.illegal_transition');
          expect(res.body.error.message).toContain(`${from} cannot become ${to}`);
          expect(await row(number)).toEqual(before);
        }
      }
    }
  });

  it('the lifecycle placed → paid → shipped → delivered → returned → refunded records each time; the history reads them in order', async () => {
    const number = await orderAt('placed');
    const placedAt = t.clock.now();
    for (const status of ['paid', 'shipped', 'delivered', 'returned', 'refunded'] as const) {
      t.clock.advance(3_600_000);
      expect((await move(number, { status })).status).toBe(200);
    }
    const order = await read(number);
    expect(order.status).toBe('refunded');
    expect(order.status_history).toEqual(
      ['placed', 'paid', 'shipped', 'delivered', 'returned', 'refunded'].map((status, i) => ({ status, at: new Date(placedAt + i * 3_600_000).toISOString() })),
    );
    const stored = await row(number);
    expect(stored).toMatchObject({ paid_at: placedAt + 3_600_000, refunded_at: placedAt + 5 * 3_600_000, cancelled_at: null });
  });

  it('repeating the current status → 200 and no change, not even to its time', async () => {
    const number = await orderAt('paid');
    const before = await row(number);
    t.clock.advance(60_000);
    const res = await move(number, { status: 'paid', at: new Date(t.clock.now()).toISOString() });
    expect(res.status).toBe(200);
    expect(await row(number)).toEqual(before);
  });

  it('`at` dates the move; it may not be in the future, before the last move, or without an offset', async () => {
    const number = await orderAt('placed');
    t.clock.advance(86_400_000);
    const res = await move(number, { status: 'paid', at: '2026-01-15T18:30:00+01:00' });
    expect(res.status).toBe(200);
    expect((await row(number)).paid_at).toBe(Date.UTC(2026, 0, 15, 17, 30));
    for (const at of ['2026-01-15T17:00:00Z', '2030-01-01T00:00:00Z', '2026-01-16T12:00:00', 'now', '2026-13-01T00:00:00Z', '']) {
      const refused = await move(number, { status: 'shipped', at });
      expectClientError(refused, 400, 'request.invalid');
      expect(Object.keys(refused.body.error.fields)).toEqual(['at']);
    }
    expect((await row(number)).status).toBe('paid');
  });

  it('concurrent moves: ten identical ones record one time; shipping and cancelling a paid order at once → one wins, the other is 409', async () => {
    const number = await orderAt('placed');
    const results = await Promise.all(Array.from({ length: 10 }, () => move(number, { status: 'paid' })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect((await row(number)).paid_at).toBe(t.clock.now());

    const [shipped, cancelled] = await Promise.all([move(number, { status: 'shipped' }), move(number, { status: 'cancelled' })]);
    expect([shipped.status, cancelled.status].sort()).toEqual([200, 409]);
    const after = await row(number);
    expect(after.status).toBe(shipped.status === 200 ? 'shipped' : 'cancelled');
    expect(after.shipped_at === null).toBe(shipped.status !== 200);
    expect(after.cancelled_at === null).toBe(cancelled.status !== 200);
  });

  it('an unknown order → 404; a malformed number → 404 before any query', async () => {
    expectClientError(await move('123-1234567-1234567', { status: 'paid' }), 404, 'not_found');
    for (const number of ['123', '123-1234567-1234567x', "1'--", '%00', '..%2f..%2fetc']) {
      expect((await move(number, { status: 'paid' })).status).toBe(404);
    }
  });

  it('hostile bodies → a clear 4xx and nothing changes', async () => {
    const number = await orderAt('placed');
    const before = await row(number);
    const bodies: unknown[] = [
      {}, { status: 'PAID' }, { status: 'paid\u0000' }, { status: 'deleted' }, { status: 'constructor' }, { status: '__proto__' },
      { status: 7 }, { status: ['paid'] }, { status: null }, { status: 'paid', at: 1768478400000 }, { status: 'paid', placed_at: '2026-01-01T00:00:00Z' },
      { status: 'paid', at: '2026-01-15T12:00:00\u0000Z' }, { status: 'x'.repeat(100_000) },
    ];
    for (const body of bodies) {
      const res = await move(number, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.error.code).toMatch(/^request\./);
    }
    const big = await storeApi(t, key, 'POST', `/api/store/v1/orders/${number}/status`, { rawBody: JSON.stringify({ status: 'x'.repeat(1024 * 1024) }) });
    expectClientError(big, 413, 'request.too_large');
    const notJson = await storeApi(t, key, 'POST', `/api/store/v1/orders/${number}/status`, { rawBody: 'status=paid', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectClientError(notJson, 415, 'request.json_required');
    expect(await row(number)).toEqual(before);
  });
});
