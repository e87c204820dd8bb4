import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { MINUTE } from '../../src/platform/clock.js';
import { messagesTo } from '../helpers/fixtures.js';
import { approvedPermission, charge, ITEMS_TOTAL, newKey, partnerApi, partnerSite, sandboxCard, shopper, type TestPartner } from './checkout-fixtures.js';

const SESSIONS = '/api/partner/v1/checkout-sessions';

describe('charges: redeeming a permission', () => {
  let t: TestApp;
  let partner: TestPartner;
  beforeAll(async () => {
    t = await createTestApp();
    partner = await partnerSite(t);
  });
  afterAll(() => t.close());

  it('the permission is shown once, on the first read after approval, and only its hash is stored', async () => {
    const ada = await shopper(t, 'ada-once@example.com');
    const { sessionId, permission } = await approvedPermission(t, partner, ada);
    expect(permission).toMatch(/^cpp_[\w-]{43}$/);
    const again = await partnerApi(t, partner, 'GET', `${SESSIONS}/${sessionId}`);
    expect(again.body).toMatchObject({ status: 'approved', charge_permission: null, permission_issued: true });
    const row = await t.app.deps.db.selectFrom('checkout_sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(permission.slice(4));
  });

  it('charges the chosen card, records the order under the partner, and answers with the card by brand only', async () => {
    const ada = await shopper(t, 'ada-charge@example.com');
    const { sessionId, permission } = await approvedPermission(t, partner, ada);
    const res = await charge(t, partner, permission);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'succeeded', amount: ITEMS_TOTAL, currency: 'USD', checkout_session_id: sessionId, card: { brand: 'visa' }, shipping_address: { full_name: 'Ada Lovelace', country: 'US' } });
    expect(res.body.order.number).toMatch(/^\d{3}-\d{7}-\d{7}$/);
    // SECURITY.md "Card data" / the support-desk chain: no last 4, no token, no card id reaches the partner.
    expect(Object.keys(res.body.card)).toEqual(['brand']);
    expect(JSON.stringify(res.body)).not.toMatch(/4242|tok_sbx|card_id/);
    const order = await t.app.deps.db.selectFrom('orders').selectAll().where('number', '=', res.body.order.number).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ account_id: ada.accountId, partner_id: partner.id, status: 'paid', total: ITEMS_TOTAL });
    const detail = await ada.browser.get(`/orders/${order.id}`);
    expect(detail.body).toContain('Sold by Corner Books');
    const receipts = (await messagesTo(t, 'ada-charge@example.com')).filter((m) => m.template === 'partnerChargeReceiptEmail');
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.text_body).toContain('$42.48');
    expect((await partnerApi(t, partner, 'GET', `${SESSIONS}/${sessionId}`)).body.status).toBe('charged');
    expect((await partnerApi(t, partner, 'GET', `/api/partner/v1/charges/${res.body.id}`)).body.order.number).toBe(res.body.order.number);
  });

  it('idempotency: the same key and body answer the same charge (200); the same key with another body is 409', async () => {
    const ada = await shopper(t, 'ada-idem@example.com');
    const { permission } = await approvedPermission(t, partner, ada);
    const key = newKey();
    const first = await charge(t, partner, permission, key);
    const again = await charge(t, partner, permission, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const other = await charge(t, partner, 'cpp_' + 'x'.repeat(43), key);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('charge.idempotency_conflict');
    const reused = await charge(t, partner, permission);
    expect(reused.body.error.code).toBe('charge.permission_used');
    expect(await t.app.deps.db.selectFrom('orders').select('id').where('account_id', '=', ada.accountId).execute()).toHaveLength(1);
  });

  it('needs an Idempotency-Key header of printable ASCII', async () => {
    const res = await partnerApi(t, partner, 'POST', '/api/partner/v1/charges', { body: { charge_permission: 'cpp_x' } });
    expect(res.status).toBe(400);
    expect(res.body.error.fields['Idempotency-Key']).toBeDefined();
    const bad = await partnerApi(t, partner, 'POST', '/api/partner/v1/charges', { body: { charge_permission: 'cpp_x' }, key: ' padded ' });
    expect(bad.status).toBe(400);
  });

  it('ASVS 8.2.2: another partner cannot redeem this partner\'s permission, nor read its charge (404)', async () => {
    const other = await partnerSite(t, 'Other Shop', 'https://other.example/cb');
    const ada = await shopper(t, 'ada-other@example.com');
    const { permission } = await approvedPermission(t, partner, ada);
    const stolen = await charge(t, other, permission);
    expect(stolen.status).toBe(422);
    expect(stolen.body.error.code).toBe('charge.permission_invalid');
    const mine = await charge(t, partner, permission);
    expect(mine.status).toBe(201);
    expect((await partnerApi(t, other, 'GET', `/api/partner/v1/charges/${mine.body.id}`)).status).toBe(404);
    expect((await partnerApi(t, other, 'POST', `/api/partner/v1/charges/${mine.body.id}/refunds`, { body: { amount: 1 }, key: newKey() })).status).toBe(404);
  });

  it('a permission expires 30 minutes after approval (clock-driven)', async () => {
    const ada = await shopper(t, 'ada-late@example.com');
    const { permission } = await approvedPermission(t, partner, ada);
    t.clock.advance(30 * MINUTE);
    const res = await charge(t, partner, permission);
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('charge.permission_expired');
  });

  it('fails once the customer removed the partner in Apps and websites (grant revoked) after approving', async () => {
    const ada = await shopper(t, 'ada-revoke@example.com');
    const { permission } = await approvedPermission(t, partner, ada);
    await t.app.deps.db.updateTable('partner_grants').set({ revoked_at: t.clock.now() }).where('account_id', '=', ada.accountId).execute();
    const res = await charge(t, partner, permission);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('charge.permission_revoked');
    expect(await t.app.deps.db.selectFrom('partner_charges').select('id').where('account_id', '=', ada.accountId).execute()).toHaveLength(0);
  });

  it('a declined card is 402 with a stable code; nothing is written but the attempt, and attempts are capped', async () => {
    const ada = await shopper(t, 'ada-declined@example.com', '4000000000009995');
    const { sessionId, permission } = await approvedPermission(t, partner, ada);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await charge(t, partner, permission));
    expect(answers.slice(0, 3).map((r) => [r.status, r.body.error.code])).toEqual(Array(3).fill([402, 'charge.card_declined']));
    expect(answers[0]!.body.error.message).toMatch(/insufficient_funds/);
    expect(answers[3]!.body.error.code).toBe('charge.attempts_exhausted');
    expect(await t.app.deps.db.selectFrom('partner_charges').select('id').where('checkout_session_id', '=', sessionId).execute()).toHaveLength(0);
    expect(await t.app.deps.db.selectFrom('orders').select('id').where('account_id', '=', ada.accountId).execute()).toHaveLength(0);
    const attempts = await t.app.deps.db.selectFrom('audit_events').select('type').where('account_id', '=', ada.accountId).where('type', '=', 'card.declined').execute();
    expect(attempts).toHaveLength(3);
  });

  it('a lost or stolen card is answered as a plain decline', async () => {
    const ada = await shopper(t, 'ada-stolen@example.com', '4000000000009979');
    const { permission } = await approvedPermission(t, partner, ada);
    const res = await charge(t, partner, permission);
    expect(res.status).toBe(402);
    expect(res.body.error.message).toMatch(/generic_decline/);
    expect(res.body.error.message).not.toMatch(/stolen/);
  });

  it('a card removed after approval cannot be charged (402 charge.card_unavailable)', async () => {
    const ada = await shopper(t, 'ada-removed@example.com');
    const { permission } = await approvedPermission(t, partner, ada);
    await t.app.deps.db.deleteFrom('cards').where('id', '=', ada.cardId).execute();
    await sandboxCard(t, ada.accountId, '4242424242424242');
    const res = await charge(t, partner, permission);
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe('charge.card_unavailable');
  });

  it('garbage permissions and bodies are 4xx, never 500', async () => {
    for (const body of [{ charge_permission: 'cpp_\u0000' }, { charge_permission: 'x'.repeat(201) }, { charge_permission: 5 }, {}, { charge_permission: 'cpp_a', extra: 1 }]) {
      const res = await partnerApi(t, partner, 'POST', '/api/partner/v1/charges', { body, key: newKey() });
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });
});
