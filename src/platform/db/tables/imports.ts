// Customers imported from another platform (src/imports/). Row types only; schema.ts lists the tables.

export interface ImportSourceTable {
  /** The source platform's customer id, unique: re-running an import adds nothing twice. */
  source_id: string;
  account_id: string;
  /** 'cli', or the id of the store key whose API call imported it. */
  imported_by: string;
  imported_at: number;
}
