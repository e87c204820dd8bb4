// The support console: caller checks, verified-caller windows and notes. Row types only; schema.ts lists the tables.

/** A code sent to one contact on file so an agent can check who is calling. */
export interface SupportChallengeTable {
  id: string;
  staff_id: string;
  account_id: string;
  identifier_id: string;
  /** The ticket the agent typed; the window opened by this check carries it. */
  ticket: string;
  created_at: number;
  expires_at: number;
  /** Set once the code was read back correctly: a challenge opens at most one window. */
  completed_at: number | null;
}

/** A verified caller: this agent may see and act on this customer, for this ticket, until expires_at. */
export interface SupportWindowTable {
  id: string;
  staff_id: string;
  account_id: string;
  ticket: string;
  opened_at: number;
  expires_at: number;
}

export interface SupportNoteTable {
  id: string;
  account_id: string;
  staff_id: string;
  ticket: string;
  text: string;
  created_at: number;
}

export type SupportRecoveryState = 'awaiting_approval' | 'waiting' | 'link_sent' | 'completed' | 'cancelled' | 'expired';

/** A supervised recovery for a customer who lost every contact (support/recovery). */
export interface SupportRecoveryTable {
  id: string;
  account_id: string;
  /** The account id while open, null once ended: one open recovery per account (unique index). */
  open_account_id: string | null;
  state: SupportRecoveryState;
  ticket: string;
  new_email: string;
  new_email_normalized: string;
  /** JSON: which facts were checked, each true (a start with any mismatch is refused); never the values. */
  evidence: string;
  started_by: string;
  approved_by: string | null;
  /** The account's status before the wait locked it, put back if the recovery is cancelled. */
  prior_status: string | null;
  created_at: number;
  approved_at: number | null;
  wait_until: number | null;
  link_hash: string | null;
  link_expires_at: number | null;
  ended_at: number | null;
  /** A staff id, 'customer' (a cancel link) or 'system' (link expired). */
  ended_by: string | null;
}

export interface SupportRecoveryCancelTable {
  token_hash: string;
  recovery_id: string;
  created_at: number;
  used_at: number | null;
}
