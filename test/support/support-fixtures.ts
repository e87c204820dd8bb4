import { api, lastCodeTo, type JsonResponse, type TestApp } from '../helpers/app.js';
import { insertOrder, type InsertedOrder } from '../helpers/order-fixtures.js';
import { saveCard } from '../helpers/store.js';
import { signUpFrom } from '../helpers/fixtures.js';

/**
 * A customer worth attacking: signed in (a live session token), a verified email and phone, a saved card and an
 * order paid with it whose last four are unusual enough to grep for in every console answer.
 */
export const LAST4 = '7319';
export const EMAIL = 'ada.caller@example.com';
export const PHONE = '+14155550147';

export interface Seeded {
  accountId: string;
  token: string;
  order: InsertedOrder;
}

export async function seedCustomer(t: TestApp, email = EMAIL, phone = PHONE): Promise<Seeded> {
  const { token, accountId } = await signUpFrom(t, { name: 'Ada Lovelace', email });
  const now = t.clock.now();
  await t.app.deps.db
    .insertInto('identifiers')
    .values({ id: `ph${accountId.slice(0, 20)}`, account_id: accountId, kind: 'phone', value: '+1 415 555 0147', normalized: phone, is_primary: 0, verified_at: now, created_at: now })
    .execute();
  await saveCard(t, accountId, { brand: 'visa', last4: LAST4, expMonth: 4, expYear: 2031 });
  const order = await insertOrder(t, accountId, { placedAt: now - 86_400_000, card: { brand: 'visa', last4: LAST4 }, items: [{ sku: 'A', title: 'Lamp', quantity: 1, unitPrice: 4250 }], shipTo: { postal_code: '62704' } });
  return { accountId, token, order };
}

export function support(t: TestApp, token: string, method: 'GET' | 'POST', url: string, body?: unknown): Promise<JsonResponse> {
  return api(t, method, url, { token, body, ip: '192.0.2.77' });
}

/** Search, pick the contact of `kind`, send the code, read it from the outbox and confirm it. */
export async function verifyCaller(t: TestApp, token: string, query: string, kind: 'email' | 'phone' = 'email', ticket = 'T-1001'): Promise<{ customerId: string; checkId: string; code: string; confirmed: JsonResponse }> {
  const found = await support(t, token, 'GET', `/api/support/v1/customers?q=${encodeURIComponent(query)}`);
  const customer = found.body.customers[0];
  const contact = customer.contacts.find((c: { kind: string }) => c.kind === kind);
  const started = await support(t, token, 'POST', `/api/support/v1/customers/${customer.id}/checks`, { identifier_id: contact.id, ticket });
  if (started.status !== 201) throw new Error(`check failed: ${JSON.stringify(started.body)}`);
  const code = await lastCodeTo(t, kind === 'email' ? EMAIL : PHONE);
  const confirmed = await support(t, token, 'POST', `/api/support/v1/checks/${started.body.check.id}/confirm`, { code });
  return { customerId: customer.id, checkId: started.body.check.id, code, confirmed };
}
