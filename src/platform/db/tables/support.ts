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
