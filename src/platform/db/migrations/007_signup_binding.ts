import type { Kysely } from 'kysely';

// Pre-hijacking and "This wasn't me" (SECURITY.md Recovery). A newer sign-up voids the pending codes sent to the
// same address, found by purpose and target. Passwords that were replaced or switched off are kept as argon2
// hashes (never plaintext), a few per account, so a reset can refuse them. A "This wasn't me" link sent with a
// contact change knows which contact to put back and which to remove.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('verifications_target').on('verifications').columns(['purpose', 'target']).execute();

  await db.schema
    .createTable('password_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('password_history_account').on('password_history').columns(['account_id', 'retired_at']).execute();

  await db.schema
    .createTable('contact_undo')
    .addColumn('verification_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('restore_value', 'text')
    .addColumn('restore_normalized', 'text')
    .addColumn('remove_normalized', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('contact_undo').execute();
  await db.schema.dropTable('password_history').execute();
  await db.schema.dropIndex('verifications_target').execute();
}
