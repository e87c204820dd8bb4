import type { Generated } from 'kysely';

// Addresses, cards, store keys, orders and their cases. Row types only; schema.ts lists the tables.

export interface AddressTable {
  id: string;
  account_id: string;
  full_name: string;
  line1: string;
  line2: string | null;
  city: string | null;
  region: string | null;
  /** Normalised for its country (upper case, canonical spacing), so equal codes compare equal. */
  postal_code: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  /** E.164. */
  phone: string | null;
  is_default_shipping: number;
  is_default_billing: number;
  created_at: number;
  updated_at: number;
}

export interface CardTable {
  id: string;
  account_id: string;
  /** Which gateway adapter issued the token ("sandbox", …). */
  gateway: string;
  gateway_token: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  /** The gateway's keyed fingerprint of the card number: the same card gives the same value, nothing more. */
  fingerprint: string;
  /** JSON: the billing address as it was when the card was saved. */
  billing_address: string;
  is_default: number;
  /** Set once the "card expires soon" reminder is queued, so the job never sends it twice. */
  expiry_reminder_sent_at: number | null;
  created_at: number;
}

export interface StoreApiKeyTable {
  id: string;
  name: string;
  /** SHA-256 of the secret part: the key is 256 random bits, so a fast hash is enough. */
  key_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export type OrderStatus = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'returned' | 'refunded';

export interface OrderTable {
  id: string;
  /** What the customer and support quote, e.g. 112-4820193-5567012. */
  number: string;
  account_id: string;
  store_key_id: string;
  idempotency_key: string;
  /** SHA-256 of the canonical request body: the same key with a different body is refused. */
  request_hash: string;
  status: OrderStatus;
  currency: string;
  /** Integer minor units of `currency`. */
  subtotal: number;
  shipping_total: number;
  tax_total: number;
  total: number;
  item_count: number;
  /** Lower-cased item titles joined by newlines: search within one account's orders without a join. */
  item_titles: string;
  /** JSON snapshot of the shipping address. */
  shipping_address: string;
  card_id: string | null;
  card_brand: string | null;
  card_last4: string | null;
  placed_at: number;
  paid_at: number | null;
  shipped_at: number | null;
  delivered_at: number | null;
  cancelled_at: number | null;
  returned_at: number | null;
  refunded_at: number | null;
  fraud_reported_at: number | null;
  updated_at: number;
  /** The partner site that sold it ("Pay with"); null for the store's own orders. */
  partner_id: string | null;
  /** Minor units the partner refunded through the partner API. */
  partner_refunded: Generated<number>;
}

export interface OrderItemTable {
  id: string;
  order_id: string;
  account_id: string;
  position: number;
  sku: string;
  title: string;
  quantity: number;
  unit_price: number;
  line_total: number;
  placed_at: number;
}

export type OrderCaseKind = 'return' | 'dispute' | 'fraud_report';

export type OrderCaseStatus = 'open' | 'accepted' | 'refused' | 'resolved';

export interface OrderCaseTable {
  id: string;
  order_id: string;
  account_id: string;
  kind: OrderCaseKind;
  /** The item a return is for; null for disputes and fraud reports about the whole order. */
  item_id: string | null;
  quantity: number | null;
  reason: string;
  details: string;
  status: OrderCaseStatus;
  resolution: string | null;
  refund_amount: number | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
  /** The member of staff who opened it for the customer on a call; null when the customer opened it. */
  opened_by_staff: string | null;
}
