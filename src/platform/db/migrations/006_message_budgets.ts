import type { Kysely } from 'kysely';

// Message budgets: one counter row per budget key and window, moved by one conditional upsert, so a budget is
// exact under any concurrency and across instances. expires_at is when the window ends and the row may go.
// Message records: what was sent, when, on which channel, to a masked destination — kept apart from the outbox,
// which forgets bodies once delivered. created_at is indexed for the retention sweep.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('message_budgets')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_budgets_pk', ['key', 'window_start'])
    .execute();
  await db.schema.createIndex('message_budgets_expiry').on('message_budgets').column('expires_at').execute();

  await db.schema
    .createTable('message_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('account_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_records_time').on('message_records').column('created_at').execute();
  await db.schema.createIndex('message_records_account_time').on('message_records').columns(['account_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('message_records').execute();
  await db.schema.dropTable('message_budgets').execute();
}
