// Outgoing messages, their budgets and records, and the scheduled jobs. Row types only; schema.ts lists the tables.

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
