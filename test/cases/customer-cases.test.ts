import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTime } from '../../src/platform/format.js';
import { DAY } from '../../src/platform/clock.js';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { insertOrder, type InsertedOrder } from '../helpers/order-fixtures.js';
import { signUpFrom } from '../helpers/fixtures.js';

/** What the store's side does when it answers a case (its API is store-api.ts; here, straight in the table). */
async function storeAnswers(t: TestApp, caseId: string, status: 'accepted' | 'refused' | 'resolved') {
  await t.app.deps.db.updateTable('order_cases').set({ status, updated_at: t.clock.now(), resolved_at: t.clock.now() }).where('id', '=', caseId).execute();
}

async function casesOf(t: TestApp, orderId: string) {
  return t.app.deps.db.selectFrom('order_cases').selectAll().where('order_id', '=', orderId).orderBy('created_at').execute();
}

describe('returns, disputes and "I don\'t recognise this order" (customer side)', () => {
  let t: TestApp;
  let token: string;
  let accountId: string;
  let deliveredAt: number;
  let order: InsertedOrder;
  beforeAll(async () => {
    t = await createTestApp();
    ({ token, accountId } = await signUpFrom(t, { name: 'Jane Doe', email: 'jane@example.com' }));
  });
  afterAll(() => t.close());

  const newDeliveredOrder = async (quantity = 3, deliveredAgo = DAY) => {
    deliveredAt = t.clock.now() - deliveredAgo;
    order = await insertOrder(t, accountId, {
      placedAt: deliveredAt - 4 * DAY,
      deliveredAt,
      items: [
        { sku: 'MUG', title: 'Enamel Mug', quantity, unitPrice: 900 },
        { sku: 'KETTLE', title: 'Stovetop Kettle', quantity: 1, unitPrice: 3900 },
      ],
    });
    return order;
  };
  const requestReturn = (o: InsertedOrder, body: Record<string, unknown>, who = token) => api(t, 'POST', `/api/v1/orders/${o.id}/returns`, { token: who, body });

  it('a return inside the window: open, for up to the quantity bought; visible on the order', async () => {
    const o = await newDeliveredOrder();
    const made = await requestReturn(o, { item_id: o.items[0]!.id, quantity: 2, reason: 'damaged', details: 'Chipped on arrival.\nBoth of them.' });
    expect(made.status).toBe(201);
    expect(made.body.case).toMatchObject({ kind: 'return', item_id: o.items[0]!.id, quantity: 2, reason: 'damaged', details: 'Chipped on arrival.\nBoth of them.', status: 'open', refund: null });
    const detail = await api(t, 'GET', `/api/v1/orders/${o.id}`, { token });
    expect(detail.body.order.cases).toHaveLength(1);
    expect(detail.body.order.items[0]).toMatchObject({ in_returns: 2, returnable_quantity: 1 });
    expect(detail.body.order.return_window).toEqual({ closes_at: new Date(deliveredAt + 30 * DAY).toISOString(), open: true });
  });

  it('one open return per item: a second, or two at once, answers 409 order.case_already_open', async () => {
    const o = await newDeliveredOrder();
    const body = { item_id: o.items[0]!.id, quantity: 1, reason: 'no_longer_needed' };
    const both = await Promise.all([requestReturn(o, body), requestReturn(o, body)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const again = await requestReturn(o, body);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('order.case_already_open');
    // Another item of the same order is its own return.
    expect((await requestReturn(o, { item_id: o.items[1]!.id, quantity: 1, reason: 'no_longer_needed' })).status).toBe(201);
    expect(await casesOf(t, o.id)).toHaveLength(2);
  });

  it('quantity: at most what was bought less what is already being returned; a refused return gives it back', async () => {
    const o = await newDeliveredOrder(3);
    const item = o.items[0]!.id;
    expect((await requestReturn(o, { item_id: item, quantity: 4, reason: 'damaged' })).body.error.fields).toEqual({ quantity: 'You can return up to 3 of this item.' });
    const first = await requestReturn(o, { item_id: item, quantity: 2, reason: 'damaged' });
    await storeAnswers(t, first.body.case.id, 'accepted');
    const tooMany = await requestReturn(o, { item_id: item, quantity: 2, reason: 'damaged' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.fields).toEqual({ quantity: 'You can return 1 of this item.' });
    const last = await requestReturn(o, { item_id: item, quantity: 1, reason: 'damaged' });
    expect(last.status).toBe(201);
    await storeAnswers(t, last.body.case.id, 'resolved');
    const none = await requestReturn(o, { item_id: item, quantity: 1, reason: 'damaged' });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('order.nothing_left_to_return');
    await storeAnswers(t, first.body.case.id, 'refused');
    expect((await requestReturn(o, { item_id: item, quantity: 2, reason: 'damaged' })).status).toBe(201);

    for (const quantity of [0, -1, 1.5, 1e300]) {
      const bad = await requestReturn(o, { item_id: o.items[1]!.id, quantity, reason: 'damaged' });
      expect(bad.status, String(quantity)).toBe(400);
      expect(bad.body.error.fields, String(quantity)).toHaveProperty('quantity');
    }
  });

  it('the return window closes RETURN_WINDOW_DAYS after delivery, to the millisecond, and says when in words', async () => {
    // Delivered 30 days ago less 1 ms: the last millisecond of the window is now.
    const o = await newDeliveredOrder(3, 30 * DAY - 1);
    expect((await requestReturn(o, { item_id: o.items[0]!.id, quantity: 1, reason: 'defective' })).status).toBe(201);
    t.clock.advance(1);
    const closed = await requestReturn(o, { item_id: o.items[1]!.id, quantity: 1, reason: 'defective' });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('order.return_window_closed');
    expect(closed.body.error.message).toBe(`The return window for this order closed on ${formatTime(t.clock.now())}. If something is wrong with it, report a problem with the order instead.`);
    expect(closed.body.error.message).toMatch(/closed on \d{1,2} January 2026, \d\d:\d\d UTC\./);
    const detail = await api(t, 'GET', `/api/v1/orders/${o.id}`, { token });
    expect(detail.body.order.return_window).toEqual({ closes_at: new Date(t.clock.now()).toISOString(), open: false });
    expect(detail.body.order.items.map((i: { returnable_quantity: number }) => i.returnable_quantity)).toEqual([0, 0]);
    // A problem can still be reported after the window.
    expect((await api(t, 'POST', `/api/v1/orders/${o.id}/disputes`, { token, body: { reason: 'damaged' } })).status).toBe(201);
  });

  it('only delivered orders can be returned; the item must be one of the order\'s', async () => {
    for (const status of ['placed', 'paid', 'shipped', 'cancelled', 'refunded'] as const) {
      const o = await insertOrder(t, accountId, { placedAt: t.clock.now() - 2 * DAY, status });
      const refused = await requestReturn(o, { item_id: o.items[0]!.id, quantity: 1, reason: 'no_longer_needed' });
      expect(refused.status, status).toBe(409);
      expect(refused.body.error.code, status).toBe('order.not_returnable');
    }
    const o = await newDeliveredOrder();
    const elsewhere = await newDeliveredOrder();
    const wrongItem = await requestReturn(o, { item_id: elsewhere.items[0]!.id, quantity: 1, reason: 'damaged' });
    expect(wrongItem.status).toBe(400);
    expect(wrongItem.body.error.fields).toEqual({ item_id: 'Choose an item from this order.' });
    const badReason = await requestReturn(o, { item_id: o.items[0]!.id, quantity: 1, reason: 'toString' });
    expect(badReason.body.error.fields).toEqual({ reason: 'Choose why you are returning it.' });
  });

  it('disputes: one open per order, a reason from the list, words required for "something else"', async () => {
    const o = await newDeliveredOrder();
    const dispute = (body: Record<string, unknown>) => api(t, 'POST', `/api/v1/orders/${o.id}/disputes`, { token, body });
    expect((await dispute({ reason: 'other' })).body.error.fields).toEqual({ details: 'Tell us what went wrong.' });
    expect((await dispute({ reason: 'stolen_by_aliens' })).body.error.fields).toEqual({ reason: 'Choose what went wrong.' });
    const opened = await dispute({ reason: 'charged_incorrectly', details: 'Charged $39 for a $9 mug.' });
    expect(opened.status).toBe(201);
    expect(opened.body.case).toMatchObject({ kind: 'dispute', item_id: null, quantity: null, reason: 'charged_incorrectly', status: 'open' });
    const again = await dispute({ reason: 'not_delivered' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('order.case_already_open');
    await storeAnswers(t, opened.body.case.id, 'resolved');
    expect((await dispute({ reason: 'not_delivered' })).status).toBe(201);
  });

  it('"I don\'t recognise this order": a fraud_report case, the flag and an audit event together, then the secure-my-account path', async () => {
    const o = await newDeliveredOrder();
    const reported = await api(t, 'POST', `/api/v1/orders/${o.id}/fraud-report`, { token, body: { details: 'I never ordered a kettle.' } });
    expect(reported.status).toBe(201);
    expect(reported.body.case).toMatchObject({ kind: 'fraud_report', reason: 'not_recognised', details: 'I never ordered a kettle.', status: 'open' });
    expect(reported.body.next).toEqual({ page: '/account/secure', api: 'POST /api/v1/account/secure' });

    const row = await t.app.deps.db.selectFrom('orders').select(['fraud_reported_at', 'updated_at']).where('id', '=', o.id).executeTakeFirstOrThrow();
    expect(row.fraud_reported_at).toBe(t.clock.now());
    const events = await t.app.deps.db.selectFrom('audit_events').select(['type', 'detail', 'ip']).where('account_id', '=', accountId).where('type', '=', 'order.fraud_reported').execute();
    expect(events).toEqual([{ type: 'order.fraud_reported', detail: JSON.stringify({ order: o.number }), ip: '203.0.113.10' }]);
    const activity = await api(t, 'GET', '/api/v1/activity', { token });
    expect(activity.body.activity[0].description).toBe(`Order ${o.number} reported as not recognised`);

    // Reported twice: refused, and nothing else written.
    t.clock.advance(DAY);
    const again = await api(t, 'POST', `/api/v1/orders/${o.id}/fraud-report`, { token, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('order.case_already_open');
    expect((await casesOf(t, o.id)).filter((c) => c.kind === 'fraud_report')).toHaveLength(1);
    expect((await t.app.deps.db.selectFrom('orders').select('fraud_reported_at').where('id', '=', o.id).executeTakeFirstOrThrow()).fraud_reported_at).toBe(row.fraud_reported_at);
    expect(await t.app.deps.db.selectFrom('audit_events').select('id').where('type', '=', 'order.fraud_reported').execute()).toHaveLength(1);

    // The path it points to secures the account: every session ends, this one too.
    const secured = await api(t, 'POST', '/api/v1/account/secure', { token, body: {} });
    expect(secured.status).toBe(200);
    expect((await api(t, 'GET', '/api/v1/orders', { token })).status).toBe(401);
  });
});

describe('RETURN_WINDOW_DAYS is configurable', () => {
  it('a 14-day window closes on day 14', async () => {
    const t = await createTestApp({ RETURN_WINDOW_DAYS: '14' });
    try {
      const { token, accountId } = await signUpFrom(t, { email: 'window@example.com' });
      const deliveredAt = t.clock.now() - 14 * DAY + 1;
      const o = await insertOrder(t, accountId, { placedAt: deliveredAt - 3 * DAY, deliveredAt, items: [{ sku: 'A', title: 'A', quantity: 2, unitPrice: 100 }] });
      expect((await api(t, 'POST', `/api/v1/orders/${o.id}/returns`, { token, body: { item_id: o.items[0]!.id, quantity: 1, reason: 'damaged' } })).status).toBe(201);
      t.clock.advance(1);
      const closed = await api(t, 'GET', `/api/v1/orders/${o.id}`, { token });
      expect(closed.body.order.return_window).toEqual({ closes_at: new Date(deliveredAt + 14 * DAY).toISOString(), open: false });
    } finally {
      await t.close();
    }
  });
});
