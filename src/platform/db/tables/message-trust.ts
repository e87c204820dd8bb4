// "Is this message really from us?": personal phrases and reported suspicious messages. Row types only; schema.ts lists the tables.

/** One per account that set one; sealed (platform/secret-box.ts, purpose 'personal-phrase'): it is shown back. */
export interface PersonalPhraseTable {
  account_id: string;
  phrase_sealed: string;
  updated_at: number;
}

/** A message a customer reported as suspicious (message-check/reports.ts). Every text column is attacker text. */
export interface SuspiciousReportTable {
  id: string;
  account_id: string;
  /** How it reached them: 'email', 'sms' or 'other'. */
  channel: string;
  sender: string;
  headers: string;
  body: string;
  /** A reference found in the pasted text (normalised), if any. */
  reference: string | null;
  /** 1 when that reference is one of ours (message_records). */
  reference_known: number;
  created_at: number;
}
