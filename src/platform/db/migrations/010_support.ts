import type { Kysely } from 'kysely';

// The support console: a code sent to a contact on file (challenge), the verified-caller window it opens for one
// agent and one customer, and agents' notes. Windows are read on every console request and by the customer's
// "Are you talking to us?" line, hence the two indexes beside the sweep's expiry ones.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('support_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('identifier_id', 'text', (c) => c.notNull())
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema
    .createTable('support_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_challenges_expiry').on('support_challenges').column('expires_at').execute();
  await db.schema.createIndex('support_windows_expiry').on('support_windows').column('expires_at').execute();
  await db.schema.createIndex('support_windows_staff').on('support_windows').columns(['staff_id', 'account_id', 'expires_at']).execute();
  await db.schema.createIndex('support_windows_account').on('support_windows').columns(['account_id', 'expires_at']).execute();
  await db.schema
    .createTable('support_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_notes_account').on('support_notes').columns(['account_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('support_notes').execute();
  await db.schema.dropTable('support_windows').execute();
  await db.schema.dropTable('support_challenges').execute();
}
