// Merged accounts and what each merge moved. Row types only; schema.ts lists the tables.

export type MergeState = 'merged' | 'undone';

export interface AccountMergeTable {
  id: string;
  /** A: the account that received the other's orders, addresses, cards and identifiers. */
  into_account_id: string;
  /** B: the account that was closed. */
  from_account_id: string;
  /** B's primary email, masked: what A's Login activity and support show. */
  from_label: string;
  state: MergeState;
  /** JSON: how many rows of each kind moved. */
  summary: string;
  /** JSON: B's verified identifiers as they were (id, kind, value, normalized, is_primary, verified_at), for the undo. */
  identifiers: string;
  merged_at: number;
  undo_until: number;
  undone_at: number | null;
  /** The staff id that undid it. */
  undone_by: string | null;
}

/** One moved row: which table, which id, and what the merge changed on it besides the owner (JSON), if anything. */
export interface AccountMergeMoveTable {
  merge_id: string;
  table_name: string;
  row_id: string;
  prior: string | null;
}
