import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDispute, reportUnrecognisedOrder, requestReturn } from '../../src/cases/cases.js';
import { loadOrder } from '../../src/orders/history.js';
import type { OrderStatus } from '../../src/platform/db/schema.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { customer, orderIdOf, placeOrder, storeApi, storeKey, type TestStoreKey } from '../helpers/store.js';
import { expectClientError } from '../helpers/fixtures.js';

/**
 * The store's side of returns, disputes and fraud reports: listed oldest first by keyset, decided once, with the
 * order moved and the refund bounded in the same transaction as the decision.
 */
describe('store cases', () => {
  let t: TestApp;
  let key: TestStoreKey;
  let adaId: string;
  beforeEach(async () => {
    t = await createTestApp();
    key = await storeKey(t);
    adaId = await customer(t, 'ada@example.com');
  });
  afterEach(() => t.close());

  const info = { ip: '203.0.113.10', userAgent: 'test' };
  const resolve = (id: string, body: unknown) => storeApi(t, key, 'POST', `/api/store/v1/cases/${id}/resolve`, { body });
  const list = (query = '') => storeApi(t, key, 'GET', `/api/store/v1/cases${query}`);
  const orderRow = (number: string) => t.app.deps.db.selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
  const caseRow = (id: string) => t.app.deps.db.selectFrom('order_cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** An order for 5748 (USD minor units) moved along `path`. */
  async function order(path: OrderStatus[] = ['paid', 'shipped', 'delivered']): Promise<{ number: string; id: string }> {
    const number = (await placeOrder(t, key)).body.order.number as string;
    for (const status of path) expect((await storeApi(t, key, 'POST', `/api/store/v1/orders/${number}/status`, { body: { status } })).status).toBe(200);
    return { number, id: await orderIdOf(t, number) };
  }

  async function returnCase(orderId: string, quantity = 1): Promise<string> {
    const item = await t.app.deps.db.selectFrom('order_items').select('id').where('order_id', '=', orderId).orderBy('position').executeTakeFirstOrThrow();
    return requestReturn(t.app.deps, adaId, orderId, { itemId: item.id, quantity, reason: 'damaged', details: 'The spine was torn.' });
  }

  it("the customer is emailed the decision, the store's note and any refund, in the decision's transaction", async () => {
    const o = await order();
    const caseId = await returnCase(o.id);
    expect((await resolve(caseId, { decision: 'accepted', resolution: 'Refunded to your card.', refund_amount: 1999 })).status).toBe(200);
    const sent = await t.app.deps.db.selectFrom('outbox').selectAll().where('template', '=', 'caseDecisionEmail').execute();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.recipient).toBe('ada@example.com');
    expect(sent[0]!.subject).toBe(`Your return request for order ${o.number} was accepted`);
    expect(sent[0]!.text_body).toContain('Refunded to your card.');
    expect(sent[0]!.text_body).toContain('$19.99');
    expect(sent[0]!.text_body).toContain(`/orders/${o.id}`);

    // A decision that fails (already decided) sends nothing more.
    expect((await resolve(caseId, { decision: 'refused', resolution: 'No.' })).status).toBe(409);
    expect(await t.app.deps.db.selectFrom('outbox').select('id').where('template', '=', 'caseDecisionEmail').execute()).toHaveLength(1);
  });

  it('lists open cases oldest first across orders, in keyset pages; filters by kind; fraud reports appear as fraud_report', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const o = await order();
      t.clock.advance(1000);
      ids.push(await returnCase(o.id));
      t.clock.advance(1000);
      ids.push(await openDispute(t.app.deps, adaId, o.id, { reason: 'missing_items', details: '' }));
      t.clock.advance(1000);
      ids.push(await reportUnrecognisedOrder(t.app.deps, adaId, o.id, { details: 'Not me.' }, info));
    }
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page = await list(`?limit=4${next ? `&after=${next}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.cases.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.cases.map((c: { id: string }) => c.id));
      next = page.body.next;
    } while (next);
    expect(seen).toEqual(ids);

    const fraud = await list('?kind=fraud_report');
    expect(fraud.body.cases).toHaveLength(3);
    expect(fraud.body.cases[0]).toMatchObject({ kind: 'fraud_report', status: 'open', reason: 'not_recognised', details: 'Not me.', item: null, resolution: null, refund_amount: null });
    const returns = await list('?kind=return&status=open');
    expect(returns.body.cases[0]).toMatchObject({
      kind: 'return',
      item: { sku: 'BOOK-1', title: 'The Art of Computer Programming', quantity: 2 },
      quantity: 1,
      reason: 'damaged',
      order: { status: 'delivered', currency: 'USD', total: 5748 },
    });
    expect((await list('?status=accepted')).body).toEqual({ cases: [], next: null });
  });

  it('accepting a return makes the order returned; a refund with it makes it refunded; the order shows the case and the refund', async () => {
    const plain = await order();
    const plainCase = await returnCase(plain.id);
    const res = await resolve(plainCase, { decision: 'accepted', resolution: 'Send it back with the label we emailed.' });
    expect(res.status).toBe(200);
    expect(res.body.case).toMatchObject({ id: plainCase, status: 'accepted', resolution: 'Send it back with the label we emailed.', resolved_at: new Date(t.clock.now()).toISOString(), order: { status: 'returned' } });
    expect(await orderRow(plain.number)).toMatchObject({ status: 'returned', returned_at: t.clock.now(), refunded_at: null });

    const refunded = await order();
    const refundedCase = await returnCase(refunded.id);
    t.clock.advance(5000);
    expect((await resolve(refundedCase, { decision: 'accepted', resolution: 'Refunded in full.\nSorry about that.', refund_amount: 5748 })).status).toBe(200);
    expect(await orderRow(refunded.number)).toMatchObject({ status: 'refunded', returned_at: t.clock.now(), refunded_at: t.clock.now() });
    const read = (await storeApi(t, key, 'GET', `/api/store/v1/orders/${refunded.number}`)).body.order;
    expect(read.refunded).toBe(5748);
    expect(read.cases).toEqual([expect.objectContaining({ id: refundedCase, kind: 'return', status: 'accepted', refund_amount: 5748, resolution: 'Refunded in full.\nSorry about that.' })]);
    expect(read.status_history.map((e: { status: string }) => e.status)).toEqual(['placed', 'paid', 'shipped', 'delivered', 'returned', 'refunded']);
  });

  it('a partial refund (1 cent) on an accepted return leaves the order returned, recorded on the case; the other items stay returnable; the refund that reaches the total makes it refunded, and only then final', async () => {
    const o = await order();
    const items = await t.app.deps.db.selectFrom('order_items').select(['id', 'sku']).where('order_id', '=', o.id).orderBy('position').execute();
    const first = await returnCase(o.id, 1);
    const res = await resolve(first, { decision: 'accepted', resolution: 'Refunded a cent for the torn spine.', refund_amount: 1 });
    expect(res.status).toBe(200);
    expect(res.body.case).toMatchObject({ status: 'accepted', refund_amount: 1, order: { status: 'returned' } });
    expect(await orderRow(o.number)).toMatchObject({ status: 'returned', returned_at: t.clock.now(), refunded_at: null });
    expect((await storeApi(t, key, 'GET', `/api/store/v1/orders/${o.number}`)).body.order).toMatchObject({ status: 'returned', refunded: 1 });
    expect((await loadOrder(t.app.deps, adaId, o.id)).refunded).toBe(1);

    // Not final: the mug and the second book can still be returned, each decided on its own.
    const mug = await requestReturn(t.app.deps, adaId, o.id, { itemId: items[1]!.id, quantity: 1, reason: 'not_as_described', details: '' });
    const book = await requestReturn(t.app.deps, adaId, o.id, { itemId: items[0]!.id, quantity: 1, reason: 'damaged', details: '' });
    expect((await resolve(mug, { decision: 'accepted', resolution: 'Refunded the mug.', refund_amount: 850 })).status).toBe(200);
    expect((await orderRow(o.number)).status).toBe('returned');

    // The refund that brings the order's refunds to its total (1 + 850 + 4897 = 5748) makes it refunded.
    t.clock.advance(1000);
    expect((await resolve(book, { decision: 'accepted', resolution: 'Refunded the rest.', refund_amount: 5748 - 851 })).status).toBe(200);
    expect(await orderRow(o.number)).toMatchObject({ status: 'refunded', refunded_at: t.clock.now() });
    expect((await storeApi(t, key, 'GET', `/api/store/v1/orders/${o.number}`)).body.order.refunded).toBe(5748);
    const dispute = await openDispute(t.app.deps, adaId, o.id, { reason: 'damaged', details: '' });
    expectClientError(await resolve(dispute, { decision: 'resolved', resolution: 'x', refund_amount: 1 }), 422, 'case.refund_too_large');
    await expect(requestReturn(t.app.deps, adaId, o.id, { itemId: items[0]!.id, quantity: 1, reason: 'damaged', details: '' })).rejects.toMatchObject({
      code: 'order.not_returnable',
      message: 'This order was refunded in full, so there is nothing left to return.',
    });
  });

  it('a partial refund on a dispute leaves a delivered order delivered, so the shop can still move it; a refund needs a paid order not on its way', async () => {
    const o = await order();
    const dispute = await openDispute(t.app.deps, adaId, o.id, { reason: 'damaged', details: 'Chipped mug.' });
    expect((await resolve(dispute, { decision: 'resolved', resolution: 'A goodwill credit.', refund_amount: 500 })).status).toBe(200);
    expect(await orderRow(o.number)).toMatchObject({ status: 'delivered', refunded_at: null });
    expect((await storeApi(t, key, 'POST', `/api/store/v1/orders/${o.number}/status`, { body: { status: 'returned' } })).body.order).toMatchObject({ status: 'returned', refunded: 500 });

    const onItsWay = await order(['paid', 'shipped']);
    const late = await openDispute(t.app.deps, adaId, onItsWay.id, { reason: 'charged_incorrectly', details: '' });
    expectClientError(await resolve(late, { decision: 'resolved', resolution: 'Refunded.', refund_amount: 100 }), 409, 'order.illegal_transition');
    expect(await caseRow(late)).toMatchObject({ status: 'open', refund_amount: null });
  });

  it('a refused case changes nothing on the order; a resolved dispute with a refund makes a paid order refunded', async () => {
    const o = await order(['paid']);
    const dispute = await openDispute(t.app.deps, adaId, o.id, { reason: 'charged_twice', details: 'Two charges on my statement.' });
    const fraud = await reportUnrecognisedOrder(t.app.deps, adaId, o.id, { details: '' }, info);
    expect((await resolve(fraud, { decision: 'refused', resolution: 'The order was placed from your usual device.' })).status).toBe(200);
    expect((await orderRow(o.number)).status).toBe('paid');
    expect((await resolve(dispute, { decision: 'resolved', resolution: 'The second charge was refunded.', refund_amount: 5748 })).status).toBe(200);
    expect((await orderRow(o.number)).status).toBe('refunded');
  });

  it('refunds never exceed the order total less earlier refunds → 422 case.refund_too_large; the exact remainder is allowed', async () => {
    const o = await order();
    const first = await returnCase(o.id, 1);
    const dispute = await openDispute(t.app.deps, adaId, o.id, { reason: 'damaged', details: '' });
    const fraud = await reportUnrecognisedOrder(t.app.deps, adaId, o.id, { details: '' }, info);
    expect((await resolve(first, { decision: 'accepted', resolution: 'Refunded one book.', refund_amount: 1999 })).status).toBe(200);
    const tooMuch = await resolve(dispute, { decision: 'resolved', resolution: 'Refunded the rest.', refund_amount: 5748 - 1999 + 1 });
    expectClientError(tooMuch, 422, 'case.refund_too_large');
    expect(tooMuch.body.error.fields).toEqual({ refund_amount: 'Use at most 3749.' });
    expect((await caseRow(dispute)).status).toBe('open');
    expect((await resolve(dispute, { decision: 'resolved', resolution: 'Refunded the rest.', refund_amount: 3749 })).status).toBe(200);
    expectClientError(await resolve(fraud, { decision: 'accepted', resolution: 'x', refund_amount: 1 }), 422, 'case.refund_too_large');
    expect((await storeApi(t, key, 'GET', `/api/store/v1/orders/${o.number}`)).body.order.refunded).toBe(5748);
  });

  it('two refunds racing on one order that together exceed its total → one is recorded, the other is 422', async () => {
    const o = await order();
    const a = await returnCase(o.id);
    const b = await openDispute(t.app.deps, adaId, o.id, { reason: 'damaged', details: '' });
    const [ra, rb] = await Promise.all([
      resolve(a, { decision: 'accepted', resolution: 'Refunded.', refund_amount: 4000 }),
      resolve(b, { decision: 'resolved', resolution: 'Refunded.', refund_amount: 4000 }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 422]);
    const refunds = await t.app.deps.db.selectFrom('order_cases').select('refund_amount').where('order_id', '=', o.id).execute();
    expect(refunds.map((r) => r.refund_amount).filter((v) => v !== null)).toEqual([4000]);
  });

  it('a case is decided once: again → 409 case.already_decided; five at once → one 200 and four 409', async () => {
    const o = await order();
    const id = await returnCase(o.id);
    expect((await resolve(id, { decision: 'refused', resolution: 'Outside the condition rules.' })).status).toBe(200);
    const again = await resolve(id, { decision: 'accepted', resolution: 'Changed my mind.', refund_amount: 100 });
    expectClientError(again, 409, 'case.already_decided');
    expect(await caseRow(id)).toMatchObject({ status: 'refused', refund_amount: null, resolution: 'Outside the condition rules.' });

    const other = await openDispute(t.app.deps, adaId, o.id, { reason: 'damaged', details: '' });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => resolve(other, { decision: 'resolved', resolution: `Attempt ${i}`, refund_amount: 1000 })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect((await storeApi(t, key, 'GET', `/api/store/v1/orders/${o.number}`)).body.order.refunded).toBe(1000);
  });

  it('a decision the order cannot follow (a refund before payment) → 409 order.illegal_transition, and the case stays open', async () => {
    const o = await order([]);
    const dispute = await openDispute(t.app.deps, adaId, o.id, { reason: 'charged_incorrectly', details: '' });
    const res = await resolve(dispute, { decision: 'resolved', resolution: 'Refunded.', refund_amount: 100 });
    expectClientError(res, 409, 'order.illegal_transition');
    expect(await caseRow(dispute)).toMatchObject({ status: 'open', resolution: null, refund_amount: null, resolved_at: null });
    expect((await orderRow(o.number)).status).toBe('placed');
  });

  it('unknown or malformed case ids → 404; bad list queries → 400', async () => {
    for (const id of ['nope', 'a'.repeat(65), '%00', "x'--"]) {
      expect((await resolve(id, { decision: 'refused', resolution: 'No.' })).status).toBe(404);
      expect((await storeApi(t, key, 'GET', `/api/store/v1/cases/${id}`)).status).toBe(404);
    }
    for (const query of ['?status=closed', '?status=', '?kind=refund', '?limit=0', '?limit=101', '?limit=1.5', '?limit=abc', '?after=!!', '?after=bm90OmEgY3Vyc29y', '?status=open&status=refused', `?kind=${'k'.repeat(5000)}`, '?kind=%00']) {
      const res = await list(query);
      expectClientError(res, 400, 'request.invalid');
    }
  });

  it('hostile decisions → a clear 4xx, and the case and order are untouched', async () => {
    const o = await order();
    const id = await returnCase(o.id);
    const bodies: unknown[] = [
      {}, { decision: 'accepted' }, { decision: 'ACCEPTED', resolution: 'ok' }, { decision: 'open', resolution: 'ok' }, { decision: 'accepted', resolution: '   ' },
      { decision: 'accepted', resolution: 'ok\u0000' }, { decision: 'accepted', resolution: 'ok \u202Eevil' }, { decision: 'accepted', resolution: 'x'.repeat(2001) },
      { decision: 'refused', resolution: 'No.', refund_amount: 100 }, { decision: 'accepted', resolution: 'ok', refund_amount: 0 },
      { decision: 'accepted', resolution: 'ok', refund_amount: -5 }, { decision: 'accepted', resolution: 'ok', refund_amount: 10.5 },
      { decision: 'accepted', resolution: 'ok', refund_amount: '100' }, { decision: 'accepted', resolution: 'ok', refund_amount: 9007199254740993 },
      { decision: 'accepted', resolution: ['ok'] }, { decision: 'accepted', resolution: 'ok', status: 'resolved' }, { decision: 'accepted', resolution: 'ok', order_id: o.id },
    ];
    for (const body of bodies) {
      const res = await resolve(id, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe('request.invalid');
    }
    expectClientError(await storeApi(t, key, 'POST', `/api/store/v1/cases/${id}/resolve`, { rawBody: JSON.stringify({ decision: 'accepted', resolution: 'x'.repeat(1024 * 1024) }) }), 413, 'request.too_large');
    expect(await caseRow(id)).toMatchObject({ status: 'open', resolution: null });
    expect((await orderRow(o.number)).status).toBe('delivered');
  });
});
