import { createPartner } from '../../src/partners/partners.js';
import { issueToken } from '../../src/wallet/gateways/sandbox/sandbox-tokens.js';
import { newId } from '../../src/platform/crypto.js';
import { SESSION_COOKIE } from '../../src/platform/http/session-cookie.js';
import type { JsonResponse, TestApp } from '../helpers/app.js';
import { Browser } from '../helpers/browser.js';
import { signUpFrom } from '../helpers/fixtures.js';
import { SHIP_TO } from '../helpers/store.js';

/**
 * A partner site, a customer with an address and a real sandbox card, and the calls the partner's back end
 * makes (HTTP Basic client credentials), for the "Pay with" tests.
 */
export interface TestPartner {
  id: string;
  name: string;
  secret: string;
}

export async function partnerSite(t: TestApp, name = 'Corner Books', redirect = 'https://books.example/callback'): Promise<TestPartner> {
  const { partner, clientSecret } = await createPartner(t.app.deps, { name, redirectUris: [redirect] });
  return { id: partner.id, name, secret: clientSecret };
}

export function basic(partner: Pick<TestPartner, 'id' | 'secret'>): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(partner.id)}:${encodeURIComponent(partner.secret)}`).toString('base64')}`;
}

/** A partner API call through the app's HTTP layer. */
export async function partnerApi(
  t: TestApp,
  partner: Pick<TestPartner, 'id' | 'secret'> | null,
  method: 'GET' | 'POST',
  url: string,
  options: { body?: unknown; rawBody?: string; key?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const res = await t.app.fastify.inject({
    method,
    url,
    remoteAddress: '192.0.2.80',
    headers: {
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(partner ? { authorization: basic(partner) } : {}),
      ...(options.key ? { 'idempotency-key': options.key } : {}),
      ...options.headers,
    },
    payload,
  });
  let body: any = null;
  try {
    body = res.body ? JSON.parse(res.body) : null;
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, body, headers: res.headers };
}

export const ITEMS = [
  { name: 'The Art of Computer Programming', quantity: 2, unit_amount: 1999 },
  { name: 'Bookmark', quantity: 1, unit_amount: 250 },
];
export const ITEMS_TOTAL = 2 * 1999 + 250;

export function sessionBody(overrides: Record<string, unknown> = {}) {
  return { amount: ITEMS_TOTAL, currency: 'USD', items: ITEMS, return_url: 'https://books.example/order/done?cart=7', ...overrides };
}

export async function openSession(t: TestApp, partner: TestPartner, overrides: Record<string, unknown> = {}): Promise<any> {
  const res = await partnerApi(t, partner, 'POST', '/api/partner/v1/checkout-sessions', { body: sessionBody(overrides) });
  if (res.status !== 201) throw new Error(`open session: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface Shopper {
  accountId: string;
  token: string;
  browser: Browser;
  addressId: string;
  cardId: string;
}

/** A signed-up customer, signed in in a pretend browser (so the sign-in is fresh), with an address and a card. */
export async function shopper(t: TestApp, email: string, card = '4242424242424242'): Promise<Shopper> {
  const { token, accountId } = await signUpFrom(t, { email, name: 'Ada Lovelace' });
  const browser = new Browser(t.app);
  browser.cookies.set(SESSION_COOKIE, token);
  const addressId = newId();
  const now = t.clock.now();
  await t.app.deps.db
    .insertInto('addresses')
    .values({ id: addressId, account_id: accountId, full_name: SHIP_TO.full_name, line1: SHIP_TO.line1, line2: null, city: SHIP_TO.city, region: SHIP_TO.region, postal_code: SHIP_TO.postal_code, country: SHIP_TO.country, phone: null, is_default_shipping: 1, is_default_billing: 1, created_at: now, updated_at: now })
    .execute();
  const cardId = await sandboxCard(t, accountId, card);
  return { accountId, token, browser, addressId, cardId };
}

/** A card saved with a token the sandbox gateway really issued, so charges and declines go through it. */
export async function sandboxCard(t: TestApp, accountId: string, digits: string): Promise<string> {
  const id = newId();
  const token = issueToken(t.config.keys, { digits, brand: 'visa', expMonth: 12, expYear: 2031 }, `setup-${id}`);
  await t.app.deps.db
    .insertInto('cards')
    .values({ id, account_id: accountId, gateway: 'sandbox', gateway_token: token, brand: 'visa', last4: digits.slice(-4), exp_month: 12, exp_year: 2031, fingerprint: `fp_${id}`, billing_address: JSON.stringify(SHIP_TO), is_default: 1, expiry_reminder_sent_at: null, created_at: t.clock.now() })
    .execute();
  return id;
}

/** The customer approves on the pay page (loading it first, as a person would); returns the redirect. */
export async function approve(t: TestApp, who: Shopper, sessionId: string, extra: Record<string, string> = {}) {
  const page = await who.browser.get(`/pay/${sessionId}`);
  if (page.status !== 200) throw new Error(`pay page: ${page.status}`);
  return who.browser.post(`/pay/${sessionId}/approve`, { address: who.addressId, card: who.cardId, ...extra });
}

/** Open, approve and read the permission: the state a partner is in just before it charges. */
export async function approvedPermission(t: TestApp, partner: TestPartner, who: Shopper, overrides: Record<string, unknown> = {}): Promise<{ sessionId: string; permission: string }> {
  const session = await openSession(t, partner, overrides);
  const approved = await approve(t, who, session.id);
  if (approved.status !== 303) throw new Error(`approve: ${approved.status} ${approved.body.slice(0, 500)}`);
  const read = await partnerApi(t, partner, 'GET', `/api/partner/v1/checkout-sessions/${session.id}`);
  return { sessionId: session.id, permission: read.body.charge_permission };
}

let keys = 0;
export function newKey(): string {
  return `key-${process.pid}-${++keys}`;
}

export function charge(t: TestApp, partner: TestPartner, permission: string, key = newKey()) {
  return partnerApi(t, partner, 'POST', '/api/partner/v1/charges', { body: { charge_permission: permission }, key });
}
