import type { Kysely } from 'kysely';

// "Download your data": one row per export a customer asked for. The JSON is built in the background by whichever
// instance claims the row, sealed (platform/secret-box.ts) and kept in the database, since instances share nothing
// else; the emailed link's token is kept only as a hash. `pending_key` holds the account id while an export is
// waiting or being built and is cleared once it is ready: a unique column, so two requests at once make one row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('data_exports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('pending_key', 'text', (c) => c.unique())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'bigint')
    .addColumn('token_hash', 'text')
    .addColumn('sealed', 'text')
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('ready_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('data_exports_account').on('data_exports').columns(['account_id', 'requested_at']).execute();
  await db.schema.createIndex('data_exports_status').on('data_exports').columns(['status', 'requested_at']).execute();
  await db.schema.createIndex('data_exports_expires').on('data_exports').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('data_exports').execute();
}
