import type { Kysely } from 'kysely';

// Networks an account has signed in from (an IPv4 address or an IPv6 /64). Guesses from a known device or a
// known network are throttled on their own counter, so an attacker elsewhere can't lock the owner out
// (NIST SP 800-63B-4 §3.2.2).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('known_networks')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('network', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('known_networks_pk', ['account_id', 'network'])
    .execute();

  // "Let this browser try again": an emailed single-use link bound to the browser (device cookie) that asked.
  // Once used, that browser guesses on a counter of its own for a while; it proves nothing else.
  await db.schema
    .createTable('retry_passes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('device_hash', 'text', (c) => c.notNull())
    .addColumn('link_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('trusted_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('retry_passes_link').on('retry_passes').column('link_hash').unique().execute();
  await db.schema.createIndex('retry_passes_account_device').on('retry_passes').columns(['account_id', 'device_hash']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('retry_passes').execute();
  await db.schema.dropTable('known_networks').execute();
}
