import { parseEmail, parsePhone, type ParsedIdentifier } from '../../src/accounts/identifiers.js';
import { insertAccount, insertIdentifier } from '../../src/accounts/store.js';
import { newId } from '../../src/platform/crypto.js';
import { createStoreKey } from '../../src/merchants/store-keys.js';
import type { JsonResponse, TestApp } from './app.js';

/**
 * The store API from the shop's side, for any test that needs orders: a store key, customers made straight in
 * the database (no sign-up round trip), saved cards, and `placeOrder` with a valid body that each test bends
 * with overrides.
 */
export interface TestStoreKey {
  id: string;
  /** The plaintext `csk_…` key, sent as Authorization: Bearer. */
  token: string;
}

export async function storeKey(t: TestApp, name = 'Test shop'): Promise<TestStoreKey> {
  const created = await createStoreKey(t.app.deps, name);
  return { id: created.key.id, token: created.plaintext };
}

/** A store API call with the key as the Bearer token; `headers` adds e.g. Idempotency-Key. */
export async function storeApi(
  t: TestApp,
  key: TestStoreKey | string | null,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const token = typeof key === 'string' ? key : key?.token;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await t.app.fastify.inject({
    method,
    url,
    remoteAddress: '192.0.2.50',
    headers: {
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...options.headers,
    },
    payload,
  });
  let body: unknown = null;
  try {
    body = response.body ? JSON.parse(response.body) : null;
  } catch {
    body = response.body;
  }
  return { status: response.statusCode, body, headers: response.headers };
}

/** A customer with a verified email (and phone, if given), straight into the database. Returns the account id. */
export async function customer(t: TestApp, email: string, options: { name?: string; phone?: string } = {}): Promise<string> {
  const { db, clock } = t.app.deps;
  const accountId = await insertAccount(db, clock, { name: options.name ?? 'Ada Lovelace', passwordHash: 'not-a-real-hash', email: parsed(parseEmail(email)) });
  if (options.phone) await insertIdentifier(db, clock, accountId, parsed(parsePhone(options.phone, 'US')), { primary: false, verified: true });
  return accountId;
}

function parsed(identifier: ParsedIdentifier | string): ParsedIdentifier {
  if (typeof identifier === 'string') throw new Error(`test identifier is ${identifier}`);
  return identifier;
}

/** A saved card as the wallet would keep it (gateway token and display facts only). Returns the card id. */
export async function saveCard(
  t: TestApp,
  accountId: string,
  card: { brand?: string; last4?: string; expMonth?: number; expYear?: number; isDefault?: boolean } = {},
): Promise<string> {
  const id = newId();
  await t.app.deps.db
    .insertInto('cards')
    .values({
      id,
      account_id: accountId,
      gateway: 'sandbox',
      gateway_token: `tok_${newId()}`,
      brand: card.brand ?? 'visa',
      last4: card.last4 ?? '4242',
      exp_month: card.expMonth ?? 12,
      exp_year: card.expYear ?? 2030,
      fingerprint: newId(),
      billing_address: JSON.stringify(SHIP_TO),
      is_default: card.isDefault ? 1 : 0,
      expiry_reminder_sent_at: null,
      created_at: t.clock.now(),
    })
    .execute();
  return id;
}

export const SHIP_TO = { full_name: 'Ada Lovelace', line1: '1 Main Street', city: 'Springfield', region: 'IL', postal_code: '62701', country: 'US' };

export const DEFAULT_ITEMS = [
  { sku: 'BOOK-1', title: 'The Art of Computer Programming', quantity: 2, unit_price: 1999 },
  { sku: 'MUG-7', title: 'Coffee mug', quantity: 1, unit_price: 850 },
];

let nextKey = 1;

/**
 * A valid order body for ada@example.com (create her with `customer` first). Items given without totals get
 * totals that add up (shipping 500, tax 400), so a test changes only what it is about.
 */
export function orderBody(overrides: Record<string, unknown> = {}): Record<string, any> {
  const items = (overrides.items ?? DEFAULT_ITEMS) as Array<{ quantity: number; unit_price: number }>;
  const subtotal = Array.isArray(items) ? items.reduce((sum, i) => sum + i.quantity * i.unit_price, 0) : 0;
  return {
    idempotency_key: `order-${process.pid}-${nextKey++}`,
    customer: { email: 'ada@example.com' },
    currency: 'USD',
    items,
    shipping_address: SHIP_TO,
    totals: { subtotal, shipping: 500, tax: 400, total: subtotal + 900 },
    ...overrides,
  };
}

/** POST /api/store/v1/orders with `orderBody(overrides)`; the response as it came. */
export async function placeOrder(t: TestApp, key: TestStoreKey, overrides: Record<string, unknown> = {}): Promise<JsonResponse> {
  return storeApi(t, key, 'POST', '/api/store/v1/orders', { body: orderBody(overrides) });
}

/** The internal id of an order, for calling domain functions (cases.ts) in tests. */
export async function orderIdOf(t: TestApp, number: string): Promise<string> {
  const row = await t.app.deps.db.selectFrom('orders').select('id').where('number', '=', number).executeTakeFirstOrThrow();
  return row.id;
}

export async function orderRowCounts(t: TestApp): Promise<{ orders: number; items: number; cases: number }> {
  const count = async (table: 'orders' | 'order_items' | 'order_cases') =>
    Number((await t.app.deps.db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
  return { orders: await count('orders'), items: await count('order_items'), cases: await count('order_cases') };
}
