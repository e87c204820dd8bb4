// Accounts, their identifiers, flows, codes, sessions and throttles. Row types only; schema.ts lists the tables.

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
  /** The account this identifier came from in a merge (merging/): a sign-in alias, never the primary. Null: the account's own. */
  merged_from: string | null;
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
