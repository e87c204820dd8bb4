/**
 * What a merge does with each table that carries an account id (src/platform/db/tables), decided once, here:
 * `moves` to the receiving account A (recorded row by row, so an undo puts back exactly what moved), `stays` with
 * the merged account B (closed; the erasure job removes what is personal once the undo window has passed), or
 * `ends` (revoked or expired at the merge). A new table with an account id gets a line here.
 */
export type MergeFate = 'moves' | 'stays' | 'ends';

export const MERGE_TABLES: Record<string, { fate: MergeFate; why: string }> = {
  // accounts/
  accounts: { fate: 'stays', why: "B's row is closed with a closure row (reason 'merged', merged_into A)." },
  identifiers: { fate: 'moves', why: "B's verified emails and phones become sign-in aliases of A (merged_from = B, never primary); unverified claims stay with B and die with it." },
  account_closures: { fate: 'stays', why: 'B gets its closure row here; A has none.' },
  identifier_quarantine: { fate: 'stays', why: 'Holds name the account that released an identifier; a merge releases nothing.' },
  password_history: { fate: 'stays', why: "B's old passwords say nothing about A's." },
  contact_undo: { fate: 'stays', why: "B's pending \"This wasn't me\" undos end with B's identifiers leaving it." },
  // platform
  flows: { fate: 'ends', why: "B's unfinished flows (sign-in, recovery, changes) expire: nothing begun on B finishes after it closed." },
  verifications: { fate: 'ends', why: "B's unused codes and links are voided (an unexpired email change must not land on A's alias)." },
  sessions: { fate: 'ends', why: 'Every session of B ends (pre-hijacking: an unexpired session must not outlive the merge).' },
  outbox: { fate: 'stays', why: 'Messages already sent to B.' },
  message_records: { fate: 'stays', why: "What was sent to B's contacts is B's record of messages." },
  // activity/
  audit_events: { fate: 'moves', why: "Login activity is kept and shown on A as \"from b•••@…\" (merged_from = B's masked email)." },
  known_devices: { fate: 'stays', why: "Devices known to B grant B's own throttle counters; A learns its own devices." },
  known_networks: { fate: 'stays', why: 'As known devices.' },
  retry_passes: { fate: 'stays', why: "Emailed \"try again\" passes for B's sign-in; B can no longer sign in." },
  // methods/
  factors: { fate: 'stays', why: "B's authenticator, SMS factor and passkeys do not move: the customer enrols them on A." },
  backup_codes: { fate: 'stays', why: "As factors: A's own backup codes are A's." },
  remembered_devices: { fate: 'stays', why: 'A browser remembered for B skips no step on A.' },
  // wallet/, orders/, cases/
  addresses: { fate: 'moves', why: "The address book moves; A's defaults stay A's (B's defaults are kept only where A had none)." },
  cards: { fate: 'moves', why: "Gateway tokens are re-pointed, not re-made; A's default card stays A's." },
  orders: { fate: 'moves', why: 'Your Orders on A shows both histories.' },
  order_items: { fate: 'moves', why: 'Follow their orders.' },
  order_cases: { fate: 'moves', why: 'Returns, disputes and fraud reports follow their orders.' },
  // checkout/, partners/
  checkout_sessions: { fate: 'moves', why: "A \"Pay with\" approval B gave charges B's card, which now is A's, and its order lands on A." },
  partner_charges: { fate: 'moves', why: 'As checkout sessions: the charge and its order belong together.' },
  partner_grants: { fate: 'ends', why: 'Revoked, with their tokens (endPartnerGrants): partners asked B, not A.' },
  partner_subjects: { fate: 'stays', why: "Pairwise subjects are per account; a partner must not learn that B and A are one person." },
  // support/
  support_challenges: { fate: 'stays', why: "Caller checks made on B's file." },
  support_windows: { fate: 'stays', why: "An agent's window on B gives nothing on A." },
  support_notes: { fate: 'stays', why: "Notes stay on B's file, which support still opens (and which shows where it went)." },
  support_recoveries: { fate: 'stays', why: 'A supervised recovery locks B, and a locked account cannot be merged.' },
  // merging/
  account_merges: { fate: 'stays', why: 'The merge record itself, naming both accounts.' },
  account_merge_moves: { fate: 'stays', why: 'What the merge moved, for the undo.' },
  // message-check/
  personal_phrases: { fate: 'stays', why: "A's emails show A's own phrase: one B chose must not appear on A's mail unasked." },
  suspicious_reports: { fate: 'stays', why: "Reports B filed stay on B's file, where the fraud view already shows them." },
  // imports/
  import_sources: { fate: 'stays', why: "The source platform's id names B; re-running the import must still find it imported, not make B again." },
  // data-export/
  data_exports: { fate: 'stays', why: "A copy of B's data made before the merge is B's; B can no longer sign in to fetch it, and it expires." },
};

/** The tables whose rows move with one `account_id` update each (identifiers and audit events move with their own rules). */
export const MOVED_ROWS = ['orders', 'order_items', 'order_cases', 'addresses', 'cards', 'checkout_sessions', 'partner_charges'] as const;

export type MovedRowTable = (typeof MOVED_ROWS)[number];
