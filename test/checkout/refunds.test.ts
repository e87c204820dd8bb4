import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { messagesTo } from '../helpers/fixtures.js';
import type { WebhookEvent } from '../../src/webhooks/events.js';
import { approvedPermission, charge, ITEMS_TOTAL, newKey, partnerApi, partnerSite, shopper, type TestPartner } from './checkout-fixtures.js';

// The events the charge and refund queue, as the webhooks capability will receive them.
const queued = vi.hoisted(() => [] as WebhookEvent[]);
vi.mock('../../src/webhooks/events.js', () => ({ queueWebhookEvent: async (_deps: unknown, event: WebhookEvent) => void queued.push(event) }));

const refundPath = (id: string) => `/api/partner/v1/charges/${id}/refunds`;

describe('refunds and the events charges and refunds announce', () => {
  let t: TestApp;
  let partner: TestPartner;
  beforeAll(async () => {
    t = await createTestApp();
    partner = await partnerSite(t);
  });
  afterAll(() => t.close());
  beforeEach(() => void queued.splice(0));

  async function paid(email: string) {
    const ada = await shopper(t, email);
    const { permission } = await approvedPermission(t, partner, ada);
    const res = await charge(t, partner, permission);
    expect(res.status).toBe(201);
    return { ada, charge: res.body };
  }

  it('charge.succeeded tells the partner its pairwise sub, never the account id', async () => {
    const { ada, charge: made } = await paid('events@example.com');
    expect(queued.map((e) => e.type)).toEqual(['charge.succeeded']);
    const event = queued[0]!;
    const sub = await t.app.deps.db.selectFrom('partner_subjects').select('subject').where('account_id', '=', ada.accountId).where('partner_id', '=', partner.id).executeTakeFirstOrThrow();
    expect(event.partner).toEqual({ id: partner.id, data: expect.objectContaining({ charge_id: made.id, sub: sub.subject, amount: ITEMS_TOTAL, currency: 'USD' }) });
    expect(JSON.stringify(event.partner)).not.toContain(ada.accountId);
    expect(event.data).toMatchObject({ account_id: ada.accountId, order_number: made.order.number });
  });

  it('a partial then a final refund: amounts exact, order refunded, a receipt for each, charge.refunded each time', async () => {
    const { ada, charge: made } = await paid('refund-partial@example.com');
    queued.splice(0);
    const first = await partnerApi(t, partner, 'POST', refundPath(made.id), { body: { amount: 1000 }, key: newKey() });
    expect(first.status).toBe(201);
    expect(first.body.charge).toMatchObject({ status: 'partially_refunded', refunded: 1000, order: { status: 'paid' } });
    const detail = await ada.browser.get(`/orders/${(await t.app.deps.db.selectFrom('orders').select('id').where('number', '=', made.order.number).executeTakeFirstOrThrow()).id}`);
    expect(detail.body.replace(/<[^>]+>/g, '')).toContain('Refunded $10.00 of $42.48');
    const tooMuch = await partnerApi(t, partner, 'POST', refundPath(made.id), { body: { amount: ITEMS_TOTAL - 999 }, key: newKey() });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.code).toBe('refund.amount_too_large');
    const rest = await partnerApi(t, partner, 'POST', refundPath(made.id), { body: { amount: ITEMS_TOTAL - 1000 }, key: newKey() });
    expect(rest.body.charge).toMatchObject({ status: 'refunded', refunded: ITEMS_TOTAL, order: { status: 'refunded' } });
    expect(rest.body.charge.refunds.map((r: { amount: number }) => r.amount)).toEqual([1000, ITEMS_TOTAL - 1000]);
    expect((await messagesTo(t, 'refund-partial@example.com')).filter((m) => m.template === 'partnerRefundReceiptEmail')).toHaveLength(2);
    expect(queued.map((e) => e.type)).toEqual(['charge.refunded', 'charge.refunded']);
    expect(queued[1]!.partner!.data).toMatchObject({ amount: ITEMS_TOTAL - 1000, refunded_total: ITEMS_TOTAL });
  });

  it('refund idempotency: same key and amount answer the same refund; same key, other amount is 409', async () => {
    const { charge: made } = await paid('refund-idem@example.com');
    const key = newKey();
    const first = await partnerApi(t, partner, 'POST', refundPath(made.id), { body: { amount: 500 }, key });
    const again = await partnerApi(t, partner, 'POST', refundPath(made.id), { body: { amount: 500 }, key });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.refund.id).toBe(first.body.refund.id);
    expect(again.body.charge.refunded).toBe(500);
    const other = await partnerApi(t, partner, 'POST', refundPath(made.id), { body: { amount: 600 }, key });
    expect(other.status).toBe(409);
  });

  it('refund amounts are whole positive minor units: zero, negative, fractional, strings and huge values are 400', async () => {
    const { charge: made } = await paid('refund-amounts@example.com');
    for (const amount of [0, -1, 0.5, '100', 1e21, null, [1]]) {
      const res = await partnerApi(t, partner, 'POST', refundPath(made.id), { body: { amount }, key: newKey() });
      expect(res.status, JSON.stringify(amount)).toBe(400);
    }
    expect((await partnerApi(t, partner, 'GET', `/api/partner/v1/charges/${made.id}`)).body.refunded).toBe(0);
  });

  it('a charge takes at most 20 refunds, so a partner cannot flood the customer with receipts', async () => {
    const { charge: made } = await paid('refund-many@example.com');
    const answers = [];
    for (let i = 0; i < 21; i++) answers.push(await partnerApi(t, partner, 'POST', refundPath(made.id), { body: { amount: 1 }, key: newKey() }));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(20);
    expect(answers[20]!.body.error.code).toBe('refund.too_many');
    expect((await messagesTo(t, 'refund-many@example.com')).filter((m) => m.template === 'partnerRefundReceiptEmail')).toHaveLength(20);
  });
});
