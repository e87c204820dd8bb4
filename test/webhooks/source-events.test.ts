import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, api, signUp, type TestApp } from '../helpers/app.js';
import { accountIdOf } from '../helpers/fixtures.js';
import { orderIdOf, placeOrder, storeApi, storeKey, type TestStoreKey } from '../helpers/store.js';
import type { Receiver } from './receiver.js';
import { endpoint, partner, receiverFor } from './fixtures.js';

/**
 * The store's events are queued where they happen, in the same transaction: a case opened by the customer and
 * decided by the store (the event carries the case exactly as GET /api/store/v1/cases/:id shows it, so the store
 * need not poll), and "This wasn't me". A request that fails announces nothing, and no partner hears of these.
 */
describe('events from their source', () => {
  let t: TestApp;
  let receiver: Receiver;
  let key: TestStoreKey;
  let token: string;

  beforeEach(async () => {
    t = await createTestApp();
    receiver = await receiverFor(t);
    key = await storeKey(t);
    ({ token } = await signUp(t, { name: 'Ada Lovelace', email: 'ada@example.com' }));
    await endpoint(t, receiver, '/store');
    await endpoint(t, receiver, '/partner', await partner(t, 'Partner'));
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  async function deliveredOrder(): Promise<string> {
    const number = (await placeOrder(t, key)).body.order.number as string;
    for (const status of ['paid', 'shipped', 'delivered']) {
      expect((await storeApi(t, key, 'POST', `/api/store/v1/orders/${number}/status`, { body: { status } })).status).toBe(200);
    }
    return orderIdOf(t, number);
  }

  /** Waits for the worker (woken by the commit) to deliver `count` events in all. */
  async function received(count: number) {
    await vi.waitFor(() => expect(receiver.received.length).toBeGreaterThanOrEqual(count), { timeout: 3000, interval: 20 });
    // Anything more would arrive in the same pass; give it that pass before asserting there is nothing more.
    await t.app.worker.deliverDue();
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    return receiver.received;
  }

  const storeCase = async (id: string) => (await storeApi(t, key, 'GET', `/api/store/v1/cases/${id}`)).body.case;

  it('case.opened for a return, a dispute and a fraud report, each carrying the case as the store API shows it', async () => {
    const orderId = await deliveredOrder();
    const item = await t.app.deps.db.selectFrom('order_items').select('id').where('order_id', '=', orderId).orderBy('position').executeTakeFirstOrThrow();
    const opened = await api(t, 'POST', `/api/v1/orders/${orderId}/returns`, { token, body: { item_id: item.id, quantity: 1, reason: 'damaged', details: 'Torn spine — “very” sad 📚' } });
    expect(opened.status).toBe(201);
    const [event] = await received(1);
    expect(event!.path).toBe('/store');
    expect(event!.json.type).toBe('case.opened');
    expect(event!.json.data).toEqual(await storeCase(opened.body.case.id));

    expect((await api(t, 'POST', `/api/v1/orders/${orderId}/disputes`, { token, body: { reason: 'not_delivered' } })).status).toBe(201);
    expect((await api(t, 'POST', `/api/v1/orders/${orderId}/fraud-report`, { token, body: {} })).status).toBe(201);
    const all = await received(3);
    expect(all.map((r) => [r.path, r.json.type, (r.json.data as { kind: string }).kind])).toEqual([
      ['/store', 'case.opened', 'return'],
      ['/store', 'case.opened', 'dispute'],
      ['/store', 'case.opened', 'fraud_report'],
    ]);
  });

  it('a case that fails to open (one is open already, bad input) announces nothing', async () => {
    const orderId = await deliveredOrder();
    expect((await api(t, 'POST', `/api/v1/orders/${orderId}/disputes`, { token, body: { reason: 'not_delivered' } })).status).toBe(201);
    await received(1);
    expect((await api(t, 'POST', `/api/v1/orders/${orderId}/disputes`, { token, body: { reason: 'not_delivered' } })).status).toBe(409);
    expect((await api(t, 'POST', `/api/v1/orders/${orderId}/disputes`, { token, body: { reason: 'x'.repeat(41) } })).status).toBe(400);
    await t.app.worker.deliverDue();
    expect(receiver.received).toHaveLength(1);
    expect(await t.app.deps.db.selectFrom('webhook_deliveries').select('id').execute()).toHaveLength(1);
  });

  it('case.decided carries the decided case as the store API shows it; a second decision (409) announces nothing', async () => {
    const orderId = await deliveredOrder();
    const opened = await api(t, 'POST', `/api/v1/orders/${orderId}/disputes`, { token, body: { reason: 'not_delivered' } });
    const caseId = opened.body.case.id as string;
    await received(1);
    const decided = await storeApi(t, key, 'POST', `/api/store/v1/cases/${caseId}/resolve`, { body: { decision: 'resolved', resolution: 'Sent a voucher.', refund_amount: 500 } });
    expect(decided.status).toBe(200);
    const [, event] = await received(2);
    expect(event!.json.type).toBe('case.decided');
    expect(event!.json.data).toEqual(decided.body.case);
    expect(event!.json.data).toMatchObject({ status: 'resolved', refund_amount: 500, resolution: 'Sent a voucher.' });

    expect((await storeApi(t, key, 'POST', `/api/store/v1/cases/${caseId}/resolve`, { body: { decision: 'refused', resolution: 'No.' } })).status).toBe(409);
    await t.app.worker.deliverDue();
    expect(receiver.received).toHaveLength(2);
  });

  it('a decision that rolls back (refund above what is left) announces nothing', async () => {
    const orderId = await deliveredOrder();
    const opened = await api(t, 'POST', `/api/v1/orders/${orderId}/disputes`, { token, body: { reason: 'not_delivered' } });
    await received(1);
    const tooMuch = await storeApi(t, key, 'POST', `/api/store/v1/cases/${opened.body.case.id}/resolve`, { body: { decision: 'resolved', resolution: 'Refund.', refund_amount: 10_000_000 } });
    expect(tooMuch.status).toBe(422);
    await t.app.worker.deliverDue();
    expect(receiver.received).toHaveLength(1);
  });

  it("account.secured (\"This wasn't me\") tells the store which account and when, and no partner", async () => {
    expect((await api(t, 'POST', '/api/v1/account/secure', { token, body: {} })).status).toBe(200);
    const [event] = await received(1);
    expect(event!.path).toBe('/store');
    expect(event!.json).toMatchObject({ type: 'account.secured', data: { account_id: await accountIdOf(t, 'ada@example.com'), secured_at: new Date(t.clock.now()).toISOString() } });
  });
});
