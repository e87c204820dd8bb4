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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('known_networks').execute();
}
