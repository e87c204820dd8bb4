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
