import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ListeningTestApp } from '../helpers/app.js';
import { approvedPermission, basic, newKey, openSession, partnerSite, shopper, type TestPartner } from './checkout-fixtures.js';

/**
 * SECURITY.md "single-use, consumed atomically": 200 requests at once over real HTTP, on whichever engine the suite
 * runs on. Exactly one wins each race; the loser answers are the stable refusals, never a 500.
 */
const N = 200;

async function post(t: ListeningTestApp, partner: TestPartner, path: string, body: unknown, key: string) {
  const res = await fetch(`${t.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(partner), 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  return { status: res.status, body: json };
}

describe('racing redemptions and refunds over HTTP', () => {
  let t: ListeningTestApp;
  let partner: TestPartner;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'error' }, { listen: true });
    partner = await partnerSite(t);
  });
  afterAll(() => t.close());

  it(`SECURITY single-use: ${N} concurrent redemptions of one permission (different keys) make one charge and one order`, async () => {
    const ada = await shopper(t, 'race-charge@example.com');
    const { sessionId, permission } = await approvedPermission(t, partner, ada);
    const answers = await Promise.all(Array.from({ length: N }, () => post(t, partner, '/api/partner/v1/charges', { charge_permission: permission }, newKey())));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const losers = answers.filter((a) => a.status !== 201);
    expect(new Set(losers.map((a) => `${a.status} ${a.body.error.code}`))).toEqual(new Set(['409 charge.permission_used']));
    expect(await t.app.deps.db.selectFrom('partner_charges').select('id').where('checkout_session_id', '=', sessionId).execute()).toHaveLength(1);
    expect(await t.app.deps.db.selectFrom('orders').select('id').where('account_id', '=', ada.accountId).execute()).toHaveLength(1);
  });

  it(`${N} concurrent requests with one idempotency key: one charge; the others are in progress or its replay`, async () => {
    const ada = await shopper(t, 'race-key@example.com');
    const { permission } = await approvedPermission(t, partner, ada);
    const key = newKey();
    const answers = await Promise.all(Array.from({ length: N }, () => post(t, partner, '/api/partner/v1/charges', { charge_permission: permission }, key)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const id = answers.find((a) => a.status === 201)!.body.id;
    for (const a of answers.filter((x) => x.status !== 201)) {
      if (a.status === 200) expect(a.body.id).toBe(id);
      else expect([a.status, a.body.error.code]).toEqual([409, 'charge.in_progress']);
    }
    expect(await t.app.deps.db.selectFrom('orders').select('id').where('account_id', '=', ada.accountId).execute()).toHaveLength(1);
  });

  it(`${N} concurrent reads of an approved session issue the permission once`, async () => {
    const ada = await shopper(t, 'race-read@example.com');
    const session = await openSession(t, partner);
    const { approve } = await import('./checkout-fixtures.js');
    expect((await approve(t, ada, session.id)).status).toBe(303);
    const reads = await Promise.all(
      Array.from({ length: N }, async () => (await fetch(`${t.baseUrl}/api/partner/v1/checkout-sessions/${session.id}`, { headers: { authorization: basic(partner) } })).json() as Promise<any>),
    );
    expect(reads.filter((r) => r.charge_permission !== null)).toHaveLength(1);
  });

  it(`SECURITY refunds bounded: ${N} concurrent refunds never give back more than the charge`, async () => {
    const ada = await shopper(t, 'race-refund@example.com');
    // 4248 minor units; refunds of 250 each: at most 16 can succeed.
    const { permission } = await approvedPermission(t, partner, ada);
    const charged = await post(t, partner, '/api/partner/v1/charges', { charge_permission: permission }, newKey());
    expect(charged.status).toBe(201);
    const answers = await Promise.all(Array.from({ length: N }, () => post(t, partner, `/api/partner/v1/charges/${charged.body.id}/refunds`, { amount: 250 }, newKey())));
    const ok = answers.filter((a) => a.status === 201);
    expect(ok).toHaveLength(16);
    expect(new Set(answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.body.error.code}`))).toEqual(new Set(['422 refund.amount_too_large']));
    const row = await t.app.deps.db.selectFrom('partner_charges').select(['refunded', 'status']).where('id', '=', charged.body.id).executeTakeFirstOrThrow();
    expect(Number(row.refunded)).toBe(4000);
    const refunds = await t.app.deps.db.selectFrom('partner_refunds').select('amount').where('charge_id', '=', charged.body.id).execute();
    expect(refunds.reduce((sum, r) => sum + Number(r.amount), 0)).toBe(4000);
    expect(row.status).toBe('partially_refunded');
  });
});
