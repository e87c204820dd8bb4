import type { Kysely } from 'kysely';

// Supervised recovery (support/recovery): one row per recovery, moved between states by conditional updates, and
// the single-use cancel links sent to the old contacts. `open_account_id` is the account's id while the recovery
// is open and null once it ends, so the unique index allows one open recovery per account on both engines.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('support_recoveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('open_account_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('new_email', 'text', (c) => c.notNull())
    .addColumn('new_email_normalized', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('prior_status', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('approved_at', 'bigint')
    .addColumn('wait_until', 'bigint')
    .addColumn('link_hash', 'text')
    .addColumn('link_expires_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('ended_by', 'text')
    .execute();
  await db.schema.createIndex('support_recoveries_open').on('support_recoveries').column('open_account_id').unique().execute();
  await db.schema.createIndex('support_recoveries_due').on('support_recoveries').columns(['state', 'wait_until']).execute();
  await db.schema
    .createTable('support_recovery_cancels')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('recovery_id', 'text', (c) => c.notNull().references('support_recoveries.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('support_recovery_cancels').execute();
  await db.schema.dropTable('support_recoveries').execute();
}
