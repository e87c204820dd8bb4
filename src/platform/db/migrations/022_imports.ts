import type { Kysely } from 'kysely';

// Customers brought from another platform: one row per source customer id, so re-running an import adds nothing
// twice. No foreign key to accounts: an account later closed and erased (or merged away) keeps its source row, so a
// re-run never brings an erased customer back.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('import_sources')
    .addColumn('source_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    /** 'cli', or the id of the store key whose API call imported it. */
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_sources_account').on('import_sources').column('account_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('import_sources').execute();
}
