/**
 * Table types, the single source for both engines. Times are epoch milliseconds (bigint in PostgreSQL,
 * integer in SQLite) so comparisons and arithmetic are the same everywhere; flags are 0/1 integers.
 */
export interface Database {
  accounts: AccountTable;
  identifiers: IdentifierTable;
  flows: FlowTable;
  verifications: VerificationTable;
  sessions: SessionTable;
  throttles: ThrottleTable;
  outbox: OutboxTable;
  audit_events: AuditEventTable;
  known_devices: KnownDeviceTable;
  known_networks: KnownNetworkTable;
  retry_passes: RetryPassTable;
  factors: FactorTable;
  backup_codes: BackupCodeTable;
  remembered_devices: RememberedDeviceTable;
  addresses: AddressTable;
  cards: CardTable;
  store_api_keys: StoreApiKeyTable;
  orders: OrderTable;
  order_items: OrderItemTable;
  order_cases: OrderCaseTable;
  message_budgets: MessageBudgetTable;
  message_records: MessageRecordTable;
  job_leases: JobLeaseTable;
  password_history: PasswordHistoryTable;
  contact_undo: ContactUndoTable;
}

export type AccountStatus = 'active' | 'locked' | 'closed';

export interface AccountTable {
  id: string;
  name: string;
  status: AccountStatus;
  password_hash: string | null;
  password_changed_at: number | null;
  /** Random, set at sign-up; null for accounts made before, whose handle is derived from SECRET (factors/passkeys.ts). */
  webauthn_user_handle: string | null;
  created_at: number;
  updated_at: number;
}

export type IdentifierKind = 'email' | 'phone';

export interface IdentifierTable {
  id: string;
  account_id: string;
  kind: IdentifierKind;
  /** As the customer typed it (trimmed, NFC); shown back to them. */
  value: string;
  /** What lookups and uniqueness use: lower-cased email, E.164 phone. */
  normalized: string;
  is_primary: number;
  verified_at: number | null;
  created_at: number;
}

export interface FlowTable {
  id: string;
  kind: string;
  state: string;
  account_id: string | null;
  /** JSON: what the flow carries between steps (never a plaintext secret). */
  data: string;
  /** JSON array of factors proven so far, e.g. ["password"]. */
  factors_passed: string;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
}

export interface VerificationTable {
  id: string;
  account_id: string | null;
  flow_id: string | null;
  purpose: string;
  channel: 'email' | 'sms';
  target: string;
  code_hash: string;
  /** Which SECRET keyed code_hash (platform/keyring.ts); null for codes made before keys had ids. */
  key_id: string | null;
  link_hash: string | null;
  attempts: number;
  max_attempts: number;
  sends: number;
  last_sent_at: number;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
}

export interface SessionTable {
  id: string;
  account_id: string;
  token_hash: string;
  factors: string;
  created_at: number;
  authenticated_at: number;
  last_used_at: number;
  idle_expires_at: number;
  expires_at: number;
  ended_at: number | null;
  ip: string;
  user_agent: string;
  device: string;
  place: string;
}

export interface ThrottleTable {
  key: string;
  failures: number;
  blocked_until: number;
  updated_at: number;
}

export interface OutboxTable {
  id: string;
  account_id: string | null;
  channel: 'email' | 'sms';
  template: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** `withheld`: queued for an unknown identifier so both do the same work, never sent (platform/outbox.ts). */
  status: 'pending' | 'sent' | 'failed' | 'withheld';
  attempts: number;
  next_attempt_at: number;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface AuditEventTable {
  id: string;
  account_id: string | null;
  type: string;
  ip: string | null;
  user_agent: string | null;
  detail: string;
  created_at: number;
  device: string | null;
  place: string | null;
}

/** A network (IPv4 address or IPv6 /64) that has signed in to an account. */
export interface KnownNetworkTable {
  account_id: string;
  network: string;
  created_at: number;
  last_seen_at: number;
}

/** An emailed "let this browser try again" link, bound to the device cookie of the browser that asked. */
export interface RetryPassTable {
  id: string;
  account_id: string | null;
  device_hash: string;
  link_hash: string;
  expires_at: number;
  used_at: number | null;
  trusted_until: number | null;
  created_at: number;
}

export interface KnownDeviceTable {
  id: string;
  account_id: string;
  device_hash: string;
  device: string;
  created_at: number;
  last_seen_at: number;
}

export type FactorKind = 'totp' | 'sms' | 'passkey';

export interface FactorTable {
  id: string;
  account_id: string;
  kind: FactorKind;
  label: string;
  /** Authenticator key, sealed with AES-GCM (platform/secret-box.ts). */
  secret_sealed: string | null;
  /** The last TOTP step accepted: a code from this step or earlier is refused (replay). */
  last_used_step: number | null;
  credential_id: string | null;
  public_key: string | null;
  sign_count: number | null;
  transports: string | null;
  user_verified: number | null;
  /** Null while enrolment waits for its first code. */
  confirmed_at: number | null;
  created_at: number;
  last_used_at: number | null;
}

export interface BackupCodeTable {
  id: string;
  account_id: string;
  code_hash: string;
  /** Which SECRET keyed code_hash (platform/keyring.ts); null for codes made before keys had ids. */
  key_id: string | null;
  used_at: number | null;
  created_at: number;
}

export interface RememberedDeviceTable {
  id: string;
  account_id: string;
  token_hash: string;
  device: string;
  place: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

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
}

/** One budget counter per key and window (notify/message-budget.ts). */
export interface MessageBudgetTable {
  key: string;
  window_start: number;
  used: number;
  expires_at: number;
}

/** What was sent, kept for ACTIVITY_RETENTION_DAYS after the outbox has forgotten the body. */
export interface MessageRecordTable {
  id: string;
  /** Short and unguessable, for a customer to check a message against. */
  reference: string;
  account_id: string | null;
  channel: 'email' | 'sms';
  /** Masked (notify/mask.ts): the record must not become a directory of contacts. */
  destination: string;
  /** The email subject or the text's kind, never a body (bodies carry codes). */
  subject: string;
  created_at: number;
}

/** One row per scheduled job (platform/jobs): who holds it, until when, and when it is next due. */
export interface JobLeaseTable {
  name: string;
  holder: string | null;
  lease_until: number;
  next_run_at: number;
  last_started_at: number | null;
  last_finished_at: number | null;
  last_error: string | null;
}

/** A replaced or switched-off password's argon2 hash, so a reset can refuse it (SECURITY.md Recovery). */
export interface PasswordHistoryTable {
  id: string;
  account_id: string;
  password_hash: string;
  retired_at: number;
}

/** What a "This wasn't me" link sent with a contact change undoes: restore the old contact, remove the new one. */
export interface ContactUndoTable {
  verification_id: string;
  account_id: string;
  kind: 'email' | 'phone';
  restore_value: string | null;
  restore_normalized: string | null;
  remove_normalized: string | null;
  created_at: number;
}
