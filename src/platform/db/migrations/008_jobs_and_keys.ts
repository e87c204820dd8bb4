import type { Kysely } from 'kysely';

// Housekeeping and key rotation. `job_leases` lets many instances share one schedule: a job runs where its lease
// is held, and a dead holder's lease simply runs out. The indexes below serve the sweep's range deletes, so
// clearing expired rows never scans a whole table. `key_id` columns say which SECRET keyed a stored hash, and
// accounts get their own random WebAuthn user handle instead of one derived from SECRET.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text')
    .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('next_run_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_started_at', 'bigint')
    .addColumn('last_finished_at', 'bigint')
    .addColumn('last_error', 'text')
    .execute();

  await db.schema.createIndex('verifications_expiry').on('verifications').column('expires_at').execute();
  await db.schema.createIndex('sessions_idle_expiry').on('sessions').column('idle_expires_at').execute();
  await db.schema.createIndex('sessions_ended').on('sessions').column('ended_at').execute();
  await db.schema.createIndex('outbox_finished').on('outbox').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('throttles_stale').on('throttles').column('updated_at').execute();
  await db.schema.createIndex('remembered_devices_expiry').on('remembered_devices').column('expires_at').execute();

  await db.schema.alterTable('verifications').addColumn('key_id', 'text').execute();
  await db.schema.alterTable('backup_codes').addColumn('key_id', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('webauthn_user_handle', 'text').execute();
  await db.schema.createIndex('accounts_webauthn_user_handle').on('accounts').column('webauthn_user_handle').unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('accounts_webauthn_user_handle').execute();
  await db.schema.alterTable('accounts').dropColumn('webauthn_user_handle').execute();
  await db.schema.alterTable('backup_codes').dropColumn('key_id').execute();
  await db.schema.alterTable('verifications').dropColumn('key_id').execute();
  for (const index of ['remembered_devices_expiry', 'throttles_stale', 'outbox_finished', 'sessions_ended', 'sessions_idle_expiry', 'verifications_expiry']) {
    await db.schema.dropIndex(index).execute();
  }
  await db.schema.dropTable('job_leases').execute();
}
