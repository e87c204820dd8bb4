// Closed accounts and released identifiers. Row types only; schema.ts lists the tables.

/** `customer`: closed by its owner (signing in during the grace period reopens it); `merged`: folded into another. */
export type ClosureReason = 'customer' | 'merged';

export interface AccountClosureTable {
  account_id: string;
  reason: ClosureReason;
  /** For a merge: the account that received this one's orders, addresses and identifiers. */
  merged_into: string | null;
  requested_at: number;
  /** When the erasure job may remove or anonymise the personal data (after the grace period or undo window). */
  erase_after: number;
  erased_at: number | null;
}

/** Why an identifier left its account. */
export type ReleaseReason = 'account_closed' | 'alias_removed';

/** An email or phone nobody else may claim until `until`: its last owner may still need it back. */
export interface IdentifierQuarantineTable {
  kind: 'email' | 'phone';
  normalized: string;
  /** The account it was released from; that account may take it back, nobody else. */
  account_id: string;
  reason: ReleaseReason;
  released_at: number;
  until: number;
}

/** `pending`: asked for; `building`: claimed by an instance; `ready`: sealed, its link emailed, until `expires_at`. */
export type DataExportStatus = 'pending' | 'building' | 'ready';

export interface DataExportTable {
  id: string;
  account_id: string;
  status: DataExportStatus;
  /** The account id while pending or building, else null: unique, so an account has at most one export under way. */
  pending_key: string | null;
  claimed_by: string | null;
  claimed_at: number | null;
  /** SHA-256 of the emailed link's token (256 random bits, so a fast hash is enough). */
  token_hash: string | null;
  /** The export's JSON, sealed with AES-256-GCM under a key derived from SECRET. */
  sealed: string | null;
  requested_at: number;
  ready_at: number | null;
  expires_at: number | null;
}
