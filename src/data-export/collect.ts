import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { iso } from '../platform/format.js';

/**
 * Everything Custos holds on one customer, as the JSON "Download your data" hands them (GDPR art. 15 and 20:
 * complete, and in a machine-readable form). Like erasure (closing/erasure.ts) it must reach every table that
 * holds the person, so it is the one place here that reads other features' tables.
 *
 * What is left out, on purpose: every secret or means of access — the password hash and its history, session
 * and device tokens, link and code hashes, authenticator keys, passkey keys, backup codes, gateway card tokens and
 * fingerprints. Second factors are listed by kind and name only; cards by brand, last 4 and expiry.
 */
export const EXPORT_FORMAT = 'custos.data-export';
export const EXPORT_VERSION = 1;

const when = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : iso(ms));

function parsed(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function collectAccountData(db: Kysely<Database>, accountId: string, now: number): Promise<Record<string, unknown>> {
  const account = await db.selectFrom('accounts').select(['name', 'status', 'password_hash', 'password_changed_at', 'created_at']).where('id', '=', accountId).executeTakeFirstOrThrow();
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    generated_at: iso(now),
    profile: {
      name: account.name,
      status: account.status,
      created_at: iso(account.created_at),
      has_password: account.password_hash !== null,
      password_changed_at: when(account.password_changed_at),
    },
    identifiers: await identifiers(db, accountId),
    addresses: await addresses(db, accountId),
    cards: await cards(db, accountId),
    orders: await orders(db, accountId),
    cases: await cases(db, accountId),
    activity: await activity(db, accountId),
    messages: await messages(db, accountId),
    partner_grants: await partnerGrants(db, accountId),
    second_factors: await secondFactors(db, accountId),
    sessions: await sessions(db, accountId),
    devices: await devices(db, accountId),
  };
}

async function identifiers(db: Kysely<Database>, accountId: string) {
  const rows = await db.selectFrom('identifiers').select(['kind', 'value', 'is_primary', 'verified_at', 'created_at']).where('account_id', '=', accountId).orderBy('created_at').execute();
  return rows.map((r) => ({ kind: r.kind, value: r.value, primary: r.is_primary === 1, verified_at: when(r.verified_at), added_at: iso(r.created_at) }));
}

async function addresses(db: Kysely<Database>, accountId: string) {
  const rows = await db
    .selectFrom('addresses')
    .select(['full_name', 'line1', 'line2', 'city', 'region', 'postal_code', 'country', 'phone', 'is_default_shipping', 'is_default_billing', 'created_at', 'updated_at'])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
  return rows.map(({ is_default_shipping, is_default_billing, created_at, updated_at, ...fields }) => ({
    ...fields,
    default_shipping: is_default_shipping === 1,
    default_billing: is_default_billing === 1,
    added_at: iso(created_at),
    updated_at: iso(updated_at),
  }));
}

/** Brand, last 4 and expiry only: never the gateway token, nor the fingerprint. */
async function cards(db: Kysely<Database>, accountId: string) {
  const rows = await db
    .selectFrom('cards')
    .select(['brand', 'last4', 'exp_month', 'exp_year', 'billing_address', 'is_default', 'created_at'])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ brand: r.brand, last4: r.last4, exp_month: r.exp_month, exp_year: r.exp_year, billing_address: parsed(r.billing_address), default: r.is_default === 1, added_at: iso(r.created_at) }));
}

async function orders(db: Kysely<Database>, accountId: string) {
  const rows = await db
    .selectFrom('orders')
    .select(['id', 'number', 'status', 'currency', 'subtotal', 'shipping_total', 'tax_total', 'total', 'shipping_address', 'card_brand', 'card_last4'])
    .select(['placed_at', 'paid_at', 'shipped_at', 'delivered_at', 'cancelled_at', 'returned_at', 'refunded_at', 'fraud_reported_at'])
    .where('account_id', '=', accountId)
    .orderBy('placed_at')
    .execute();
  const items = await db
    .selectFrom('order_items')
    .select(['order_id', 'position', 'sku', 'title', 'quantity', 'unit_price', 'line_total'])
    .where('account_id', '=', accountId)
    .orderBy('order_id')
    .orderBy('position')
    .execute();
  return rows.map((o) => ({
    number: o.number,
    status: o.status,
    currency: o.currency,
    amounts_in_minor_units: { subtotal: o.subtotal, shipping: o.shipping_total, tax: o.tax_total, total: o.total },
    shipping_address: parsed(o.shipping_address),
    card: o.card_brand ? { brand: o.card_brand, last4: o.card_last4 } : null,
    placed_at: iso(o.placed_at),
    paid_at: when(o.paid_at),
    shipped_at: when(o.shipped_at),
    delivered_at: when(o.delivered_at),
    cancelled_at: when(o.cancelled_at),
    returned_at: when(o.returned_at),
    refunded_at: when(o.refunded_at),
    reported_as_not_recognised_at: when(o.fraud_reported_at),
    items: items.filter((i) => i.order_id === o.id).map(({ order_id: _order, position: _position, ...item }) => item),
  }));
}

async function cases(db: Kysely<Database>, accountId: string) {
  const rows = await db
    .selectFrom('order_cases')
    .innerJoin('orders', 'orders.id', 'order_cases.order_id')
    .select(['orders.number', 'order_cases.kind', 'order_cases.reason', 'order_cases.details', 'order_cases.quantity', 'order_cases.status', 'order_cases.resolution', 'order_cases.refund_amount'])
    .select(['order_cases.created_at', 'order_cases.resolved_at'])
    .where('order_cases.account_id', '=', accountId)
    .orderBy('order_cases.created_at')
    .execute();
  return rows.map((c) => ({
    order: c.number,
    kind: c.kind,
    reason: c.reason,
    details: c.details,
    quantity: c.quantity,
    status: c.status,
    resolution: c.resolution,
    refund_amount: c.refund_amount,
    opened_at: iso(c.created_at),
    resolved_at: when(c.resolved_at),
  }));
}

/** The audit trail of the account: what the Login activity page shows, with the raw event names. */
async function activity(db: Kysely<Database>, accountId: string) {
  const rows = await db.selectFrom('audit_events').select(['type', 'ip', 'device', 'place', 'detail', 'created_at']).where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map((e) => ({ at: iso(e.created_at), event: e.type, ip: e.ip, device: e.device, place: e.place, detail: parsed(e.detail) }));
}

/** Every email and text we sent: the record kept outside the outbox (time, channel, destination, subject, reference). */
async function messages(db: Kysely<Database>, accountId: string) {
  const rows = await db.selectFrom('message_records').select(['channel', 'destination', 'subject', 'reference', 'created_at']).where('account_id', '=', accountId).orderBy('created_at').execute();
  return rows.map((m) => ({ sent_at: iso(m.created_at), channel: m.channel, to: m.destination, subject: m.subject, reference: m.reference }));
}

async function partnerGrants(db: Kysely<Database>, accountId: string) {
  const rows = await db
    .selectFrom('partner_grants')
    .innerJoin('partners', 'partners.id', 'partner_grants.partner_id')
    .select(['partners.name', 'partner_grants.signin_claims', 'partner_grants.pays', 'partner_grants.created_at', 'partner_grants.last_used_at', 'partner_grants.revoked_at'])
    .where('partner_grants.account_id', '=', accountId)
    .orderBy('partner_grants.created_at')
    .execute();
  return rows.map((g) => ({ partner: g.name, shares: parsed(g.signin_claims), can_take_payments: g.pays === 1, allowed_at: iso(g.created_at), last_used_at: when(g.last_used_at), ended_at: when(g.revoked_at) }));
}

/** Kinds and names only: an authenticator key, a passkey's key or a backup code never leaves. */
async function secondFactors(db: Kysely<Database>, accountId: string) {
  const factors = await db.selectFrom('factors').select(['kind', 'label', 'confirmed_at', 'created_at', 'last_used_at']).where('account_id', '=', accountId).orderBy('created_at').execute();
  const codes = await db.selectFrom('backup_codes').select(['used_at']).where('account_id', '=', accountId).execute();
  return {
    methods: factors.map((f) => ({ kind: f.kind, name: f.label, confirmed: f.confirmed_at !== null, added_at: iso(f.created_at), last_used_at: when(f.last_used_at) })),
    backup_codes: { total: codes.length, unused: codes.filter((c) => c.used_at === null).length },
  };
}

async function sessions(db: Kysely<Database>, accountId: string) {
  const rows = await db.selectFrom('sessions').select(['ip', 'device', 'place', 'created_at', 'last_used_at', 'ended_at', 'expires_at']).where('account_id', '=', accountId).orderBy('created_at').execute();
  return rows.map((s) => ({ device: s.device, place: s.place, ip: s.ip, signed_in_at: iso(s.created_at), last_used_at: iso(s.last_used_at), ended_at: when(s.ended_at), expires_at: iso(s.expires_at) }));
}

async function devices(db: Kysely<Database>, accountId: string) {
  const known = await db.selectFrom('known_devices').select(['device', 'created_at', 'last_seen_at']).where('account_id', '=', accountId).orderBy('created_at').execute();
  const remembered = await db.selectFrom('remembered_devices').select(['device', 'place', 'created_at', 'expires_at', 'revoked_at']).where('account_id', '=', accountId).orderBy('created_at').execute();
  return {
    signed_in_from: known.map((d) => ({ device: d.device, first_seen_at: iso(d.created_at), last_seen_at: iso(d.last_seen_at) })),
    skipping_second_step: remembered.map((d) => ({ device: d.device, place: d.place, remembered_at: iso(d.created_at), until: iso(d.expires_at), forgotten_at: when(d.revoked_at) })),
  };
}
