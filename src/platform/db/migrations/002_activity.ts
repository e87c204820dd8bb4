import type { Kysely } from 'kysely';

// Login activity: place and device are resolved when the event happens, so history never shifts when the
// GeoIP database is updated. Known devices are per account, keyed by a hash of the device cookie.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('device', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('place', 'text').execute();
  await db.schema.createIndex('audit_time').on('audit_events').column('created_at').execute();

  await db.schema
    .createTable('known_devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('device_hash', 'text', (c) => c.notNull())
    .addColumn('device', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('known_devices_account_device').on('known_devices').columns(['account_id', 'device_hash']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('known_devices').execute();
  await db.schema.dropIndex('audit_time').execute();
  await db.schema.alterTable('audit_events').dropColumn('place').execute();
  await db.schema.alterTable('audit_events').dropColumn('device').execute();
}
