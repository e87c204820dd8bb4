// Second factors, backup codes and remembered devices. Row types only; schema.ts lists the tables.

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
