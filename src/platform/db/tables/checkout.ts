// "Pay with" the store on partner sites. Row types only; schema.ts lists the tables.

export type CheckoutStatus = 'open' | 'approved' | 'declined' | 'charged';

export interface CheckoutSessionTable {
  id: string;
  partner_id: string;
  /** The customer who approved or declined it; null while open. */
  account_id: string | null;
  status: CheckoutStatus;
  currency: string;
  /** Integer minor units; always the sum of the items' quantity × unit_amount. */
  amount: number;
  /** JSON array of { name, quantity, unit_amount }. */
  items: string;
  return_url: string;
  /** The saved card and the address snapshot the customer chose on approval. */
  card_id: string | null;
  shipping_address: string | null;
  /** SHA-256 of the single-use charge permission; the permission itself is shown once and never stored. */
  permission_hash: string | null;
  permission_issued_at: number | null;
  /** Charges tried with this session's permission (a declined card may be tried again, up to a limit). */
  charge_attempts: number;
  created_at: number;
  /** Open: until the customer decides. Approved: until the permission must be redeemed. */
  expires_at: number;
  decided_at: number | null;
}

export type PartnerChargeStatus = 'pending' | 'succeeded' | 'partially_refunded' | 'refunded';

export interface PartnerChargeTable {
  id: string;
  partner_id: string;
  checkout_session_id: string;
  account_id: string;
  idempotency_key: string;
  request_hash: string;
  status: PartnerChargeStatus;
  currency: string;
  amount: number;
  /** Minor units refunded so far; a conditional update keeps it at most `amount`. */
  refunded: number;
  /** Refunds made so far; at most MAX_REFUNDS, since each one emails the customer. */
  refund_count: number;
  card_brand: string | null;
  gateway_charge_id: string | null;
  order_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface PartnerRefundTable {
  id: string;
  charge_id: string;
  partner_id: string;
  idempotency_key: string;
  request_hash: string;
  status: 'pending' | 'succeeded';
  amount: number;
  gateway_refund_id: string | null;
  created_at: number;
}
