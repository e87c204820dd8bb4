import type { Kysely } from 'kysely';

// Merging two accounts (merging/): one row per merge, and one row per record it moved, so support can put back
// exactly what moved within the undo window. An identifier that came with a merge says from which account
// (`merged_from`): it is a sign-in alias of its new account, listed and removable apart from the account's own. An
// activity row that came with a merge says whose it was (`merged_from`: the merged account's masked email), so
// Login activity shows it as "from b•••@…".
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('identifiers').addColumn('merged_from', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('merged_from', 'text').execute();

  await db.schema
    .createTable('account_merges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('into_account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('from_account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('from_label', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('identifiers', 'text', (c) => c.notNull())
    .addColumn('merged_at', 'bigint', (c) => c.notNull())
    .addColumn('undo_until', 'bigint', (c) => c.notNull())
    .addColumn('undone_at', 'bigint')
    .addColumn('undone_by', 'text')
    .execute();
  await db.schema.createIndex('account_merges_into').on('account_merges').column('into_account_id').execute();
  await db.schema.createIndex('account_merges_from').on('account_merges').column('from_account_id').execute();

  await db.schema
    .createTable('account_merge_moves')
    .addColumn('merge_id', 'text', (c) => c.notNull().references('account_merges.id').onDelete('cascade'))
    .addColumn('table_name', 'text', (c) => c.notNull())
    .addColumn('row_id', 'text', (c) => c.notNull())
    .addColumn('prior', 'text')
    .addPrimaryKeyConstraint('account_merge_moves_pk', ['merge_id', 'table_name', 'row_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_merge_moves').execute();
  await db.schema.dropTable('account_merges').execute();
  await db.schema.alterTable('audit_events').dropColumn('merged_from').execute();
  await db.schema.alterTable('identifiers').dropColumn('merged_from').execute();
}
