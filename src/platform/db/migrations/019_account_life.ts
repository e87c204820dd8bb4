import type { Kysely } from 'kysely';

// The end of an account's life, shared by closing and merging: one closure row per closed account (why, and when its
// personal data is erased), and the quarantine that keeps a released email or phone from anyone else for a while,
// so nobody can take over an address the moment its account closes or an alias is removed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_closures')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('merged_into', 'text')
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('erase_after', 'bigint', (c) => c.notNull())
    .addColumn('erased_at', 'bigint')
    .execute();
  await db.schema.createIndex('account_closures_due').on('account_closures').columns(['erased_at', 'erase_after']).execute();

  await db.schema
    .createTable('identifier_quarantine')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('normalized', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('released_at', 'bigint', (c) => c.notNull())
    .addColumn('until', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('identifier_quarantine_pk', ['kind', 'normalized'])
    .execute();
  await db.schema.createIndex('identifier_quarantine_until').on('identifier_quarantine').column('until').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('identifier_quarantine').execute();
  await db.schema.dropTable('account_closures').execute();
}
